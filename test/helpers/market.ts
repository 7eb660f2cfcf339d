import { network } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";
import { deployParadigm } from "../../deploy/deployment.js";
import { TEST } from "../../deploy/profiles.js";
import { isAddressEqual, keccak256, parseEventLogs, stringToHex, toHex, zeroAddress, zeroHash, type Address, type Hex } from "viem";
import type { Task } from "../../keepers/src/chain/taskbook.js";
import { challengeCommitment } from "../../keepers/src/chain/challenge.js";

export const MARKET_ROLE = keccak256(toHex("MARKET_ROLE"));
export const POLICY_ROLE = keccak256(toHex("POLICY_ROLE"));
export const PAR = 10n ** 8n;
/** Work units per compute unit (TaskLib.WORK_PER_CU). */
export const WORK_PER_CU = 10_000n;
export const param = (name: string) => stringToHex(name, { size: 32 });
export const BURN = "0x000000000000000000000000000000000000dEaD" as Address;


/** A test model of `cu` compute units (4096-byte inputs) whose bytes hash to `hash`. */
export const modelSpec = (cu: number, hash: Hex) => ({
  modelHash: hash,
  uri: "npm:@paradigm/models/vad.onnx",
  computeUnits: cu,
  maxInputBytes: 4096,
  maxOutputBytes: 1024,
  outputDecimals: 4,
  tolerance: 2,
  inputs: [{ name: "x", dtype: 1, shape: [1n, -1n] }],
  outputs: [{ name: "y", dtype: 2, shape: [2n] }],
});

/** The ModelRegistry.propose struct. */
export type ModelSpec = ReturnType<typeof modelSpec>;

/** The default test models: 1 with 100 CU, 2 = the policy model. */
const TEST_MODELS = [modelSpec(100, keccak256(toHex("model-1"))), modelSpec(10, keccak256(toHex("policy")))];

type MarketOptions = { models?: readonly ModelSpec[]; emissionMinter?: boolean; policyTasks?: boolean };

/** The module's options for `opts`: the TEST profile, and the pool as minter where `emissionMinter`. */
const profileOf = (opts: MarketOptions) => ({
  ...TEST,
  genesisModels: (opts.models ?? TEST_MODELS).map((m) => ({ ...m })),
  test: { minter: opts.emissionMinter ? ("pool" as const) : ("deployer" as const), policyTasks: opts.policyTasks },
  // as in production the pool mints; its emission is paid out at once rather than vested
  pool: opts.emissionMinter ? { genesisVesting: 0 } : ({} as Record<string, number>),
});

const deploy = (connection: NetworkConnection, opts: MarketOptions) => deployParadigm(connection, profileOf(opts));

/** One chain per set of options, each with its deployment as a fixture (`loadFixture`). */
const fixtures = new Map<string, { connection: NetworkConnection; deployment: () => ReturnType<typeof deploy> }>();

/**
 * The deployment for `opts` on a chain of its own, as it stood right after deployment: deployed
 * once through the module (deploy/modules/Paradigm.ts, TEST profile), then restored from a
 * snapshot (`loadFixture`). A later call with the same options reverts the chain under the
 * earlier one, so a test holds one market per set of options at a time.
 */
async function fixture(opts: MarketOptions) {
  const key = JSON.stringify(opts, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
  let entry = fixtures.get(key);
  if (!entry) {
    const connection = await network.create();
    entry = { connection, deployment: () => deploy(connection, opts) };
    fixtures.set(key, entry);
  }
  return { connection: entry.connection, ...(await entry.connection.networkHelpers.loadFixture(entry.deployment)) };
}

/**
 * Token, ModelRegistry (`models` approved as ids 1, 2, …; default TEST_MODELS), KeeperRegistry,
 * EmissionPool, TaskMarket (+ extension) and TaskCourt, deployed by the module with the TEST
 * profile: `admin`, the deployer, stands in for the timelock and mints PAR as a test minter,
 * unless `emissionMinter`: then, as in production, the emission pool is the only minter (`mint`
 * refuses) and claims are paid out. On `given`, a fresh deployment; otherwise the fixture's.
 */
export async function deployMarket(given?: NetworkConnection, opts: MarketOptions = {}) {
  const { connection, deployed } = given ? { connection: given, ...(await deploy(given, opts)) } : await fixture(opts);
  const emissionMinter = opts.emissionMinter ?? false;
  const { viem, networkHelpers } = connection;
  const wallets = await viem.getWalletClients();
  const [admin, requester, ...rest] = wallets;
  const keeperWallets = rest.slice(0, 14);
  const stranger = rest[14];
  const publicClient = await viem.getPublicClient();
  const { token, models, keepers, pool, court } = deployed;
  const [market, impl] = [deployed.marketApi, deployed.market];

  const book = new Map<bigint, Task>();
  /** The last transaction `track` saw. */
  const last = { hash: "0x" as Hex };

  /** Applies the market's events of a mined transaction to `book`. */
  async function track(hash: Hex) {
    last.hash = hash;
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    const logs = parseEventLogs({ abi: market.abi, logs: receipt.logs });
    for (const log of logs) {
      if (log.eventName === "TaskPosted") {
        const a = log.args;
        book.set(a.id, {
          requester: a.requester, fee: a.fee, modelId: a.modelId, computeUnits: a.computeUnits,
          deadline: a.deadline, postedAt: a.postedAt, postBlock: a.postBlock, callback: a.callback,
          callbackGas: a.callbackGas, keeper: zeroAddress, bond: 0n, since: 0, resultHash: zeroHash,
        });
      } else if (log.eventName === "TaskClaimed") {
        const t = book.get(log.args.id)!;
        book.set(log.args.id, { ...t, keeper: log.args.keeper, bond: log.args.bond, since: log.args.since, resultHash: zeroHash });
      } else if (log.eventName === "ResultSubmitted") {
        const t = book.get(log.args.id)!;
        book.set(log.args.id, { ...t, since: log.args.since, resultHash: log.args.resultHash });
      }
    }
    return receipt;
  }

  async function mint(to: Address, amount: bigint) {
    if (emissionMinter) throw new Error("the emission pool is the only minter here: earn PAR instead");
    await token.write.mint([to, amount]);
  }

  /** Registers `wallet` as a keeper serving `modelIds` with `stake` (minted to it first). */
  async function register(wallet: (typeof wallets)[number], stake: bigint, modelIds = [1, 2]) {
    if (stake > 0n) {
      await mint(wallet.account.address, stake);
      await token.write.approve([keepers.address, stake], { account: wallet.account });
    }
    await keepers.write.register(["https://k.example", stringToHex("cpu", { size: 32 }), modelIds, stake, 0], {
      account: wallet.account,
    });
  }

  const now = async () => Number((await publicClient.getBlock()).timestamp);

  /** Posts a task as `from` (approving the fee), returns its id. */
  async function post(
    from = requester,
    opts: { fee?: bigint; modelId?: number; items?: number; input?: Hex; deadlineIn?: number; callback?: Address; callbackGas?: number } = {},
  ) {
    const fee = opts.fee ?? PAR;
    if (fee > 0n) {
      if (!emissionMinter) await mint(from.account.address, fee); // else the requester earned it
      await token.write.approve([market.address, fee], { account: from.account });
    }
    const hash = await market.write.post(
      [
        {
          modelId: opts.modelId ?? 1,
          items: opts.items ?? 1,
          fee,
          deadline: (await now()) + (opts.deadlineIn ?? 3600),
          callback: opts.callback ?? zeroAddress,
          callbackGas: opts.callbackGas ?? 0,
          input: opts.input ?? "0x0102030405060708",
          inputHash: zeroHash,
          inputURI: "",
        },
      ],
      { account: from.account },
    );
    const receipt = await track(hash);
    const [log] = parseEventLogs({ abi: market.abi, logs: receipt.logs, eventName: "TaskPosted" });
    return log.args.id;
  }

  const byAddress = (a: Address) => wallets.find((w) => isAddressEqual(w.account.address, a))!;

  /** Mines two blocks so the assignment seed (postBlock + 1) is readable, then claims as the assignee. */
  async function claimAsAssignee(id: bigint) {
    await networkHelpers.mine(2);
    const assignee = await market.read.assigneeOf([id, book.get(id)!]);
    const w = byAddress(assignee);
    await track(await market.write.claim([id, book.get(id)!], { account: w.account }));
    return w;
  }

  async function submit(id: bigint, output: Hex, wallet?: (typeof wallets)[number]) {
    const w = wallet ?? byAddress(book.get(id)!.keeper);
    return track(await market.write.submit([id, book.get(id)!, output], { account: w.account }));
  }

  async function finalize(ids: bigint[], outputs: Hex[] = []) {
    return track(await market.write.finalize([ids, ids.map((i) => book.get(i)!), outputs]));
  }

  /** Pays out the keepers' accounts in the market (pay to their pools, work to the emission pool). */
  async function flush(keepers: Address[]) {
    return track(await market.write.flush([keepers]));
  }

  /** Commits `wallet` to challenge task `id` with `resultHash` (mined before the challenge). */
  async function commitChallenge(id: bigint, resultHash: Hex, wallet: (typeof wallets)[number]) {
    const commitment = challengeCommitment(id, resultHash, wallet.account.address);
    return track(await market.write.commitChallenge([id, commitment], { account: wallet.account }));
  }

  /** Commits, then challenges task `id` with the inline `output` as `wallet`; returns the challenge's tx hash. */
  async function challenge(id: bigint, output: Hex, wallet: (typeof wallets)[number]) {
    await commitChallenge(id, keccak256(output), wallet);
    const hash = await market.write.challenge([id, book.get(id)!, keccak256(output), output, ""], { account: wallet.account });
    await track(hash);
    return hash;
  }

  /** Moves time past task `id`'s challenge window, until which a rival may join and no jury is drawn. */
  async function closeChallengeWindow(id: bigint) {
    const { windowEnd } = await court.read.disputeOf([id]);
    if (BigInt(await now()) < BigInt(windowEnd)) await networkHelpers.time.increaseTo(windowEnd);
  }

  /**
   * Draws a full jury of `jurySize` for dispute `id`. The court tries 4 draws per seat over all
   * keepers, so with barely enough eligible jurors a seat may stay empty (a smaller jury is still
   * valid, but tests count on a full one): a short draw is undone and the dispute reseeded.
   */
  async function drawFullJury(id: bigint) {
    await closeChallengeWindow(id);
    const size = Number(await court.read.jurySize());
    for (let attempt = 0; attempt < 20; attempt++) {
      await networkHelpers.mine(1);
      const snapshot = await networkHelpers.takeSnapshot();
      await court.write.drawJury([id]);
      const jurors = (await court.read.disputeOf([id])).jurors;
      if (jurors.length === size) return jurors;
      await snapshot.restore();
      await networkHelpers.mine(257); // the seed block ages out: the next drawJury reseeds
      await court.write.drawJury([id]);
    }
    throw new Error("no full jury in 20 seeds");
  }

  /** Each juror commits then reveals `votes[i]` with one salt (0 = stays silent). */
  async function vote(id: bigint, jurors: readonly Address[], votes: readonly number[], salt: Hex = keccak256("0x5a")) {
    const round = (await court.read.disputeOf([id])).round;
    for (const [i, j] of jurors.entries()) {
      if (votes[i] === 0) continue;
      const c = await court.read.voteCommitment([id, round, votes[i]!, salt, j]);
      await court.write.commitVote([id, c], { account: byAddress(j).account });
    }
    await networkHelpers.time.increase(301);
    for (const [i, j] of jurors.entries()) {
      if (votes[i] !== 0) await court.write.revealVote([id, votes[i]!, salt], { account: byAddress(j).account });
    }
  }

  const balance = (a: Address) => token.read.balanceOf([a]);
  /** Work units credited to `who` in the current epoch. */
  const work = async (who: Address) => (await pool.read.workOf([await pool.read.currentEpoch(), who]))[0];

  return {
    connection, viem, networkHelpers, publicClient, token, models, keepers, pool, market, court, impl,
    admin, requester, keeperWallets, stranger, wallets, book, last, track, mint, register, now, post,
    claimAsAssignee, submit, finalize, flush, byAddress, balance, work, commitChallenge, challenge, closeChallengeWindow, drawFullJury,
    vote,
  };
}

export type MarketFixture = Awaited<ReturnType<typeof deployMarket>>;
