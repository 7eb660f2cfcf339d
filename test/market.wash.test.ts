import assert from "node:assert/strict";
import { describe, it } from "mocha";
import { maxUint256, type Address, type Hex } from "viem";
import { deployMarket, PAR, param, type MarketFixture } from "./helpers/market.js";

// Wash trading and sybils, run on chain with the real market, court, registry and emission pool,
// claiming the emission they earn (docs/market.md, "Wash trading"). The pool is the only minter,
// as in production: PAR comes from emission alone.

const OUTPUT = "0x0a00000000000000" as Hex;
const WRONG = "0x0b00000000000000" as Hex;
const DAY = 86_400;
const EPOCH = 3_600n; // the fixture's epoch length
type Wallet = MarketFixture["admin"];

/** Serves `ids`: the assignee claims and answers each, then they finalize and the accounts flush. */
async function serve(f: MarketFixture, ids: bigint[]) {
  const served = new Set<Address>();
  for (const id of ids) {
    const w = await f.claimAsAssignee(id);
    await f.submit(id, OUTPUT);
    served.add(w.account.address);
  }
  await f.networkHelpers.time.increase(600);
  await f.finalize(ids);
  await f.flush([...served]);
}

/** Closes every epoch up to the current one, then `who` claim it; returns what each was paid. */
async function closeAndClaim(f: MarketFixture, who: Wallet[]) {
  const epoch = await f.pool.read.currentEpoch();
  await f.networkHelpers.time.increaseTo((await f.pool.read.genesis()) + (epoch + 1n) * EPOCH);
  while ((await f.pool.read.nextEpochToClose()) <= epoch) await f.pool.write.closeEpoch();
  const paid: bigint[] = [];
  for (const w of who) {
    const before = await f.balance(w.account.address);
    if ((await f.pool.read.claimable([w.account.address, epoch])) > 0n) {
      await f.pool.write.claim([epoch, epoch], { account: w.account });
    }
    paid.push((await f.balance(w.account.address)) - before);
  }
  return paid;
}

/** All the PAR an entity owns: its wallets, and its keepers' positions in their own pools. */
async function wealth(f: MarketFixture, wallets: Wallet[], keepers: Wallet[]) {
  let total = 0n;
  for (const w of wallets) total += await f.balance(w.account.address);
  for (const k of keepers) {
    const p = await f.keepers.read.positionOf([k.account.address, k.account.address]);
    total += p.stake + p.unbonding + p.rewards;
  }
  return total;
}

/** Genesis: `keepers` register with no stake and earn their first PAR from the zero-fee faucet
 *  (requester `r` posts 10 zero-fee tasks, the most it may per day); then each stakes `stake`. */
async function bootstrap(f: MarketFixture, r: Wallet, keepers: Wallet[], stake: bigint) {
  for (const k of keepers) await f.register(k, 0n);
  const ids: bigint[] = [];
  for (let i = 0; i < 10; i++) ids.push(await f.post(r, { fee: 0n, input: `0x0${i}` as Hex }));
  await serve(f, ids);
  await closeAndClaim(f, keepers);
  for (const k of keepers) {
    await f.token.write.approve([f.keepers.address, maxUint256], { account: k.account });
    await f.keepers.write.addStake([stake], { account: k.account });
  }
}

/** Posts `n` paid tasks of fee `fee` from `r` (its deposit pays them). */
async function postPaid(f: MarketFixture, r: Wallet, n: number, fee: bigint) {
  await f.token.write.approve([f.market.address, maxUint256], { account: r.account });
  await f.market.write.deposit([r.account.address, BigInt(n) * fee], { account: r.account });
  const ids: bigint[] = [];
  for (let i = 0; i < n; i++) ids.push(await f.post(r, { fee, input: `0x1${i % 10}` as Hex }));
  return ids;
}

describe("Wash trading and sybils lose money (run on chain, emission claimed)", () => {
  it("a requester paying fees to its own keeper, the only one serving the model (s = 1), loses (1 − backingBps) of the protocol fees", async () => {
    const f = await deployMarket(undefined, { emissionMinter: true });
    const [k] = f.keeperWallets;
    const r = f.requester;
    await bootstrap(f, r, [k], 150n * PAR);
    // alone in its epochs, the keeper would also meet the per-address cap (5 % of what the epoch
    // can pay): without it, what is left to bound the wash trader's emission is its backing
    await f.pool.write.setParameter([param("bootstrapEpochs"), 0n]);
    await f.token.write.transfer([r.account.address, 20n * PAR], { account: k.account });
    const before = await wealth(f, [r, k], [k]);

    const n = 10;
    const fee = PAR;
    await serve(f, await postPaid(f, r, n, fee));
    const [emission] = await closeAndClaim(f, [k]);
    await f.networkHelpers.time.increase(DAY); // the pool's pay has streamed to its shares
    const after = await wealth(f, [r, k], [k]);

    const loss = before - after;
    assert.ok(loss > 0n, `the wash trader made ${-loss} base units`);
    const protocolFees = (BigInt(n) * fee * (await f.market.read.protocolFeeBps())) / 10_000n;
    const backing = (protocolFees * (await f.market.read.backingBps())) / 10_000n;
    // Without the backing cap the epoch would have paid the keeper its 5% share of ~114,000 PAR.
    assert.equal(emission, backing, "emission is capped at the backing, not the epoch share");
    // it loses the protocol fees less the emission they back (plus a few units of reward-share dust)
    assert.ok(loss >= protocolFees - backing && loss <= protocolFees - backing + 10n, `loss ${loss}`);
  });

  it("with an honest keeper beside it (s ≈ ½), the tasks drawn for the other keeper are lost outright", async () => {
    const f = await deployMarket(undefined, { emissionMinter: true });
    const [k, honest] = f.keeperWallets;
    const r = f.requester;
    await bootstrap(f, r, [k, honest], 150n * PAR);
    await f.token.write.transfer([r.account.address, 20n * PAR], { account: k.account });
    const before = await wealth(f, [r, k], [k]);

    const n = 12;
    const fee = PAR;
    const ids = await postPaid(f, r, n, fee);
    await serve(f, ids);
    const nHonest = BigInt(ids.filter((id) => f.book.get(id)!.keeper.toLowerCase() === honest.account.address.toLowerCase()).length);
    assert.ok(nHonest > 0n && nHonest < BigInt(n), `the honest keeper was drawn for ${nHonest} of ${n}`);
    await closeAndClaim(f, [k]);
    await f.networkHelpers.time.increase(DAY);
    const after = await wealth(f, [r, k], [k]);

    assert.ok(before > after, `the wash trader made ${after - before} base units`);
    const phi = await f.market.read.protocolFeeBps();
    const beta = await f.market.read.backingBps();
    // Expected profit per task: s·F·(1 − φ(1 − β)) − F < 0. Measured: the honest keeper's tasks
    // are lost whole, the attacker's own lose φ(1 − β) of their fee.
    const nOwn = BigInt(n) - nHonest;
    const bound = nHonest * fee + (nOwn * fee * phi * (10_000n - beta)) / 10n ** 8n;
    assert.ok(before - after >= bound - 10n, `loss ${before - after} below the bound ${bound}`);
  });

  it("staging a dispute with oneself earns no more emission than the task, and the slash costs more", async () => {
    const f = await deployMarket();
    const [liar, accomplice, ...jurors] = f.keeperWallets;
    const r = f.requester;
    for (const w of [liar, accomplice, ...jurors.slice(0, 7)]) await f.register(w, 100n * PAR);
    await f.market.write.setParameter([param("assignWindow"), 1n]);
    const fee = PAR;
    const id = await f.post(r, { fee });
    await f.networkHelpers.time.increase(2);
    await f.track(await f.market.write.claim([id, f.book.get(id)!], { account: liar.account }));
    const before = await wealth(f, [r, liar, accomplice], [liar, accomplice]);
    await f.submit(id, WRONG, liar);
    await f.challenge(id, OUTPUT, accomplice);
    await f.closeChallengeWindow(id);
    await f.court.write.drawJury([id]);
    const d = await f.court.read.disputeOf([id]);
    for (const j of d.jurors) {
      const salt = `0x${"11".repeat(32)}` as Hex;
      const w = f.byAddress(j);
      await f.court.write.commitVote([id, await f.court.read.voteCommitment([id, 0, 2, salt, j])], { account: w.account });
    }
    await f.networkHelpers.time.increase(Number(await f.court.read.commitPeriod()) + 1);
    for (const j of d.jurors) {
      await f.court.write.revealVote([id, 2, `0x${"11".repeat(32)}`], { account: f.byAddress(j).account });
    }
    await f.court.write.resolve([id, f.book.get(id)!, OUTPUT]);
    await f.flush([accomplice.account.address]);
    await f.networkHelpers.time.increase(DAY);
    const after = await wealth(f, [r, liar, accomplice], [liar, accomplice]);

    // Everything the staged dispute can earn in emission: the task's backing, once for the winner
    // and once shared by the (honest) jury, whoever holds it.
    const epoch = await f.pool.read.currentEpoch();
    let backing = 0n;
    for (const w of [accomplice, ...d.jurors.map((j) => f.byAddress(j))]) {
      backing += (await f.pool.read.creditOf([epoch, w.account.address]))[2];
    }
    const taskBacking = (((fee * (await f.market.read.protocolFeeBps())) / 10_000n) * (await f.market.read.backingBps())) / 10_000n;
    assert.ok(backing <= 2n * taskBacking, `staged dispute backing ${backing}`);
    const loss = before - after;
    assert.ok(loss > backing, `the staged dispute cost ${loss}, less than the ${backing} of emission it could earn`);
  });

  it("sybil requesters and sybil keepers share at most zeroFeeBudget of free emission per epoch", async () => {
    const f = await deployMarket(undefined, { emissionMinter: true });
    const sybilKeepers = f.keeperWallets.slice(0, 4);
    const sybilRequesters = [f.requester, ...f.keeperWallets.slice(4, 8)];
    for (const k of sybilKeepers) await f.register(k, 0n);
    const ids: bigint[] = [];
    for (const r of sybilRequesters) {
      for (let i = 0; i < 10; i++) ids.push(await f.post(r, { fee: 0n, input: `0x2${i}` as Hex }));
    }
    await serve(f, ids);
    const paid = await closeAndClaim(f, sybilKeepers);
    const total = paid.reduce((a, b) => a + b, 0n);
    assert.ok(total > 0n, "the faucet pays zero-fee work");
    assert.ok(total <= 10_000n * PAR, `sybils took ${total} > 10,000 PAR, the default zeroFeeBudget`);
    const budget = await f.pool.read.zeroFeeBudget();
    const epoch = (await f.pool.read.nextEpochToClose()) - 1n;
    assert.equal((await f.pool.read.faucetInfo([epoch]))[0], budget, "the faucet allocates exactly its budget");
    assert.equal((await f.pool.read.epochInfo([epoch]))[0], 0n, "paid work's share of the epoch is not open to zero-fee work");
  });
});
