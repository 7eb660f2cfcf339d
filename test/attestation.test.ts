/**
 * Attestation by useful work (IAttestor): a keeper registered once an attestor is set is never
 * drawn until it passes a benchmark, and a keeper that lies on a canary (a task whose answer the
 * canary service committed before the result) is slashed by the court without a jury.
 */
import assert from "node:assert/strict";
import { describe, it } from "mocha";
import { getAddress, keccak256, parseEventLogs, type Hex } from "viem";
import { deployAttestor, CANARY_ROLE, canaryKey, type AttestorFixture } from "./helpers/attestation.js";
import { BURN, deployMarket, PAR, type MarketFixture } from "./helpers/market.js";

const TRUTH = "0x0a00000000000000f4ffffffffffffff" as Hex;
const LIE = "0x0b00000000000000f4ffffffffffffff" as Hex;
const ANSWER = keccak256(TRUTH);
const SALT = keccak256("0x5a");
type Wallet = MarketFixture["admin"];
const addr = (w: Wallet) => getAddress(w.account.address);

/** `grandfathered` keepers registered before the attestor is set, `fresh` ones after (100 PAR each). */
async function setup(grandfathered: number, fresh: number, stake = 100n * PAR) {
  const f = await deployMarket();
  const old = f.keeperWallets.slice(0, grandfathered);
  const late = f.keeperWallets.slice(grandfathered, grandfathered + fresh);
  for (const w of old) await f.register(w, stake);
  const a = await deployAttestor(f);
  for (const w of late) await f.register(w, stake);
  return { f, a, old, late };
}

/** Posts `n` tasks and returns their assignees once the seeds are readable. */
async function assignees(f: MarketFixture, n: number) {
  const ids: bigint[] = [];
  for (let i = 0; i < n; i++) ids.push(await f.post(f.requester, { fee: PAR }));
  await f.networkHelpers.mine(2);
  return Promise.all(ids.map((id) => f.market.read.assigneeOf([id, f.book.get(id)!])));
}

/** Requests, is issued and answers a benchmark with `result` (default: the right answer), then it is judged. */
async function benchmark(f: MarketFixture, a: AttestorFixture, keeper: Wallet, result: Hex = ANSWER) {
  await a.request(keeper);
  const { id } = await a.issue(keeper, ANSWER, SALT);
  await a.answer(keeper, id, result);
  return { id, judged: a.judge(id, ANSWER, SALT) };
}

/** The service posts an ordinary 1 PAR task from the requester's wallet and, a block later, commits its canary; claimed. */
async function canaryTask(f: MarketFixture, a: AttestorFixture, commit = true) {
  const id = await f.post(f.requester, { fee: PAR });
  if (commit) await a.commitCanary(id, ANSWER, SALT);
  const keeper = await f.claimAsAssignee(id);
  return { id, keeper };
}

const events = async (f: MarketFixture, hash: Hex, abi: MarketFixture["court"]["abi"] | AttestorFixture["attestor"]["abi"]) =>
  parseEventLogs({ abi, logs: (await f.publicClient.waitForTransactionReceipt({ hash })).logs });

describe("Attestation: benchmarks and canaries", () => {
  it("a keeper registered after the attestor is set is inactive and never drawn until it passes a timely benchmark; then it is attested, active and claims", async () => {
    const { f, a, old: [veteran], late: [newcomer] } = await setup(1, 1);
    const k = addr(newcomer);
    assert.equal(await f.keepers.read.isRegistered([k]), true);
    assert.equal(await f.keepers.read.isAttested([k]), false);
    assert.equal(await f.keepers.read.isActive([k]), false);
    for (const who of await assignees(f, 6)) assert.equal(who, addr(veteran), "only the attested keeper is drawn");

    await f.viem.assertions.emitWithArgs(a.request(newcomer, 1, 60), a.attestor, "BenchmarkRequested", [k, 1, 60]);
    const { id, judged } = await benchmark(f, a, newcomer);
    await f.viem.assertions.emitWithArgs(judged, f.keepers, "KeeperAttested", [k]);
    assert.equal(await f.keepers.read.isAttested([k]), true);
    assert.equal(await f.keepers.read.isActive([k]), true);
    await f.viem.assertions.revertWithCustomErrorWithArgs(a.judge(id, ANSWER, SALT), a.attestor, "UnknownBenchmark", [id]);

    await f.keepers.write.setAvailable([false], { account: veteran.account }); // the newcomer is the only one left
    const task = await f.post(f.requester, { fee: PAR });
    const claimer = await f.claimAsAssignee(task);
    assert.equal(addr(claimer), k);
    assert.equal(f.book.get(task)!.keeper, k);
  });

  it("a wrong answer, or a right one after the declared time, leaves the keeper unattested, and it may request again", async () => {
    const { f, a, late: [keeper] } = await setup(1, 1);
    const k = addr(keeper);
    const wrong = await benchmark(f, a, keeper, keccak256(LIE));
    await f.viem.assertions.emitWithArgs(wrong.judged, a.attestor, "BenchmarkJudged", [wrong.id, k, ANSWER, false]);
    assert.equal(await f.keepers.read.isAttested([k]), false);

    await a.request(keeper, 1, 30);
    const { id, deadline } = await a.issue(keeper, ANSWER, SALT);
    await f.networkHelpers.time.increaseTo(deadline + 1n);
    await f.viem.assertions.revertWithCustomErrorWithArgs(a.answer(keeper, id, ANSWER), a.attestor, "BenchmarkClosed", [id, deadline]);
    await f.viem.assertions.emitWithArgs(a.judge(id, ANSWER, SALT), a.attestor, "BenchmarkJudged", [id, k, ANSWER, false]);
    assert.equal(await f.keepers.read.isAttested([k]), false);
    assert.equal(await f.keepers.read.isActive([k]), false);

    await f.viem.assertions.emitWithArgs(a.request(keeper, 2, 45), a.attestor, "BenchmarkRequested", [k, 2, 45]);
    const retry = await a.issue(keeper, ANSWER, SALT);
    await a.answer(keeper, retry.id, ANSWER);
    await a.judge(retry.id, ANSWER, SALT);
    assert.equal(await f.keepers.read.isActive([k]), true, "the retry passes");
  });

  it("reverts: benchmark requests, issues, answers and judgements out of turn; attest and setAttestor by the wrong caller", async () => {
    const { f, a, old: [veteran], late: [keeper, other] } = await setup(1, 2);
    const { attestor } = a;
    const err = (p: Promise<unknown>, name: string, args: unknown[], c: { abi: unknown } = attestor) =>
      f.viem.assertions.revertWithCustomErrorWithArgs(p, c as typeof attestor, name as never, args);
    const [k, o, s] = [addr(keeper), addr(other), addr(f.stranger)];
    await err(a.request(f.stranger), "NotRegistered", [s]);
    await err(a.request(keeper, 3), "ModelNotServed", [k, 3]);
    await err(a.request(keeper, 1, 0), "InvalidDeclaredTime", [0n, 3600n]);
    await err(a.request(keeper, 1, 3601), "InvalidDeclaredTime", [3601n, 3600n]);
    await err(a.request(veteran), "AlreadyAttested", [addr(veteran)]);
    await err(a.issue(keeper, ANSWER, SALT), "NoRequest", [k]);

    await a.request(keeper);
    const commitment = "0x" + "11".repeat(32) as Hex;
    await err(attestor.write.issueBenchmark([k, "0x", commitment], { account: f.stranger.account }), "AccessControlUnauthorizedAccount", [s, CANARY_ROLE]);
    const { id } = await a.issue(keeper, ANSWER, SALT);
    await err(a.answer(other, id, ANSWER), "NotYourBenchmark", [id, k]);
    await err(a.judge(id, ANSWER, SALT, f.stranger), "AccessControlUnauthorizedAccount", [s, CANARY_ROLE]);
    await a.answer(keeper, id, ANSWER);
    await err(a.answer(keeper, id, ANSWER), "AlreadyAnswered", [id]);
    await f.viem.assertions.revertWithCustomError(a.judge(id, ANSWER, keccak256("0x01")), attestor, "BadAnswerReveal");
    await f.viem.assertions.revertWithCustomError(a.judge(id, keccak256(LIE), SALT), attestor, "BadAnswerReveal");

    await a.request(other);
    const pending = await a.issue(other, ANSWER, SALT);
    await err(a.judge(pending.id, ANSWER, SALT), "BenchmarkPending", [pending.id, pending.deadline]);
    await err(a.answer(other, 99n, ANSWER), "UnknownBenchmark", [99n]);

    await err(f.keepers.write.attest([o]), "NotAttestor", [addr(f.admin)], f.keepers);
    await err(f.keepers.write.attest([o], { account: a.service.account }), "NotAttestor", [addr(a.service)], f.keepers);
    await err(f.keepers.write.setAttestor([s]), "AttestorAlreadySet", [attestor.address], f.keepers);
    assert.equal(await f.keepers.read.isAttested([o]), false);
  });

  it("canary: a lie is convicted without a jury: max(bond, slashBps of stake + unbonding) burned, the requester refunded in full, the task closed", async () => {
    const { f, a } = await setup(3, 0, 300n * PAR);
    const { id, keeper } = await canaryTask(f, a);
    const k = addr(keeper);
    await f.keepers.write.requestUnbond([100n * PAR], { account: keeper.account }); // unbonding stake still answers for the lie
    await f.submit(id, LIE);
    const [stake, unbonding, bond] = [await f.keepers.read.stakeOf([k]), await f.keepers.read.unbondingOf([k]), f.book.get(id)!.bond];
    const bySlashBps = ((stake + unbonding) * (await f.court.read.slashBps())) / 10_000n;
    const expected = bySlashBps > bond ? bySlashBps : bond;
    assert.equal(expected, 30n * PAR, "10% of 200 staked + 100 unbonding, above the 10 PAR bond");
    const [requesterBefore, burnBefore] = [await f.balance(addr(f.requester)), await f.balance(BURN)];

    await f.viem.assertions.revertWithCustomErrorWithArgs(a.convict(id, ANSWER, SALT, f.stranger), a.attestor, "NotRequester", [id, addr(f.requester)]);
    const hash = await a.convict(id, ANSWER, SALT); // the canary's requester, holding the salt
    const court = (await events(f, hash, f.court.abi)).filter((l) => l.eventName === "LieConvicted");
    const canary = (await events(f, hash, a.attestor.abi)).filter((l) => l.eventName === "CanaryConvicted");
    assert.deepEqual(court.map((l) => l.args), [{ id, keeper: k, slashed: expected }]);
    assert.deepEqual(canary.map((l) => l.args), [{ taskId: id, keeper: k, answerHash: ANSWER }]);

    assert.equal((await f.keepers.read.stakeOf([k])) + (await f.keepers.read.unbondingOf([k])), stake + unbonding - expected);
    assert.equal(await f.keepers.read.lockedBondOf([k]), 0n, "the bond went first");
    assert.equal((await f.balance(BURN)) - burnBefore, expected);
    assert.equal((await f.balance(addr(f.requester))) - requesterBefore, PAR, "the whole fee back");
    assert.equal(await f.market.read.statusOf([id]), 0);
    const d = await f.court.read.disputeOf([id]);
    assert.equal(d.phase, 0, "no dispute opened");
    assert.equal(d.jurors.length, 0, "no jury");
    assert.equal(await f.balance(f.court.address), 0n);
  });

  it("canary: no conviction for an honest answer (NoLie, it finalizes), a canary committed after the result (CanaryTooLate), an unknown key, a challenged task (WrongPhase), or a direct court call (NotAttestor)", async () => {
    const { f, a } = await setup(4, 0);
    const honest = await canaryTask(f, a);
    await f.submit(honest.id, TRUTH);
    await f.viem.assertions.revertWithCustomErrorWithArgs(a.convict(honest.id, ANSWER, SALT), a.attestor, "NoLie", [honest.id]);
    await f.viem.assertions.revertWithCustomErrorWithArgs(a.convict(honest.id, ANSWER, keccak256("0x01")), a.attestor, "UnknownCanary", [honest.id]);

    const late = await canaryTask(f, a, false);
    await f.submit(late.id, LIE);
    await a.commitCanary(late.id, ANSWER, SALT);
    const committedAt = await a.attestor.read.canaryCommittedAt([canaryKey(late.id, ANSWER, SALT)]);
    await f.viem.assertions.revertWithCustomErrorWithArgs(a.convict(late.id, ANSWER, SALT), a.attestor, "CanaryTooLate", [
      late.id, committedAt, BigInt(f.book.get(late.id)!.since),
    ]);

    const challenged = await canaryTask(f, a);
    await f.submit(challenged.id, LIE);
    const challenger = f.keeperWallets.slice(0, 4).find((w) => w !== challenged.keeper)!;
    await f.challenge(challenged.id, TRUTH, challenger);
    const phase = (await f.court.read.disputeOf([challenged.id])).phase;
    assert.equal(phase, 1, "Drawing");
    await f.viem.assertions.revertWithCustomErrorWithArgs(a.convict(challenged.id, ANSWER, SALT), f.court, "WrongPhase", [challenged.id, phase]);

    const direct = f.court.write.convict([late.id, f.book.get(late.id)!], { account: f.stranger.account });
    await f.viem.assertions.revertWithCustomErrorWithArgs(direct, f.court, "NotAttestor", [addr(f.stranger)]);

    const k = addr(honest.keeper);
    const stake = await f.keepers.read.stakeOf([k]);
    await f.networkHelpers.time.increase(Number(await f.market.read.challengeWindow()) + 1);
    const receipt = await f.finalize([honest.id]);
    const finalized = parseEventLogs({ abi: f.market.abi, logs: receipt.logs, eventName: "TaskFinalized" });
    assert.deepEqual(finalized.map((l) => [l.args.id, l.args.keeper, l.args.resultHash]), [[honest.id, k, ANSWER]]);
    assert.equal(await f.market.read.statusOf([honest.id]), 0);
    assert.equal(await f.keepers.read.stakeOf([k]), stake, "the honest keeper is not slashed");
  });

  it("a keeper registered before the attestor was set stays attested and active (grandfathered), and is still drawn", async () => {
    const { f, a, old: [veteran], late: [newcomer] } = await setup(1, 1);
    assert.equal(await f.keepers.read.attestor(), getAddress(a.attestor.address));
    assert.equal(await f.keepers.read.isAttested([addr(veteran)]), true);
    assert.equal(await f.keepers.read.isActive([addr(veteran)]), true);
    assert.equal(await f.keepers.read.isAttested([addr(newcomer)]), false);
    const id = await f.post(f.requester, { fee: PAR });
    assert.equal(addr(await f.claimAsAssignee(id)), addr(veteran));
  });
});
