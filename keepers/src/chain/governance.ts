/**
 * Approving a model through the real governance path, as the devnet runs it. Only the timelock
 * approves models (ModelRegistry.approve). At genesis nobody holds PAR, so nobody can vote: the
 * guardian (the founders' multisig) schedules the call on the timelock through the
 * GenesisGuardian, the call waits the timelock's delay in public, and then anyone executes it
 * (the timelock's executor role is open). On the devnet the guardian is the deployer: the
 * chain's first prefunded account, which the devnet's node keeps unlocked.
 */
import { createWalletClient, custom, encodeFunctionData, type Account, type Chain, type Hex, type Transport, type WalletClient } from "viem";
import { modelRegistryAbi } from "../abi.js";
import type { ParadigmClients } from "./client.js";
import { getModel } from "./models.js";
import { mined } from "./requester.js";

/** One step of an approval, for people (`message`) and programs (the other fields). */
export type ApprovalStep = { step: "scheduled" | "pending" | "waiting" | "executed" | "approved"; message: string; [field: string]: unknown };

const ZERO32: Hex = `0x${"00".repeat(32)}`;
/**
 * A fixed salt makes the operation's id a function of the model id alone, so a second run (after
 * Ctrl-C, say) finds the operation the first one scheduled and waits for it.
 */
const SALT = ZERO32;
/** Executions tried once the delay has passed by the clock: the next block may still be older. */
const EXECUTE_TRIES = 10;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function governanceOf(c: ParadigmClients) {
  const { guardian, timelock } = c.contracts;
  if (!guardian || !timelock) throw new Error("the address book names no GenesisGuardian or ParadigmTimelock; it must come from deploy/deploy.ts (npm run devnet)");
  return { guardian, timelock };
}

/**
 * A wallet for the guardian when the node holds its key unlocked, as the devnet's node does for
 * the deployer. Elsewhere the guardian is a multisig, and this says so.
 */
export async function devnetGuardian(c: ParadigmClients): Promise<WalletClient<Transport, Chain, Account>> {
  const address = await governanceOf(c).guardian.read.guardian();
  const node = createWalletClient({ chain: c.publicClient.chain, transport: custom(c.publicClient) });
  const unlocked = await node.getAddresses();
  if (!unlocked.some((a) => a.toLowerCase() === address.toLowerCase())) {
    throw new Error(`the guardian ${address} is not an account this node unlocks, so this is not the devnet: there the guardian (the founders' multisig) ` +
      `schedules ModelRegistry.approve(id) through the GenesisGuardian, or, after genesis, a Governor proposal does (docs/governance.md)`);
  }
  return createWalletClient({ account: address, chain: c.publicClient.chain, transport: custom(c.publicClient) });
}

/** Chain time now: the latest block's, or the clock's (corrected by `skew`) when blocks lag. */
async function chainNow(c: ParadigmClients, skew: number): Promise<number> {
  const block = await c.publicClient.getBlock();
  return Math.max(Number(block.timestamp), Math.floor(Date.now() / 1000 + skew));
}

/**
 * Approves model `id`: the guardian schedules ModelRegistry.approve(id) on the timelock through
 * the GenesisGuardian, waits the timelock's delay (read from the chain), and executes it.
 * `onStep` hears each step. Safe to run again: it resumes a scheduled operation.
 */
export async function approveModel(c: ParadigmClients, id: number, guardianWallet: WalletClient<Transport, Chain, Account>, onStep: (s: ApprovalStep) => void = () => {}): Promise<void> {
  const { guardian, timelock } = governanceOf(c);
  const model = await getModel(c, id);
  if (model.status === "Approved") return onStep({ step: "approved", message: `model ${id} is already approved`, model: id });
  if (model.status !== "Proposed") throw new Error(`model ${id} is ${model.status}; only a proposed model can be approved (propose one with \`par models register\`)`);

  const target = c.book.contracts.ModelRegistry;
  const data = encodeFunctionData({ abi: modelRegistryAbi, functionName: "approve", args: [id] });
  const op = [target, 0n, data, ZERO32, SALT] as const;
  const operation = await timelock.read.hashOperation(op);
  const delay = await timelock.read.getMinDelay();
  const tx = { account: guardianWallet.account, chain: guardianWallet.chain };
  if (await timelock.read.isOperation([operation])) {
    onStep({ step: "pending", message: `ModelRegistry.approve(${id}) is already scheduled on the timelock (operation ${operation})`, model: id, operation });
  } else {
    if (!(await guardian.read.inGenesis())) {
      throw new Error("genesis is over (PAR's voting supply reached the guardian's threshold): approval now takes a Governor proposal (docs/governance.md)");
    }
    const hash = await guardianWallet.writeContract({ address: guardian.address, abi: guardian.abi, functionName: "schedule", args: [...op, delay], ...tx });
    await mined(c, hash, "GenesisGuardian.schedule");
    onStep({
      step: "scheduled",
      message: `the guardian ${guardianWallet.account.address} scheduled ModelRegistry.approve(${id}) on the timelock through the GenesisGuardian (tx ${hash}); the timelock delay is ${delay} s`,
      model: id, operation, delay: Number(delay), tx: hash,
    });
  }

  const readyAt = Number(await timelock.read.getTimestamp([operation]));
  const latest = await c.publicClient.getBlock();
  const skew = Number(latest.timestamp) - Date.now() / 1000;
  const wait = Math.max(0, readyAt - (await chainNow(c, skew)));
  onStep({ step: "waiting", message: `waiting for the delay to pass: until the chain's clock reads ${new Date(readyAt * 1000).toISOString()}, ${wait} s from its latest block; anyone may execute the operation then`, model: id, readyAt, seconds: wait });
  while ((await chainNow(c, skew)) < readyAt) await sleep(1000);

  for (let tries = 1; !(await timelock.read.isOperationDone([operation])); tries++) {
    try {
      const hash = await guardianWallet.writeContract({ address: timelock.address, abi: timelock.abi, functionName: "execute", args: op, ...tx });
      await mined(c, hash, "ParadigmTimelock.execute");
      onStep({ step: "executed", message: `executed the operation on the timelock (tx ${hash}): it called ModelRegistry.approve(${id})`, model: id, tx: hash });
    } catch (e) {
      if (tries >= EXECUTE_TRIES) throw e;
      await sleep(1000); // the block that would include it is not past the delay yet
    }
  }
  const after = await getModel(c, id);
  if (after.status !== "Approved") throw new Error(`the operation ran but model ${id} is ${after.status}`);
  onStep({ step: "approved", message: `model ${id} is approved: keepers may serve it (\`par keeper models add ${id}\`) and requesters post tasks for it`, model: id });
}
