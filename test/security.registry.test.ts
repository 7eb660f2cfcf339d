import assert from "node:assert/strict";
import { describe, it } from "mocha";
import { keccak256, parseEventLogs, type Address, type Hex } from "viem";
import { BURN, deployMarket, MARKET_ROLE, PAR, type MarketFixture } from "./helpers/market.js";

type Wallet = MarketFixture["admin"];

const GOOD = "0x0a00000000000000f4ffffffffffffff" as Hex;
const BAD = "0x0b00000000000000f4ffffffffffffff" as Hex;
const SALT = keccak256("0x5a");
const DAY = 24n * 3600n;
/** The fixture's registry unbonding period. */
const UNBONDING = 3600n;
/** PoolMath.splitSlash as the review found it (the free part rounded down): picks a slash whose rounding took the griefer's unit. */
function splitSlash(amount: bigint, free: bigint, unbonding: bigint) {
  if (amount >= free + unbonding) return { fromFree: free, fromUnbonding: unbonding };
  const fromFree = (amount * free) / (free + unbonding);
  return { fromFree, fromUnbonding: amount - fromFree };
}

/** Mints `amount` PAR to `who` and approves the registry for it. */
async function fund(f: MarketFixture, who: Wallet, amount: bigint) {
  await f.mint(who.account.address, amount);
  await f.token.write.approve([f.keepers.address, amount], { account: who.account });
}

async function delegate(f: MarketFixture, who: Wallet, keeper: Address, amount: bigint) {
  await fund(f, who, amount);
  await f.keepers.write.delegate([keeper, amount], { account: who.account });
}

/** PAR `who` received from `action`. */
async function received(f: MarketFixture, who: Wallet, action: () => Promise<unknown>) {
  const before = await f.balance(who.account.address);
  await action();
  return (await f.balance(who.account.address)) - before;
}

/** What `who`'s withdraw from `keeper`'s pool pays; a NothingUnbonding revert counts as 0, any other revert throws. */
const withdrawn = (f: MarketFixture, keeper: Address, who: Wallet) =>
  received(f, who, async () => {
    try {
      await f.keepers.write.withdraw([keeper], { account: who.account });
    } catch (e) {
      if (!String(e).includes("NothingUnbonding")) throw e;
    }
  });

/** The Slashed events for `keeper` in transaction `hash`. */
async function slashedIn(f: MarketFixture, hash: Hex, keeper: Address) {
  const { logs } = await f.publicClient.waitForTransactionReceipt({ hash });
  return parseEventLogs({ abi: f.keepers.abi, logs, eventName: "Slashed" })
    .filter((l) => l.args.keeper.toLowerCase() === keeper.toLowerCase())
    .map((l) => l.args);
}

const position = (f: MarketFixture, keeper: Address, who: Wallet) => f.keepers.read.positionOf([keeper, who.account.address]);

async function assertAccounted(f: MarketFixture) {
  assert.equal(await f.keepers.read.owed(), await f.balance(f.keepers.address), "owed() != registry PAR balance");
}

/** Registry-level setup: `op` registered with 100 PAR, `alice` delegating 50 PAR, admin holding MARKET_ROLE. */
async function pool() {
  const f = await deployMarket();
  const [op, alice, griefer, eve] = f.keeperWallets;
  const K = op.account.address;
  await f.keepers.write.grantRole([MARKET_ROLE, f.admin.account.address]);
  await f.register(op, 100n * PAR);
  await delegate(f, alice, K, 50n * PAR);
  /** The griefer: 2 units in, 1 unit out, never withdrawn: K's unbonding bucket holds 1 unit for 1 share. */
  const grief = async () => {
    await delegate(f, griefer, K, 2n);
    await f.keepers.write.undelegate([K, 1n], { account: griefer.account });
    assert.equal(await f.keepers.read.unbondingOf([K]), 1n);
  };
  return { f, op, alice, griefer, eve, K, grief };
}

/** Every juror commits and reveals `outcome`. */
async function voteAll(f: MarketFixture, id: bigint, jurors: readonly Address[], outcome: number) {
  const round = (await f.court.read.disputeOf([id])).round;
  for (const j of jurors) {
    const c = await f.court.read.voteCommitment([id, round, outcome, SALT, j]);
    await f.court.write.commitVote([id, c], { account: f.byAddress(j).account });
  }
  await f.networkHelpers.time.increase(301);
  for (const j of jurors) await f.court.write.revealVote([id, outcome, SALT], { account: f.byAddress(j).account });
}

describe("Security: keeper pools", () => {
  it("finding 1a: a slash whose rounding takes the griefer's unbonding unit does not freeze the pool", async () => {
    const { f, op, alice, griefer, K, grief } = await pool();
    await grief();
    const amount = 10n * PAR;
    const free = await f.keepers.read.freeStakeOf([K]);
    // the pro-rata split rounds the unbonding part up: ceil(amount / (free + 1)) = 1, the whole bucket
    assert.equal(splitSlash(amount, free, 1n).fromUnbonding, 1n);
    const hash = await f.keepers.write.slash([K, amount, 0n, BURN]);
    const [ev] = await slashedIn(f, hash, K);
    assert.equal(ev.amount, amount);

    // the pool keeps working: the operator and another delegator can still unbond
    await f.keepers.write.requestUnbond([10n * PAR], { account: op.account });
    await f.keepers.write.undelegate([K, 10n * PAR], { account: alice.account });
    assert.ok((await position(f, K, alice)).unbonding >= 10n * PAR - 1n);

    await f.networkHelpers.time.increase(UNBONDING);
    // the griefer gets what the slash left of its unit (nothing), and no one else's stake
    assert.equal(await withdrawn(f, K, griefer), 1n - ev.fromUnbonding);
    const a = await withdrawn(f, K, alice);
    const o = await withdrawn(f, K, op);
    assert.ok(a >= 10n * PAR - 1n && a <= 10n * PAR, `alice withdrew ${a}`);
    assert.ok(o >= 10n * PAR - 1n && o <= 10n * PAR, `operator withdrew ${o}`);
    await assertAccounted(f);
  });

  it("finding 1b: a slash that takes all free and unbonding stake does not freeze the pool; new stake is not diluted", async () => {
    const { f, op, alice, griefer, eve, K, grief } = await pool();
    await grief();
    await f.keepers.write.slash([K, 10n ** 30n, 0n, BURN]);
    assert.equal(await f.keepers.read.stakeOf([K]), 0n);
    assert.equal(await f.keepers.read.unbondingOf([K]), 0n);

    // new stake comes in at full value: the old, worthless shares do not dilute it
    await delegate(f, eve, K, 40n * PAR);
    await fund(f, op, 20n * PAR);
    await f.keepers.write.addStake([20n * PAR], { account: op.account });
    assert.equal((await position(f, K, eve)).stake, 40n * PAR);
    assert.equal((await position(f, K, op)).stake, 20n * PAR);
    assert.equal((await position(f, K, alice)).stake, 0n);
    assert.equal((await position(f, K, griefer)).stake, 0n);
    assert.equal((await position(f, K, griefer)).unbonding, 0n);

    // and it can leave again
    await f.keepers.write.requestUnbond([20n * PAR], { account: op.account });
    await f.keepers.write.undelegate([K, 10n * PAR], { account: eve.account });
    await f.networkHelpers.time.increase(UNBONDING);
    assert.equal(await withdrawn(f, K, griefer), 0n);
    const o = await withdrawn(f, K, op);
    const e = await withdrawn(f, K, eve);
    assert.ok(o >= 20n * PAR - 1n && o <= 20n * PAR, `operator withdrew ${o}`);
    assert.ok(e >= 10n * PAR - 1n && e <= 10n * PAR, `eve withdrew ${e}`);
    assert.ok((await position(f, K, eve)).stake >= 30n * PAR - 1n);
    await assertAccounted(f);
  });

  it("finding 1c: an active pool slashed to stake 0 with shares outstanding takes new stake at full value", async () => {
    const { f, op, alice, eve, K } = await pool();
    await f.keepers.write.lockBond([K, 30n * PAR]);
    await f.keepers.write.slash([K, 150n * PAR, 30n * PAR, BURN]);
    assert.equal(await f.keepers.read.stakeOf([K]), 0n); // op's and alice's shares are still outstanding

    await fund(f, op, 20n * PAR);
    await f.keepers.write.addStake([20n * PAR], { account: op.account });
    await delegate(f, eve, K, 40n * PAR);
    assert.equal((await position(f, K, op)).stake, 20n * PAR);
    assert.equal((await position(f, K, eve)).stake, 40n * PAR);
    assert.equal((await position(f, K, alice)).stake, 0n);

    await f.keepers.write.requestUnbond([20n * PAR], { account: op.account });
    await f.keepers.write.undelegate([K, 10n * PAR], { account: eve.account });
    await f.networkHelpers.time.increase(UNBONDING);
    const o = await withdrawn(f, K, op);
    const e = await withdrawn(f, K, eve);
    assert.ok(o >= 20n * PAR - 1n && o <= 20n * PAR, `operator withdrew ${o}`);
    assert.ok(e >= 10n * PAR - 1n && e <= 10n * PAR, `eve withdrew ${e}`);
    await assertAccounted(f);
  });

  it("finding 4: a liar that unbonds right after the challenge is still slashed slashBps of stake + unbonding", async () => {
    const f = await deployMarket();
    for (const w of f.keeperWallets) await f.register(w, 100n * PAR);
    const id = await f.post(f.requester, { fee: PAR });
    const liar = await f.claimAsAssignee(id);
    const L = liar.account.address;
    await fund(f, liar, 900n * PAR);
    await f.keepers.write.addStake([900n * PAR], { account: liar.account }); // 1000 PAR self-stake
    await f.submit(id, BAD);
    const bond = f.book.get(id)!.bond;
    assert.equal(bond, 10n * PAR);
    const challenger = f.keeperWallets.find((w) => w !== liar)!;
    await f.challenge(id, GOOD, challenger);

    // the attack: unbond all free stake before the jury rules
    const free = await f.keepers.read.freeStakeOf([L]);
    assert.equal(free, 990n * PAR);
    await f.keepers.write.requestUnbond([free], { account: liar.account });

    const jurors = await f.drawFullJury(id);
    await voteAll(f, id, jurors, 2); // Challenger
    const hash = await f.court.write.resolve([id, f.book.get(id)!, "0x"]);
    assert.equal((await f.court.read.disputeOf([id])).outcome, 2);
    const slashes = await slashedIn(f, hash, L);
    assert.equal(slashes.length, 1);
    const [s] = slashes;
    const expected = 100n * PAR; // 10% of 1000 PAR (stake + unbonding), more than the 10 PAR bond
    assert.ok(s.amount >= expected - 10n && s.amount <= expected + 10n,
      `liar slashed ${s.amount} (${Number(s.amount) / 1e8} PAR), expected ~100 PAR; fromUnbonding ${s.fromUnbonding}`);
    assert.ok(s.fromUnbonding > 0n, "the slash did not reach the unbonding stake");

    await f.networkHelpers.time.increase(UNBONDING);
    const back = await withdrawn(f, L, liar);
    const left = 1000n * PAR - s.amount; // the bond went first, the rest came out of the unbonding stake
    assert.ok(back <= left && back >= left - 10n, `liar withdrew ${back}, expected ~${left}`);
    assert.ok(back + (await f.keepers.read.stakeOf([L])) <= 900n * PAR + 10n);
    await assertAccounted(f);
  });

  it("finding 5: delegating just before flush and undelegating right after captures (almost) none of the pool's pay", async () => {
    const f = await deployMarket();
    const [op, alice, attacker] = f.keeperWallets;
    const K = op.account.address;
    await f.register(op, 100n * PAR);
    await f.keepers.write.setCommission([1_000], { account: op.account });
    await f.networkHelpers.time.increase(3600); // commissionDelay
    await delegate(f, alice, K, 100n * PAR);

    const ids: bigint[] = [];
    for (let i = 0; i < 5; i++) {
      const id = await f.post(f.requester, { fee: PAR });
      assert.equal((await f.claimAsAssignee(id)).account.address, K);
      await f.submit(id, GOOD);
      ids.push(id);
    }
    await f.networkHelpers.time.increase(600);
    await f.finalize(ids);
    const [pay] = await f.market.read.accountOf([K]);
    assert.equal(pay, 5n * (PAR - PAR / 20n)); // 4.75 PAR waiting in the market

    // the attack: 20x the pool's stake in, flush, out
    const big = 20n * (await f.keepers.read.stakeOf([K]));
    await delegate(f, attacker, K, big);
    await f.flush([K]);
    await f.keepers.write.undelegate([K, big], { account: attacker.account });
    const early = (await position(f, K, attacker)).rewards;
    assert.ok(early < pay / 100n, `attacker captured ${early} of ${pay} (${(Number(early) * 100) / Number(pay)}%)`);

    await f.networkHelpers.time.increase(2n * DAY); // past rewardStreamPeriod (default 1 day)
    const late = (await position(f, K, attacker)).rewards;
    assert.ok(late < pay / 100n, `attacker has ${late} of ${pay} after the stream`);
    const o = await received(f, op, () => f.keepers.write.claimRewards([K], { account: op.account }));
    const a = await received(f, alice, () => f.keepers.write.claimRewards([K], { account: alice.account }));
    assert.ok(o + a + late <= pay, `paid out ${o + a + late} > ${pay}`);
    assert.ok(pay - (o + a + late) <= 10n, `operator ${o} + alice ${a} + attacker ${late} fall short of ${pay}`);
    assert.ok(o + a >= pay - pay / 100n);
    await assertAccounted(f);
  });
});
