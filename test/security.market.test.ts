import assert from "node:assert/strict";
import { describe, it } from "mocha";
import {
  BaseError,
  ContractFunctionRevertedError,
  decodeErrorResult,
  encodeAbiParameters,
  isAddressEqual,
  keccak256,
  parseAbi,
  toHex,
  zeroAddress,
  type Abi,
  type Address,
  type Hex,
} from "viem";
import { deployMarket, modelSpec, PAR, param, type MarketFixture } from "./helpers/market.js";

const GOOD = "0x0a00000000000000f4ffffffffffffff" as Hex;
const BAD = "0x0b00000000000000f4ffffffffffffff" as Hex;

type Wallet = MarketFixture["admin"];

/**
 * ABI of what the fixes add to the market, written by hand so this file builds (and its calls
 * encode) whether or not the compiled ITaskMarket already has them.
 */
const FIX_ABI = parseAbi([
  "function commitChallenge(uint256 id, bytes32 commitment)",
  "error ChallengeNotCommitted(uint256 id, address challenger)",
]);

const setWindow = (f: MarketFixture, name: string, value: bigint) => f.market.write.setParameter([param(name), value]);

type Outcome =
  | { ok: true; hash: Hex }
  | { ok: false; name: string; args: readonly unknown[]; message: string };

/**
 * Sends a transaction and reports how it ended: mined (and applied to the fixture's book) or
 * reverted with which custom error. Revert data is decoded against the market, court, registry
 * and the fixes' ABIs, so an error the compiled ABI lacks still gets its name.
 */
async function attempt(f: MarketFixture, tx: Promise<Hex>): Promise<Outcome> {
  let hash: Hex;
  try {
    hash = await tx;
  } catch (e) {
    const reverted = e instanceof BaseError ? e.walk((x) => x instanceof ContractFunctionRevertedError) : null;
    const message = e instanceof BaseError ? e.shortMessage : String(e);
    if (reverted instanceof ContractFunctionRevertedError) {
      if (reverted.data?.errorName) {
        return { ok: false, name: reverted.data.errorName, args: reverted.data.args ?? [], message };
      }
      if (reverted.raw && reverted.raw !== "0x") {
        try {
          const abi = [...FIX_ABI, ...f.market.abi, ...f.court.abi, ...f.keepers.abi] as Abi;
          const d = decodeErrorResult({ abi, data: reverted.raw });
          return { ok: false, name: d.errorName, args: d.args ?? [], message };
        } catch {
          return { ok: false, name: `unknown(${reverted.raw.slice(0, 10)})`, args: [], message };
        }
      }
      return { ok: false, name: reverted.reason ?? "empty revert", args: [], message };
    }
    return { ok: false, name: "error", args: [], message };
  }
  await f.track(hash);
  return { ok: true, hash };
}

const describeOutcome = (o: Outcome) =>
  o.ok ? "it succeeded" : `it reverted ${o.name}(${o.args.map(String).join(", ")})`;

/** The fix's challenge commitment: keccak256(abi.encode(id, resultHash, challenger)). */
const challengeCommitment = (id: bigint, resultHash: Hex, challenger: Address) =>
  keccak256(encodeAbiParameters([{ type: "uint256" }, { type: "bytes32" }, { type: "address" }], [id, resultHash, challenger]));

/** `challenger` sends `market.commitChallenge(id, commitment)` (one block). */
const commitChallenge = (f: MarketFixture, challenger: Wallet, id: bigint, resultHash: Hex) =>
  attempt(
    f,
    challenger.writeContract({
      address: f.market.address,
      abi: FIX_ABI,
      functionName: "commitChallenge",
      args: [id, challengeCommitment(id, resultHash, challenger.account.address)],
      account: challenger.account,
      chain: challenger.chain,
    }),
  );

/** Posts a task as `from` and mines until its seed block (postBlock + 1) is readable. */
async function postAndSeed(f: MarketFixture, from: Wallet, opts: Parameters<MarketFixture["post"]>[1] = {}) {
  const id = await f.post(from, { fee: PAR, ...opts });
  await f.networkHelpers.mine(2);
  return id;
}

const assigneeOf = (f: MarketFixture, id: bigint) => f.market.read.assigneeOf([id, f.book.get(id)!]);
const claimAs = (f: MarketFixture, id: bigint, w: Wallet) =>
  attempt(f, f.market.write.claim([id, f.book.get(id)!], { account: w.account }));

/** Mints `amount` to `w` and approves the registry, so a later addStake is a single block. */
async function fund(f: MarketFixture, w: Wallet, amount: bigint) {
  await f.mint(w.account.address, amount);
  await f.token.write.approve([f.keepers.address, amount], { account: w.account });
}

describe("Security: draws and settlement", () => {
  it("Finding 2: a requester's keeper topping up stake after the seed block never moves its task's assignee and cannot claim a task drawn for another keeper", async () => {
    const f = await deployMarket();
    const honest = f.keeperWallets.slice(0, 4);
    const A = f.keeperWallets[4]; // the attacker's keeper
    for (const w of honest) await f.register(w, 1000n * PAR);
    await f.register(A, 100n * PAR); // 100 / 4100 ≈ 2.4 % of the stake
    await setWindow(f, "assignWindow", 3600n); // 40 top-ups are 40 blocks: stay inside the window
    await fund(f, A, 10n ** 6n);
    const attacker = f.requester; // the attacker's requester address

    // The attacker posts; the draw read right after the seed block names someone else (if it names
    // A outright, that is a fair draw: post again).
    let id = 0n;
    let initial: Address = zeroAddress;
    for (let i = 0; i < 10; i++) {
      id = await postAndSeed(f, attacker);
      initial = await assigneeOf(f, id);
      if (!isAddressEqual(initial, A.account.address)) break;
    }
    assert.ok(!isAddressEqual(initial, A.account.address), "a task not drawn for A");
    assert.ok(!isAddressEqual(initial, zeroAddress), "the task has an assignee");

    // The attack: top A's stake up by a few base units a block, re-reading the draw each time.
    const named: Address[] = [];
    let stolen = false;
    for (let i = 0; i < 40 && !stolen; i++) {
      await f.keepers.write.addStake([7n], { account: A.account });
      const now = await assigneeOf(f, id);
      named.push(now);
      if (isAddressEqual(now, A.account.address)) stolen = (await claimAs(f, id, A)).ok;
    }
    const moved = named.flatMap((a, i) => (isAddressEqual(a, initial) ? [] : [`#${i + 1}: ${a}`]));
    assert.deepEqual(
      moved,
      [],
      `assigneeOf(${id}) was ${initial} after the seed block but moved as A topped up its stake ` +
        `(${moved.length} of ${named.length} top-ups); ${stolen ? `A was named after ${named.length} top-ups and claimed the task` : "A was not named"}`,
    );
    assert.ok(!stolen, "A claimed its requester's task after steering the draw");
    // A cannot claim the task drawn for someone else inside the assign window …
    const byA = await claimAs(f, id, A);
    assert.ok(!byA.ok && byA.name === "NotAssignee", `A's claim of a task drawn for ${initial}: ${describeOutcome(byA)}`);
    // … and the keeper drawn after the seed block still can.
    const byAssignee = await claimAs(f, id, f.byAddress(initial));
    assert.ok(byAssignee.ok, `the assignee's claim: ${describeOutcome(byAssignee)}`);
    assert.ok(isAddressEqual(f.book.get(id)!.keeper, initial));
  });

  it("Finding 2 (honest side): another keeper's large stake change after the seed block does not take the task from its drawn assignee", async () => {
    const f = await deployMarket();
    const honest = f.keeperWallets.slice(0, 5);
    for (const w of honest) await f.register(w, 1000n * PAR);
    const big = 1_000_000n * PAR;
    const id = await postAndSeed(f, f.requester);
    const drawn = await assigneeOf(f, id);
    assert.ok(!isAddressEqual(drawn, zeroAddress), "the task has an assignee");
    const other = honest.find((w) => !isAddressEqual(w.account.address, drawn))!;
    await fund(f, other, big);
    // After the seed block another keeper's stake grows ~200×: it now holds > 99 % of the stake.
    await f.keepers.write.addStake([big], { account: other.account });
    const after = await assigneeOf(f, id);
    const claim = await claimAs(f, id, f.byAddress(drawn));
    assert.ok(
      claim.ok,
      `the keeper drawn after the seed block (${drawn}) could not claim after ${other.account.address} staked ` +
        `1,000,000 PAR more: ${describeOutcome(claim)}; assigneeOf now names ${after}`,
    );
    assert.ok(isAddressEqual(after, drawn), `assigneeOf moved from ${drawn} to ${after}`);
    assert.ok(isAddressEqual(f.book.get(id)!.keeper, drawn));
  });

  it("Finding 3: sybils topping up stake after the dispute's seed block do not change the jury drawJury draws, and never pack 3 of 5 seats they did not have", async () => {
    const f = await deployMarket();
    const [submitter, challenger, ...rest] = f.keeperWallets;
    const honest = rest.slice(0, 6);
    const sybils = rest.slice(6, 11);
    await f.register(submitter, 100n * PAR);
    await f.register(challenger, 100n * PAR);
    for (const w of honest) await f.register(w, 120n * PAR); // 720 PAR
    for (const w of sybils) await f.register(w, 60n * PAR); // 300 PAR: ~29 % of the juror stake
    for (const w of sybils) await fund(f, w, 10n ** 6n);
    const isSybil = (a: Address) => sybils.some((w) => isAddressEqual(w.account.address, a));
    const sybilSeats = (jurors: readonly Address[]) => jurors.filter(isSybil).length;

    const id = await postAndSeed(f, f.requester);
    await f.networkHelpers.time.increase(31); // after the assign window: the chosen keeper claims
    assert.ok((await claimAs(f, id, submitter)).ok, "the submitter claims");
    await f.submit(id, GOOD, submitter);
    // With the challenge fix a challenge needs a commitment in an earlier block; today's market has
    // no commitChallenge (the call reverts) and needs none.
    await commitChallenge(f, challenger, id, keccak256(BAD));
    await f.market.write.challenge([id, f.book.get(id)!, keccak256(BAD), BAD, ""], { account: challenger.account });
    await f.networkHelpers.mine(1); // the seed block
    await f.closeChallengeWindow(id);

    /** The jury drawJury would draw now: draw, read, undo. */
    const simulate = async () => {
      const snapshot = await f.networkHelpers.takeSnapshot();
      await f.court.write.drawJury([id]);
      const jurors = (await f.court.read.disputeOf([id])).jurors;
      await snapshot.restore();
      return jurors;
    };
    const baseline = await simulate();

    // The attack: the sybils top up a few base units a block until they would hold 3 seats (at
    // least 5 top-ups, so the jury is re-read even when the seed alone gave them 3).
    const moved: string[] = [];
    let tries = 0;
    let packed = sybilSeats(baseline) >= 3;
    while ((!packed && tries < 40) || tries < 5) {
      await f.keepers.write.addStake([5n], { account: sybils[tries % sybils.length].account });
      tries++;
      const jurors = await simulate();
      if (jurors.join() !== baseline.join()) moved.push(`#${tries}: ${sybilSeats(jurors)} sybil seats`);
      packed = sybilSeats(jurors) >= 3;
    }
    await f.court.write.drawJury([id]);
    const jury = (await f.court.read.disputeOf([id])).jurors;

    assert.deepEqual(
      moved,
      [],
      `the jury drawJury would draw moved after sybil top-ups (baseline had ${sybilSeats(baseline)} sybil seats); ` +
        `after ${tries} top-ups the sybils ${packed ? "held 3+ seats" : "did not reach 3 seats"} and drew a jury with ${sybilSeats(jury)}`,
    );
    assert.deepEqual([...jury], [...baseline], "the jury drawn is the one the seed block fixed");
    assert.ok(sybilSeats(jury) < 3 || sybilSeats(baseline) >= 3, `sybils packed ${sybilSeats(jury)} of ${jury.length} seats`);
  });

  it("Finding 8: a thin model's tasks are always drawn among its own keepers, and its requester's keeper cannot take one drawn for the other", async () => {
    const f = await deployMarket(undefined, {
      models: [
        modelSpec(100, keccak256(toHex("a"))),
        modelSpec(10, keccak256(toHex("b"))),
        modelSpec(50, keccak256(toHex("thin"))),
      ],
    });
    const thick = f.keeperWallets.slice(0, 4);
    const [H, A] = f.keeperWallets.slice(4, 6);
    // (stake large enough that a keeper's free stake covers the 10 PAR bonds of every task below)
    for (const w of thick) await f.register(w, 24_500n * PAR, [1, 2]); // 98 % of the stake
    await f.register(H, 1000n * PAR, [3]); // 1 %
    await f.register(A, 1000n * PAR, [3]); // 1 %: the requester's own keeper
    await setWindow(f, "assignWindow", 3600n); // every claim below is inside the assign window

    const drawn: Address[] = [];
    const problems: string[] = [];
    let drawnForH = 0;
    for (let i = 0; i < 10 || (drawnForH === 0 && i < 30); i++) {
      const id = await postAndSeed(f, f.requester, { modelId: 3 });
      const assignee = await assigneeOf(f, id);
      drawn.push(assignee);
      if (isAddressEqual(assignee, A.account.address)) {
        const own = await claimAs(f, id, A);
        assert.ok(own.ok, `A's claim of a task drawn for it: ${describeOutcome(own)}`);
        continue;
      }
      if (isAddressEqual(assignee, H.account.address)) drawnForH++;
      const byA = await claimAs(f, id, A); // A claims at once, as a requester's own keeper would
      if (byA.ok) problems.push(`task ${id} drawn for ${assignee}: A claimed it`);
      else if (byA.name !== "NotAssignee") problems.push(`task ${id} drawn for ${assignee}: A's claim ${describeOutcome(byA)}`);
      else {
        const byH = await claimAs(f, id, H);
        assert.ok(byH.ok, `H's claim of its task: ${describeOutcome(byH)}`);
      }
    }
    const zero = drawn.filter((a) => isAddressEqual(a, zeroAddress)).length;
    const outside = drawn.filter((a) => !isAddressEqual(a, H.account.address) && !isAddressEqual(a, A.account.address));
    assert.equal(
      zero,
      0,
      `${zero} of ${drawn.length} model-3 tasks had no assignee (address(0)); A took them first-come: ${problems.join("; ")}`,
    );
    assert.deepEqual(outside, [], "every assignee serves model 3 (H or A)");
    assert.deepEqual(problems, [], "A took no task drawn for another keeper");
    assert.ok(drawnForH > 0, "some tasks were drawn for H");
  });

  it("Finding 11a: a keeper drawn but below a minStake raised after the seed block (no sync) is not the assignee and cannot claim", async () => {
    const f = await deployMarket();
    const low = f.keeperWallets.slice(0, 3);
    const high = f.keeperWallets[3];
    for (const w of low) await f.register(w, 100n * PAR);
    await f.register(high, 200n * PAR);
    let id = 0n;
    let drawn: Address = zeroAddress;
    for (let i = 0; i < 10; i++) {
      id = await postAndSeed(f, f.requester);
      drawn = await assigneeOf(f, id);
      if (low.some((w) => isAddressEqual(w.account.address, drawn))) break;
    }
    assert.ok(low.some((w) => isAddressEqual(w.account.address, drawn)), "a task drawn for a 100 PAR keeper");

    // After the seed block governance raises minStake above the drawn keeper's stake; nobody syncs.
    await f.keepers.write.setParameter([param("minStake"), 150n * PAR]);
    assert.equal(await f.keepers.read.isActive([drawn]), false);
    const assignee = await assigneeOf(f, id);
    assert.ok(
      isAddressEqual(assignee, zeroAddress) || (await f.keepers.read.isActive([assignee])),
      `assigneeOf names ${assignee}, which is inactive (stake ${(await f.keepers.read.stakeOf([assignee])) / PAR} PAR < minStake 150 PAR)`,
    );
    const byDrawn = await claimAs(f, id, f.byAddress(drawn));
    assert.ok(
      !byDrawn.ok && ["NotAssignee", "NotEligible"].includes(byDrawn.name),
      `the inactive drawn keeper's claim: ${describeOutcome(byDrawn)}`,
    );
    if (!isAddressEqual(assignee, zeroAddress)) {
      const byAssignee = await claimAs(f, id, f.byAddress(assignee));
      assert.ok(byAssignee.ok, `the active assignee's claim: ${describeOutcome(byAssignee)}`);
    }
  });

  it("Finding 6: a callback task whose submitted output never arrives can be expired a day after its challenge window (refund plus liveness penalty, bond unlocked), while an honest callback task finalizes", async () => {
    const f = await deployMarket();
    await f.register(f.keeperWallets[0], 100n * PAR);
    await f.register(f.keeperWallets[1], 100n * PAR);
    const echo = await f.viem.deployContract("EchoConsumer", [f.market.address, f.token.address]);
    const cb = { callback: echo.address, callbackGas: 100_000 };

    // The stuck task: its keeper submits a hash whose bytes nobody has.
    const stuck = await f.post(f.requester, { fee: PAR, ...cb });
    const keeper = await f.claimAsAssignee(stuck);
    const nowhere = keccak256(toHex("bytes nobody has"));
    await f.track(
      await f.market.write.submitHash([stuck, f.book.get(stuck)!, nowhere, "https://nowhere.example/x"], {
        account: keeper.account,
      }),
    );
    // The honest task: output inline.
    const honest = await f.post(f.requester, { fee: PAR, ...cb });
    await f.claimAsAssignee(honest);
    await f.submit(honest, GOOD);

    const window = await f.market.read.challengeWindow();
    const timeout = 86_400n; // DELIVERY_GRACE; the task's deadline (1 h) is earlier
    const since = BigInt(f.book.get(stuck)!.since);
    const bond = f.book.get(stuck)!.bond;
    assert.ok(BigInt(f.book.get(honest)!.since) + window < since + window + timeout);

    // Unchallenged, after the challenge window: the stuck task cannot be finalized, nor expired yet …
    await f.networkHelpers.time.increaseTo(BigInt(f.book.get(honest)!.since) + window);
    const fin = await attempt(f, f.market.write.finalize([[stuck], [f.book.get(stuck)!], []]));
    assert.ok(!fin.ok && fin.name === "OutputMismatch", `finalize of the stuck task: ${describeOutcome(fin)}`);
    const early = await attempt(f, f.market.write.expire([[stuck], [f.book.get(stuck)!]]));
    assert.ok(!early.ok, "expire before since + challengeWindow + DELIVERY_GRACE");
    // … the honest callback task finalizes normally in that time.
    await f.finalize([honest], [GOOD]);
    assert.equal(await echo.read.lastTaskId(), honest);
    assert.equal(await echo.read.lastOutput(), GOOD);
    assert.equal(await f.keepers.read.lockedBondOf([keeper.account.address]), bond);

    // Once since + challengeWindow + DELIVERY_GRACE has passed with no finalize, anyone expires it.
    await f.networkHelpers.time.increaseTo(since + window + timeout + 1n);
    const stakeBefore = await f.keepers.read.stakeOf([keeper.account.address]);
    const before = await f.balance(f.requester.account.address);
    const expired = await attempt(
      f,
      f.market.write.expire([[stuck], [f.book.get(stuck)!]], { account: f.stranger.account }),
    );
    assert.ok(
      expired.ok,
      `expire of a task submitted by hash at ${since} and undelivered at since + challengeWindow (${window}) + DELIVERY_GRACE (${timeout}): ${describeOutcome(expired)}`,
    );
    const penalty = (bond * (await f.market.read.livenessPenaltyBps())) / 10_000n;
    assert.ok(penalty > 0n);
    assert.equal(await f.balance(f.requester.account.address) - before, PAR + penalty, "fee refunded plus the liveness penalty");
    assert.equal(await f.keepers.read.lockedBondOf([keeper.account.address]), 0n, "the rest of the bond unlocked");
    assert.equal(stakeBefore - (await f.keepers.read.stakeOf([keeper.account.address])), penalty);
    assert.equal(await f.market.read.statusOf([stuck]), 0);
    assert.equal(await echo.read.lastTaskId(), honest, "no callback for the expired task");
  });

  it("Finding 11c: a copycat's uncommitted copy of a watchtower's challenge reverts ChallengeNotCommitted; the watchtower commits, challenges a block later and is the challenger", async () => {
    const f = await deployMarket();
    for (const w of f.keeperWallets.slice(0, 3)) await f.register(w, 100n * PAR);
    const id = await f.post(f.requester, { fee: PAR });
    const submitter = await f.claimAsAssignee(id);
    await f.submit(id, BAD, submitter);
    const [watchtower, copycat] = f.keeperWallets.slice(0, 3).filter((w) => w !== submitter);
    const resultHash = keccak256(GOOD);
    const args = [id, f.book.get(id)!, resultHash, GOOD, "https://watchtower.example/proof"] as const;

    // The copycat sees the watchtower's challenge in the mempool and sends the same call first.
    const copied = await attempt(f, f.market.write.challenge(args, { account: copycat.account }));
    assert.ok(
      !copied.ok,
      `the copycat's uncommitted copy of the watchtower's challenge went through: ` +
        `${(await f.court.read.disputeOf([id])).challenger} is the dispute's challenger`,
    );
    assert.equal(copied.name, "ChallengeNotCommitted", describeOutcome(copied));
    assert.deepEqual(copied.args.map((a) => String(a).toLowerCase()), [String(id), copycat.account.address.toLowerCase()]);

    // The watchtower commits (one block), then challenges in a later block.
    const committed = await commitChallenge(f, watchtower, id, resultHash);
    assert.ok(committed.ok, `commitChallenge: ${describeOutcome(committed)}`);
    await f.networkHelpers.mine(1);
    const challenged = await attempt(f, f.market.write.challenge(args, { account: watchtower.account }));
    assert.ok(challenged.ok, `the watchtower's committed challenge: ${describeOutcome(challenged)}`);
    const d = await f.court.read.disputeOf([id]);
    assert.ok(isAddressEqual(d.challenger, watchtower.account.address), `the challenger is ${d.challenger}`);
    assert.equal(d.challengerResult, resultHash);
    assert.equal(await f.market.read.statusOf([id]), 4); // Challenged
  });

  it("Finding 11f: onParadigmResult called directly by an account other than the market reverts NotParadigmMarket(caller)", async () => {
    const f = await deployMarket();
    const echo = await f.viem.deployContract("EchoConsumer", [f.market.address, f.token.address]);
    for (const w of [f.stranger, f.requester, f.admin]) {
      await f.viem.assertions.revertWithCustomErrorWithArgs(
        echo.write.onParadigmResult([1n, GOOD], { account: w.account }),
        echo,
        "NotParadigmMarket",
        [w.account.address],
      );
    }
    assert.equal(await echo.read.lastTaskId(), 0n);
    assert.equal(await echo.read.lastOutput(), "0x");
  });
});
