import assert from "node:assert/strict";
import { describe, it } from "mocha";
import { keccak256, parseEventLogs, toHex, type Address, type Hex } from "viem";
import { NO_METRICS, policyInput, type PolicyDecision } from "../keepers/src/policy-io.js";
import { addWork, beginEpoch, createWorld, finishEpoch, parseScenario, serveEpoch, type Policy, type Served } from "../keepers/policy/sim/index.js";
import { BURN, deployMarket, param, POLICY_ROLE, type MarketFixture } from "./helpers/market.js";

// The simulator against the real contracts: a 20-epoch scenario runs on the EDR chain (TaskMarket,
// TaskCourt, KeeperRegistry, EmissionPool) and in the simulator, which takes only the chain's
// assignees (block-hash draws); everything else it computes, and every epoch's emission, claim
// and stake must agree to the base unit.

const EPOCH = 3_600n; // the fixture's epoch length
const OUTPUT = "0x0a00000000000000" as Hex;
const WRONG = "0x0b00000000000000" as Hex;
const GRANT = { units: 1_000_000n, backing: 10n ** 20n }; // a genesis grant to requesters (paid work, uncapped by backing)

const SCENARIO = {
  name: "replay", epochs: 20, seed: 7,
  params: { epochLength: "3600", zeroFeePeriod: "3600", genesisVesting: String(7 * 86_400) },
  models: [{ id: 1, computeUnits: 100 }, { id: 2, computeUnits: 10 }],
  requesters: [
    { name: "free", count: 2, tasksPerEpoch: 2, feePerCU: "0", demand: [{ epoch: 0, weights: { "1": 1 } }] },
    { name: "apps", count: 2, tasksPerEpoch: 2, feePerCU: "0.0001", maxFeePerCU: "0.001", from: 1, demand: [{ epoch: 0, weights: { "1": 1, "2": 1 } }] },
  ],
  keepers: [
    { name: "k", count: 3, models: [1], throughputCU: 1_000_000 },
    // the only keeper of model 2, so it is drawn for every model-2 task, and it always lies
    { name: "liar", count: 1, models: [1, 2], throughputCU: 1_000_000, behavior: "liar", rateBps: 10_000 },
  ],
  delegators: [{ name: "fund", epoch: 1, amount: "100", target: "spread" }],
  detection: { canaryBps: 10_000, watchBps: 0 },
};

/** A policy that moves both outputs with the metrics (deterministic, so the test can replay it). */
const policy: Policy = (input): PolicyDecision => ({
  multiplierBps: input[0]! % 2n === 0n ? 12_000n : 9_000n,
  minFeePerCU: 1_000n + (input[0]! % 3n) * 10_000n,
});

type Wallet = MarketFixture["admin"];

describe("policy simulator", () => {
  it("agrees with the contracts to the base unit over 20 epochs (emission, claims, stakes)", async function () {
    this.timeout(300_000);
    const f = await deployMarket(undefined, { emissionMinter: true });
    const { pool, market, keepers, court, admin, networkHelpers } = f;
    await pool.write.setParameter([param("genesisVesting"), BigInt(7 * 86_400)]);
    // deployment has granted the pool VESTER_ROLE and set its keepers: claims of registered keepers vest into their stake
    await market.write.setParameter([param("zeroFeePeriod"), EPOCH]);
    await pool.write.grantRole([POLICY_ROLE, admin.account.address]);
    await pool.write.grantRole([keccak256(toHex("MARKET_ROLE")), admin.account.address]);
    const genesis = await pool.read.genesis();

    const w = createWorld(parseScenario(SCENARIO));
    const wallets = new Map<string, Wallet>([
      ["k:0", f.keeperWallets[0]!], ["k:1", f.keeperWallets[1]!], ["k:2", f.keeperWallets[2]!], ["liar:0", f.keeperWallets[3]!],
      ["free:0", f.keeperWallets[4]!], ["free:1", f.keeperWallets[5]!], ["apps:0", f.keeperWallets[6]!], ["apps:1", f.keeperWallets[7]!],
    ]);
    const name = new Map([...wallets].map(([n, wl]) => [wl.account.address.toLowerCase(), n]));
    const addr = (n: string) => wallets.get(n)!.account.address;
    const seen = { convicted: 0, zeroFee: 0, capped: 0, proposals: 0, fees: new Set<bigint>() };
    let input = 0;

    for (let epoch = 0; epoch < SCENARIO.epochs; epoch++) {
      const start = genesis + BigInt(epoch) * EPOCH + 1n;
      if (BigInt(await f.now()) < start) await networkHelpers.time.increaseTo(start);
      const batches = beginEpoch(w, epoch);
      for (const d of w.scenario.delegators.filter((d) => d.epoch === epoch)) {
        // the delegator is a funded requester: its PAR came from the genesis grant
        const active = w.keepers.filter((k) => w.registry.get(k.address)!.available);
        await f.token.write.approve([keepers.address, d.amount], { account: wallets.get("apps:0")!.account });
        for (const k of active) await keepers.write.delegate([addr(k.address), d.amount / BigInt(active.length)], { account: wallets.get("apps:0")!.account });
      }
      if (epoch === 0) {
        for (const k of w.keepers) await f.register(wallets.get(k.address)!, 0n, [...k.pop.models]);
        await keepers.write.setAttestor([admin.account.address]); // the test convicts canary lies
        for (const r of ["apps:0", "apps:1"]) {
          await pool.write.creditWork([addr(r), GRANT.units, 0n, GRANT.backing]);
          addWork(w.pool, 0n, r, GRANT.units, 0n, GRANT.backing);
        }
      }
      // post every task, then read the chain's assignees
      const ids: bigint[][] = [];
      for (const b of batches) {
        const list: bigint[] = [];
        for (let i = 0; i < b.count; i++) {
          list.push(await f.post(wallets.get(b.requester)!, { fee: b.fee, modelId: b.modelId, input: toHex(input++, { size: 8 }) }));
        }
        ids.push(list);
        if (b.fee === 0n) seen.zeroFee += b.count;
        else seen.fees.add(b.fee);
      }
      await networkHelpers.mine(2);
      const assigneeOf = new Map<bigint, string>();
      const assigned = [];
      for (const list of ids) {
        const m = new Map<string, number>();
        for (const id of list) {
          const a = name.get((await market.read.assigneeOf([id, f.book.get(id)!])).toLowerCase())!;
          assigneeOf.set(id, a);
          m.set(a, (m.get(a) ?? 0) + 1);
        }
        assigned.push(m);
      }
      const gain = new Map<string, bigint>();
      const { served, totals } = serveEpoch(w, BigInt(epoch), batches, assigned, gain);
      const claimed = await claimOnChain(f, served, ids, assigneeOf, wallets);
      // submit (lies wrong), convict canary lies, finalize the rest, flush in the simulator's order
      const toFinalize: bigint[] = [];
      for (const [c, list] of claimed) {
        for (const [j, id] of list.entries()) await f.submit(id, j < c.canaries + c.challenged + c.passedLies ? WRONG : OUTPUT, wallets.get(c.keeper));
      }
      for (const [c, list] of claimed) {
        for (const id of list.slice(0, c.canaries)) {
          await f.track(await court.write.convict([id, f.book.get(id)!]));
          seen.convicted++;
        }
        toFinalize.push(...list.slice(c.canaries));
      }
      await networkHelpers.time.increase(600);
      if (toFinalize.length) await f.finalize(toFinalize);
      const flushed = [...new Set([...claimed.keys()].map((c) => c.keeper))];
      if (flushed.length) await f.flush(flushed.map(addr));

      // close on both sides, then every contributor claims in the simulator's order
      await networkHelpers.time.increaseTo(genesis + BigInt(epoch + 1) * EPOCH);
      const { trace, paid } = finishEpoch(w, epoch, totals, batches, gain, policy);
      const closeHash = await pool.write.closeEpoch();
      const closeLogs = parseEventLogs({ abi: pool.abi, logs: (await f.publicClient.waitForTransactionReceipt({ hash: closeHash })).logs, eventName: "EpochClosed" });
      assert.equal(closeLogs[0]!.args.amount, trace.emitted, `epoch ${epoch}: emission`);
      assert.equal(BigInt(closeLogs[0]!.args.multiplierBps), trace.decision.multiplierBps, `epoch ${epoch}: multiplier`);
      for (const p of paid) {
        const hash = await pool.write.claim([BigInt(epoch), BigInt(epoch)], { account: wallets.get(p.who)!.account });
        const logs = parseEventLogs({ abi: pool.abi, logs: (await f.publicClient.waitForTransactionReceipt({ hash })).logs, eventName: "Claimed" });
        assert.equal(logs[0]!.args.amount, p.amount, `epoch ${epoch}: ${p.who}'s claim`);
        const rolled = parseEventLogs({ abi: pool.abi, logs: (await f.publicClient.waitForTransactionReceipt({ hash })).logs, eventName: "Rollover" });
        if (rolled.length && p.amount !== 0n && !w.registry.has(p.who)) seen.capped++;
      }
      assert.equal(await pool.read.remainingBudget(), w.pool.remaining, `epoch ${epoch}: remaining budget`);
      assert.equal(await pool.read.outstanding(), w.pool.outstanding, `epoch ${epoch}: outstanding`);
      for (const [n, p] of w.registry) {
        assert.equal(await keepers.read.stakeOf([addr(n)]), p.stake, `epoch ${epoch}: ${n}'s stake`);
        assert.equal(await keepers.read.lockedBondOf([addr(n)]), p.locked, `epoch ${epoch}: ${n}'s locked bonds`);
      }
      // the policy's proposal for epoch + 2, as its task would make it during epoch + 1
      const d = policy(policyInput(w.metrics.at(-1)!, w.metrics.at(-2) ?? NO_METRICS));
      await pool.write.proposePolicy([BigInt(epoch + 2), Number(d.multiplierBps), d.minFeePerCU]);
      if (trace.decision.multiplierBps !== 10_000n) seen.proposals++;
    }
    assert.ok(seen.convicted > 0, "a liar was slashed");
    assert.ok(seen.zeroFee > 0, "zero-fee tasks ran");
    assert.ok(seen.capped > 0, "a contributor hit the share cap");
    assert.ok(seen.proposals > 0, "a policy proposal moved the multiplier");
    assert.ok(seen.fees.size > 1, `paid tasks ran, at fees the policy's floor moved: ${[...seen.fees]}`);
    assert.ok((await f.balance(BURN)) > 0n, "slashes burned");
  });

  it("refuses a scenario with a wrong field, naming its path and what was expected", () => {
    const bad = structuredClone(SCENARIO) as Record<string, unknown> & { requesters: Record<string, unknown>[] };
    bad.name = "boom";
    bad.requesters[1]!.growthBps = "x";
    assert.throws(() => parseScenario(bad), { message: 'scenario "boom": requesters[1].growthBps must be an integer in [-10000, 100000], got "x"' });
    const badModel = structuredClone(SCENARIO) as typeof SCENARIO & { keepers: { models: number[] }[] };
    badModel.keepers[0]!.models = [1, 9];
    assert.throws(() => parseScenario(badModel), /scenario "replay": keepers\[0\]\.models\[1\] must be a model id of models \(1, 2\), got 9/);
    assert.throws(() => parseScenario({ ...SCENARIO, params: { maxShareBps: 500 } }), /params\.maxShareBps must be a non-negative integer string/);
  });
});

/**
 * Claims the tasks on chain as the simulator decided: each assignee takes its first tasks, then
 * (after the assign window) the open ones go to the keepers the simulator names. Returns each
 * claim's task ids.
 */
async function claimOnChain(f: MarketFixture, served: Served[], ids: bigint[][], assigneeOf: Map<bigint, string>, wallets: Map<string, Wallet>) {
  const claimed = new Map<Served["claims"][number], bigint[]>();
  const open: bigint[][] = [];
  for (const [i, s] of served.entries()) {
    const queue = new Map<string, bigint[]>();
    for (const id of ids[i]!) queue.set(assigneeOf.get(id)!, [...(queue.get(assigneeOf.get(id)!) ?? []), id]);
    for (const c of s.claims.filter((c) => !c.open)) {
      const mine = queue.get(c.keeper)!;
      claimed.set(c, mine.splice(0, c.count));
    }
    open.push([...queue.values()].flat().sort((a, b) => (a < b ? -1 : 1)));
  }
  for (const [c, list] of claimed) {
    for (const id of list) await f.track(await f.market.write.claim([id, f.book.get(id)!], { account: wallets.get(c.keeper)!.account }));
  }
  if (served.some((s) => s.claims.some((c) => c.open))) {
    await f.networkHelpers.time.increase(31);
    for (const [i, s] of served.entries()) {
      for (const c of s.claims.filter((c) => c.open)) {
        const list = open[i]!.splice(0, c.count);
        for (const id of list) await f.track(await f.market.write.claim([id, f.book.get(id)!], { account: wallets.get(c.keeper)!.account }));
        claimed.set(c, list);
      }
    }
  }
  // keep the simulator's order: batch by batch, claim by claim
  return new Map(served.flatMap((s) => s.claims.map((c) => [c, claimed.get(c)!] as const)));
}
