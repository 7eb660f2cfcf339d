/**
 * The devnet's requester agent: an autonomous program with its own key that keeps buying
 * inference through the SDK. At genesis nobody holds PAR, so it posts zero-fee tasks (rate
 * limited by the market); once it holds PAR it would pass `fee`. AGENT_CONCURRENCY workers post
 * single tasks and one more posts lots of LOT_ITEMS inputs.
 *
 * Env: PAR_RPC, PAR_DEPLOYMENTS, PAR_KEYSTORE, PAR_PASSPHRASE; AGENT_CONCURRENCY (default 4).
 */
import path from "node:path";
import { createPublicClient, http } from "viem";
import { createParadigm, TaskFailedError, type DecodedOutput } from "../keepers/src/index.js";
import { sampleBundle } from "../keepers/src/samples.js";
import { addressBookPath } from "../keepers/src/chain/addresses.js";
import { loadKeystore } from "../keepers/src/keystore.js";

const rpcUrl = process.env.PAR_RPC ?? "http://127.0.0.1:8545";
const chainId = await createPublicClient({ transport: http(rpcUrl) }).getChainId();
const addresses = addressBookPath(chainId, process.env.PAR_DEPLOYMENTS ?? path.resolve("deploy/deployments"));
const privateKey = loadKeystore(process.env.PAR_KEYSTORE!, process.env.PAR_PASSPHRASE ?? "");
const paradigm = createParadigm({ rpcUrl, addresses, privateKey });
const concurrency = Number(process.env.AGENT_CONCURRENCY ?? 4);
const MODEL = { id: 1, key: "mlp" } as const;
const LOT_ITEMS = 8;

let seed = 1;
let done = 0;

const labelsOf = (outputs: DecodedOutput[]) => [...(outputs.find((o) => o.name === "label")?.values ?? [])].join(",");

/** Buys inference in a loop: single tasks, or lots of LOT_ITEMS inputs when `lots`. */
async function worker(lots: boolean) {
  for (;;) {
    try {
      if (lots) {
        const inputs = Array.from({ length: LOT_ITEMS }, () => sampleBundle(MODEL.key, 4, seed++));
        const result = await paradigm.inferLot(MODEL.id, inputs, { fee: 0n });
        done++;
        console.log(`lot ${result.id} verified: ${LOT_ITEMS} inputs, keeper ${result.keeper.slice(0, 10)}… labels [${result.items!.map(labelsOf).join(" | ")}] (${done} done)`);
      } else {
        const result = await paradigm.infer(MODEL.id, sampleBundle(MODEL.key, 4, seed++), { fee: 0n });
        done++;
        console.log(`task ${result.id} verified: keeper ${result.keeper.slice(0, 10)}… labels [${labelsOf(result.outputs)}] (${done} done)`);
      }
    } catch (e) {
      const message = (e as Error).message.split("\n")[0];
      if (e instanceof TaskFailedError) console.log(`task failed: ${message}`);
      else console.log(`post failed, retrying in 5s: ${message}`);
      await new Promise((r) => setTimeout(r, 5_000));
    }
  }
}

// One more worker posts lots: many inputs as one task, for far less gas per input.
await Promise.all([...Array.from({ length: concurrency }, () => worker(false)), worker(true)]);
