/**
 * Issue 18: an adversarial network on a real chain (docs/design.md §12, §13). A dozen keepers serve
 * the MLP model on a live EDR chain at the safe windows, with real inference: honest keepers,
 * liars, a lazy copier, a griefing challenger, colluding jurors below a majority, a keeper that
 * never runs and one that claims and never submits (test/helpers/soak-network.ts). Requesters
 * post 300 paid tasks and 20 lots over two minutes. Once every task has settled, the
 * chain's events and views are judged against the truth, computed here with the SDK's inference.
 */
import assert from "node:assert/strict";
import { createLogger } from "../keepers/src/telemetry.js";
import { named } from "./helpers/soak-events.js";
import { earnings, soakRows, summary } from "./helpers/soak-figures.js";
import { lies, wrongFinals } from "./helpers/soak-judge.js";
import { expectedSpend, penaltiesPaid, perTask, tasksHandled } from "./helpers/soak-ledger.js";
import { isHonest, type Role } from "./helpers/soak-network.js";
import { runSoak, type SoakRun } from "./helpers/soak-scenario.js";

describe("adversarial soak: liars, a copier, a griefer, colluding jurors and no-shows among honest keepers, on a live chain", function () {
  this.timeout(600_000);
  let run: SoakRun;
  const of = (role: Role) => run.parties.filter((p) => p.role === role).map((p) => p.address.toLowerCase());
  /** A list as a short line: its length and first items, or "none". */
  const few = (xs: unknown[]) => (xs.length === 0 ? "none" : `${xs.length}: ${xs.slice(0, 8).join(", ")}${xs.length > 8 ? ", …" : ""}`);
  const by = (name: string, field: string, who: string[]) => named(run.events.events, name).filter((e) => who.includes(e.args[field].toLowerCase()));

  before(async () => {
    run = await runSoak({ log: createLogger({ quiet: !process.env.PAR_TEST_LOG }) });
    for (const line of [...soakRows(run).map((r) => JSON.stringify(r)), ...summary(run)]) console.log(`      ${line}`);
  });

  it("every adversary acted: liars and the copier submitted lies, the griefer challenged, colluders voted, the squatter's claims lapsed", () => {
    const liars = new Set(lies(run.events.events, run.truth).map((l) => l.submitter));
    for (const a of [...of("liar"), ...of("copier")]) assert.ok(liars.has(a), `${a} submitted no lie`);
    assert.ok(by("TaskChallenged", "challenger", of("griefer")).length > 0, "the griefer challenged nothing");
    assert.ok(by("VoteRevealed", "juror", of("colluder")).length > 0, "no colluder revealed a vote");
    assert.ok(by("ClaimLapsed", "keeper", of("squatter")).length > 0, "no claim of the squatter lapsed");
    assert.ok(run.posted.some((p) => p.items > 1), "lots were posted");
  });

  it("catches every lie: each wrong result was challenged and its submitter slashed by the court", () => {
    const all = lies(run.events.events, run.truth);
    assert.ok(all.length > 0);
    assert.equal(few(all.filter((l) => !l.challenged).map((l) => l.id)), "none", "unchallenged lies");
    assert.equal(few(all.filter((l) => !l.slashed).map((l) => l.id)), "none", "lies whose submitter was not slashed");
  });

  it("finalizes no lie: every TaskFinalized carries the true result", () => {
    assert.ok(named(run.events.events, "TaskFinalized").length > 0);
    assert.equal(few(wrongFinals(run.events.events, run.truth)), "none");
  });

  it("no honest keeper or juror loses PAR: none is ever slashed or penalized, and each ends with at least what it had", () => {
    const honest = of("honest");
    assert.equal(few(by("Slashed", "keeper", honest).map((e) => `${e.args.keeper.slice(0, 8)} ${e.args.amount}`)), "none", "slashes of honest keepers");
    for (const a of honest) assert.ok(run.gained.get(a)! >= 0n, `${a} lost ${-run.gained.get(a)!}`);
  });

  it("each requester pays exactly the fees of its tasks that finalized, less the liveness penalties paid to it", () => {
    const expected = expectedSpend(run.events.events, run.posted);
    for (const r of run.requesters) assert.equal(-run.gained.get(r)!, expected.get(r) ?? 0n, `requester ${r}`);
  });

  it("the keeper that never runs and the one that never submits lose only their own liveness and juror penalties", () => {
    const paid = penaltiesPaid(run.events.events);
    for (const a of [...of("absent"), ...of("squatter")]) assert.equal(run.gained.get(a), -(paid.get(a) ?? 0n), a);
    assert.equal(by("ResultSubmitted", "keeper", [...of("absent"), ...of("squatter")]).length, 0);
  });

  it("honest keepers earn more per task handled than every adversary, and the adversaries lose", () => {
    const handled = tasksHandled(run.events.events);
    const honestLeast = Math.min(...of("honest").map((a) => perTask([a], run.gained, handled).perTask));
    for (const p of run.parties.filter((p) => !isHonest(p))) {
      const mine = perTask([p.address], run.gained, handled);
      if (mine.tasks === 0) continue;
      assert.ok(mine.perTask < honestLeast && mine.perTask <= 0, `${p.role} ${p.address}: ${mine.perTask} per task vs honest ≥ ${honestLeast}`);
    }
    const e = earnings(run);
    assert.ok(e.adversary.gain < 0n, `adversaries gained ${e.adversary.gain}`);
    assert.ok(e.ratio > 1, `honest over adversary ${e.ratio}`);
  });

  it("every task settles without the test's help, but for governance's arbitration of disputes two juries left undecided: statusOf is None for every task", () => {
    assert.equal(few([...run.rescued].map(([id, phase]) => `${id} ${phase}`)), "none", "tasks the test had to close itself");
    assert.equal(few(run.unclosed), "none");
  });
});
