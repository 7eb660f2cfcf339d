import { bytesToHex, hexToBytes, keccak256, zeroAddress, zeroHash, type Hex } from "viem";
import { encodeLot } from "../keepers/src/lot.js";
import type { BenchRow, BenchSuite } from "./types.js";
import { gasOf, pinBlockTimes } from "./types.js";
import { deployMarket, PAR, param, type MarketFixture } from "../test/helpers/market.js";

const OUTPUT = "0x0a00000000000000f4ffffffffffffff" as Hex;
const INPUT = "0x01010000000800000000000000000000803f0000004000004040000080400000a0400000c0400000e040" as Hex;

/**
 * One unchallenged lifecycle, each tx's gas (21,000 base included). Steady state: not the keeper's
 * first task of the epoch. `fromDeposit`: the fee comes from the requester's prepaid deposit
 * instead of an approve + transferFrom, and the keeper claims and submits in one transaction
 * (`claimAndSubmit`, as `par` does): three transactions in all.
 */
async function lifecycle(f: MarketFixture, fromDeposit = false) {
  let id: bigint;
  if (fromDeposit) {
    const owner = f.requester.account.address;
    await f.mint(owner, PAR);
    await f.token.write.approve([f.market.address, PAR], { account: f.requester.account });
    await f.track(await f.market.write.deposit([owner, PAR], { account: f.requester.account }));
    const params = { modelId: 1, items: 1, fee: PAR, deadline: (await f.now()) + 3600, callback: zeroAddress, callbackGas: 0, input: INPUT, inputHash: zeroHash, inputURI: "" };
    id = await f.market.read.nextTaskId();
    await f.track(await f.market.write.post([params], { account: f.requester.account }));
  } else {
    id = await f.post(f.requester, { fee: PAR, input: INPUT });
  }
  const post = await gasOf(f.connection, f.last.hash);
  await f.networkHelpers.mine(2);
  const assignee = f.byAddress(await f.market.read.assigneeOf([id, f.book.get(id)!]));
  const as = { account: assignee.account };
  let claimHash: Hex;
  let submitHash: Hex | undefined;
  if (fromDeposit) {
    claimHash = await f.market.write.claimAndSubmit([id, f.book.get(id)!, OUTPUT], as); // as `par` does: one transaction
  } else {
    await f.track((claimHash = await f.market.write.claim([id, f.book.get(id)!], as)));
    submitHash = await f.market.write.submit([id, f.book.get(id)!, OUTPUT], as);
  }
  await f.track(submitHash ?? claimHash);
  await f.networkHelpers.time.increase(600);
  const finalizeHash = await f.market.write.finalize([[id], [f.book.get(id)!], []], as);
  await f.track(finalizeHash);
  return {
    post,
    claim: await gasOf(f.connection, claimHash),
    submit: submitHash ? await gasOf(f.connection, submitHash) : 0,
    finalize: await gasOf(f.connection, finalizeHash),
  };
}

/** postBatch + claimBatch + submitBatch + finalize of `n` tasks by one keeper; total gas / n. */
async function batch(f: MarketFixture, n: number) {
  const k = f.keeperWallets[0];
  const total = BigInt(n) * PAR;
  await f.mint(f.requester.account.address, total);
  await f.token.write.approve([f.market.address, total], { account: f.requester.account });
  const deadline = (await f.now()) + 3600;
  const params = Array.from({ length: n }, () => ({
    modelId: 1, items: 1, fee: PAR, deadline, callback: zeroAddress, callbackGas: 0, input: INPUT, inputHash: zeroHash, inputURI: "",
  }));
  const first = await f.market.read.nextTaskId();
  const ids = Array.from({ length: n }, (_, i) => first + BigInt(i));
  const hashes: Hex[] = [];
  hashes.push(await f.market.write.postBatch([params], { account: f.requester.account }));
  await f.track(hashes[0]);
  await f.networkHelpers.time.increase(31); // past the exclusive window: one keeper takes all
  hashes.push(await f.market.write.claimBatch([ids, ids.map((i) => f.book.get(i)!)], { account: k.account }));
  await f.track(hashes[1]);
  hashes.push(
    await f.market.write.submitBatch([ids, ids.map((i) => f.book.get(i)!), ids.map(() => OUTPUT)], { account: k.account }),
  );
  await f.track(hashes[2]);
  await f.networkHelpers.time.increase(600);
  hashes.push(await f.market.write.finalize([ids, ids.map((i) => f.book.get(i)!), []], { account: k.account }));
  await f.track(hashes[3]);
  let sum = 0;
  for (const h of hashes) sum += await gasOf(f.connection, h);
  return Math.round(sum / n);
}

/**
 * A lot of `n` inputs (one task: post by transferFrom, claim, submit, finalize) by one keeper;
 * total gas / n, the cost per input when `n` inputs go in one batch as a lot.
 */
async function lot(f: MarketFixture, n: number) {
  const k = f.keeperWallets[0];
  const encode = (item: Hex) => bytesToHex(encodeLot(Array.from({ length: n }, () => hexToBytes(item))));
  const id = await f.post(f.requester, { fee: BigInt(n) * PAR, items: n, input: encode(INPUT) }); // mints and approves the fee
  const hashes: Hex[] = [f.last.hash];
  await f.networkHelpers.time.increase(31); // past the exclusive window: keeper 0 takes it
  hashes.push(await f.market.write.claim([id, f.book.get(id)!], { account: k.account }));
  await f.track(hashes[1]);
  hashes.push(await f.market.write.submit([id, f.book.get(id)!, encode(OUTPUT)], { account: k.account }));
  await f.track(hashes[2]);
  await f.networkHelpers.time.increase(600);
  hashes.push(await f.market.write.finalize([[id], [f.book.get(id)!], []], { account: k.account }));
  await f.track(hashes[3]);
  let sum = 0;
  for (const h of hashes) sum += await gasOf(f.connection, h);
  return Math.round(sum / n);
}

/** challenge → drawJury → 5 commits → 5 reveals → resolve (honest submitter wins), summed. */
async function dispute(f: MarketFixture) {
  const id = await f.post(f.requester, { fee: PAR, input: INPUT });
  const submitter = await f.claimAsAssignee(id);
  await f.submit(id, OUTPUT);
  const challenger = f.keeperWallets.find((w) => w !== submitter)!;
  const wrong = "0x0b00000000000000f4ffffffffffffff" as Hex;
  const hashes: Hex[] = [];
  hashes.push(await f.challenge(id, wrong, challenger));
  await f.closeChallengeWindow(id);
  hashes.push(await f.court.write.drawJury([id]));
  const jurors = (await f.court.read.disputeOf([id])).jurors;
  const salt = keccak256("0x01");
  for (const j of jurors) {
    const c = await f.court.read.voteCommitment([id, 0, 1, salt, j]);
    hashes.push(await f.court.write.commitVote([id, c], { account: f.byAddress(j).account }));
  }
  await f.networkHelpers.time.increase(301);
  for (const j of jurors) hashes.push(await f.court.write.revealVote([id, 1, salt], { account: f.byAddress(j).account }));
  hashes.push(await f.court.write.resolve([id, f.book.get(id)!, "0x"]));
  let sum = 0;
  for (const h of hashes) sum += await gasOf(f.connection, h);
  return sum;
}

/** Moves time to just after the start of the next emission epoch. */
async function toNextEpoch(f: MarketFixture) {
  const epochLength = await f.pool.read.epochLength();
  const next = (await f.pool.read.currentEpoch()) + 1n;
  await f.networkHelpers.time.increaseTo((await f.pool.read.genesis()) + next * epochLength + 1n);
}

/**
 * Warm-up for the steady state: at the start of an epoch, every keeper finalizes one task, so the
 * measured lifecycle is not its keeper's first task of the epoch (whichever keeper is drawn).
 */
async function warmUp(f: MarketFixture) {
  await toNextEpoch(f);
  for (const k of f.keeperWallets) {
    const id = await f.post(f.requester, { fee: PAR, input: INPUT });
    await f.networkHelpers.time.increase(31); // past the exclusive window: this keeper may claim
    await f.track(await f.market.write.claim([id, f.book.get(id)!], { account: k.account }));
    await f.submit(id, OUTPUT);
  }
  await f.networkHelpers.time.increase(600);
  await f.finalize([...f.book.keys()].filter((id) => f.book.get(id)!.resultHash !== zeroHash));
}

/**
 * What the protocol's policy task costs per epoch: the gas `closeEpoch` adds to record the
 * epoch's metrics and post the task (a close beside the same close on a pool with no market),
 * then the task's claim, submit and finalize.
 */
async function policyTask(f: MarketFixture, bare: MarketFixture) {
  const closes: number[] = [];
  for (const g of [bare, f]) { // f last: the chain's clock moves for both, and f's task must stay claimable
    await toNextEpoch(g);
    await g.flush(g.keeperWallets.map((w) => w.account.address));
    while ((await g.pool.read.nextEpochToClose()) < (await g.pool.read.currentEpoch())) await g.track(await g.pool.write.closeEpoch());
    if (g === f) await f.market.write.setParameter([param("policyModelId"), 2n]);
    await toNextEpoch(g); // both close one epoch without work, the same way
    const hash = await g.pool.write.closeEpoch();
    await g.track(hash);
    closes.push(await gasOf(g.connection, hash));
  }
  const id = (await f.market.read.nextTaskId()) - 1n;
  await f.networkHelpers.mine(2);
  const assignee = f.byAddress(await f.market.read.assigneeOf([id, f.book.get(id)!]));
  const claim = await f.market.write.claim([id, f.book.get(id)!], { account: assignee.account });
  await f.track(claim);
  const output = "0xf82a0000000000008813000000000000" as Hex; // 11,000 bps, 5,000 base units per CU
  const submit = await f.market.write.submit([id, f.book.get(id)!, output], { account: assignee.account });
  await f.track(submit);
  await f.networkHelpers.time.increase(600);
  const finalize = await f.market.write.finalize([[id], [f.book.get(id)!], [output]], { account: assignee.account });
  await f.track(finalize);
  const lifecycle = (await Promise.all([claim, submit, finalize].map((h) => gasOf(f.connection, h)))).reduce((a, b) => a + b, 0);
  return closes[1]! - closes[0]! + lifecycle;
}

/** Market gas: single lifecycle per step, batched lifecycles per task, lots per input, a whole dispute. */
const suite: BenchSuite = async (connection) => {
  pinBlockTimes(connection);
  const f = await deployMarket(connection);
  for (const w of f.keeperWallets) await f.register(w, 10_000n * PAR);
  await warmUp(f); // first credit of the epoch per keeper, first protocol fee, first balances
  const one = await lifecycle(f);
  const rows: BenchRow[] = [
    { name: "market.post", value: one.post, unit: "gas" },
    { name: "market.claim", value: one.claim, unit: "gas" },
    { name: "market.submit", value: one.submit, unit: "gas" },
    { name: "market.finalize", value: one.finalize, unit: "gas" },
    { name: "market.lifecycle", value: one.post + one.claim + one.submit + one.finalize, unit: "gas" },
  ];
  const prepaid = await lifecycle(f, true);
  rows.push(
    { name: "market.post.fromDeposit", value: prepaid.post, unit: "gas" },
    { name: "market.claimAndSubmit", value: prepaid.claim, unit: "gas" },
    { name: "market.lifecycle.fromDeposit", value: prepaid.post + prepaid.claim + prepaid.submit + prepaid.finalize, unit: "gas" },
  );
  for (const n of [1, 10, 100]) {
    await toNextEpoch(f);
    await batch(f, 1); // warm-up: keeper 0's first credit of the epoch is not measured
    rows.push({ name: `market.batch${n}.perTask`, value: await batch(f, n), unit: "gas" });
  }
  for (const n of [10, 100, 1000]) {
    await toNextEpoch(f);
    await batch(f, 1); // warm-up, as for batches
    rows.push({ name: `market.lot${n}.perInput`, value: await lot(f, n), unit: "gas" });
  }
  rows.push({ name: "market.dispute", value: await dispute(f), unit: "gas" });
  const bare = await deployMarket(connection, { policyTasks: false });
  rows.push({ name: "market.policyTask.gas", value: await policyTask(f, bare), unit: "gas" });
  return rows;
};
export default suite;
