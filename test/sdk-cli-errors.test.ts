import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { privateKeyToAccount } from "viem/accounts";
import { createKeystore } from "../keepers/src/keystore.js";
import { fundedKey, liveChain, writeBook } from "./helpers/sdk-chain.js";

const run = promisify(execFile);
const PAR = 10n ** 8n;
/** A unix time as the CLI writes it: "2026-12-03 08:47:30 UTC". */
const utc = (t: bigint | number) => new Date(Number(t) * 1000).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describe("par CLI: reverts read as sentences", function () {
  this.timeout(120_000);
  let live: Awaited<ReturnType<typeof liveChain>>;
  let book: string;
  const dir = mkdtempSync(path.join(tmpdir(), "par-cli-errors-"));

  before(async () => {
    live = await liveChain();
    book = writeBook(live.fx.book);
  });
  after(() => live?.server.close());

  /** A keystore holding a fresh key with gas and `par` PAR base units; `par(...)` runs the CLI with it. */
  async function user(par: bigint) {
    const key = await fundedKey(live.conn, live.fx, par);
    const keystore = path.join(dir, `${privateKeyToAccount(key).address}.json`);
    createKeystore(keystore, "pw", { privateKey: key, n: 1 << 12 });
    const cli = async (...args: string[]) => {
      try {
        const { stdout, stderr } = await run(process.execPath, ["keepers/bin/par.js", "--rpc", live.url, "--addresses", book, "--keystore", keystore, ...args], {
          env: { ...process.env, PAR_PASSPHRASE: "pw" },
        });
        return { code: 0, stdout, stderr };
      } catch (e) {
        const err = e as { code: number; stdout: string; stderr: string };
        return { code: err.code, stdout: err.stdout, stderr: err.stderr };
      }
    };
    return { address: privateKeyToAccount(key).address, cli };
  }

  it("says that an unknown model does not exist, for `models show` and `task post`", async () => {
    const { cli } = await user(PAR);
    const show = await cli("models", "show", "42");
    assert.equal(show.code, 1);
    assert.equal(show.stderr, "par: model 42 does not exist; see par models list\n");
    const post = await cli("task", "post", "--model", "42", "--sample", "mlp");
    assert.equal(post.stderr, "par: model 42 does not exist; see par models list\n");
  });

  it("says how much PAR a stake lacks (ERC20InsufficientBalance raised by the token inside register)", async () => {
    const { address, cli } = await user(0n);
    const r = await cli("keeper", "stake", "5", "--models", "1");
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `par: ${address} holds 0 PAR but this needs 5 PAR; send that wallet at least 5 PAR more first (par wallet balance shows it)\n`);
  });

  it("names a registration parameter out of bounds with its limit", async () => {
    const { cli } = await user(10n * PAR);
    const r = await cli("keeper", "stake", "5", "--models", "1", "--commission", "9000");
    assert.equal(r.stderr, "par: a commission of 90% (9000 bps) is above the maximum of 20% (2000 bps); ask for less\n");
  });

  it("says when unbonding stake can be withdrawn (UnbondingNotReady with its date)", async () => {
    const { address, cli } = await user(20n * PAR);
    assert.equal((await cli("keeper", "stake", "10", "--models", "1")).code, 0);
    assert.equal((await cli("keeper", "unstake", "4")).code, 0);
    const { unbondReadyAt } = await live.fx.keepers.read.positionOf([address, address]);
    const r = await cli("keeper", "withdraw");
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      // the relative part counts from the wall clock, which the in-process chain's clock may lag or lead
      new RegExp(`^par: the unbonding stake can be withdrawn from ${escape(utc(unbondReadyAt))} \\((in [^)]+|[^)]+ ago)\\); run par keeper withdraw then\\n$`),
    );
  });

  it("says when a task can be reclaimed (NotExpired with its deadline)", async () => {
    const { cli } = await user(10n * PAR);
    const posted = await cli("--json", "task", "post", "--model", "1", "--sample", "mlp", "--ttl", "1200");
    assert.equal(posted.code, 0, posted.stderr);
    const id = BigInt(JSON.parse(posted.stdout).task);
    const [event] = await live.fx.market.getEvents.TaskPosted({ id }, { fromBlock: 0n });
    const r = await cli("task", "reclaim", String(id));
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`^par: task ${id} cannot be reclaimed yet: it expires after ${escape(utc(event.args.deadline!))} \\((in [^)]+|[^)]+ ago)\\)`));
  });
});
