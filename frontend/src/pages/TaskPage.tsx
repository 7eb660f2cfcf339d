/** One task, live: posted → claimed → submitted → challenge window → finalized, and its output. */
import { useConfig } from "../config/context";
import { useContracts } from "../chain/contracts";
import { useRead } from "../chain/useRead";
import { readModel } from "../market/models";
import { decodeOutput, showValues } from "../market/output";
import { readTimeline, type Timeline } from "../market/timeline";
import { TxStatus } from "../tx/TxStatus";
import { useTx } from "../tx/useTx";
import { Note, Section } from "../ui/Field";
import { par, relative, short } from "../ui/format";
import { useReady } from "../wallet/useReady";
import { ChallengeForm } from "./ChallengeForm";

const STEPS = ["Posted", "Claimed", "Submitted", "Challenge window", "Finalized"] as const;

function stepOf(t: Timeline, windowEnd: number | undefined, now: number): number {
  if (t.phase === "Finalized") return 4;
  if (t.phase === "Submitted" || t.phase === "Challenged") return windowEnd !== undefined && now < windowEnd ? 3 : 3;
  if (t.phase === "Claimed") return 1;
  return 0;
}

export default function TaskPage({ param }: { param?: string }) {
  const cfg = useConfig();
  const k = useContracts();
  const id = param && /^\d+$/.test(param) ? BigInt(param) : undefined;
  const timeline = useRead(["task", param], (c) => readTimeline(c, k.market.address, id!, BigInt(cfg.deployBlock ?? 0)), { enabled: id !== undefined, refetchMs: 1000 });
  const window = useRead(["challengeWindow"], (c) => c.readContract({ ...k.market, functionName: "challengeWindow" }), { refetchMs: 30000 });
  const now = useRead(["now"], async (c) => Number((await c.getBlock()).timestamp), { refetchMs: 1000 });
  const t = timeline.data;
  const model = useRead(["model", t?.task.modelId], (c) => readModel(c, k.models.address, t!.task.modelId), { enabled: !!t, refetchMs: 60000 });
  if (id === undefined) return <Note kind="error">No task id: open #/task/&lt;id&gt;.</Note>;
  if (timeline.isError) return <Note kind="error" testId="task-error">Cannot read task {param}: the chain's RPC does not answer.</Note>;
  if (timeline.isLoading) return <p>Reading task {param}…</p>;
  if (!t) return <Note kind="warn" testId="task-unknown">Task {param} was not posted on this chain.</Note>;
  const windowEnd = t.submittedAt !== undefined && window.data !== undefined ? t.submittedAt + Number(window.data) : undefined;
  const step = stepOf(t, windowEnd, now.data ?? 0);
  let outputs: ReturnType<typeof decodeOutput> | undefined;
  let outputError: string | undefined;
  if (t.output && t.output !== "0x" && model.data) {
    try { outputs = decodeOutput(model.data, t.output, t.items); } catch (e) { outputError = (e as Error).message; }
  }
  return (
    <div className="page" data-testid="page-task">
      <Section title={`Task ${id}`}>
        <p>Model #{t.task.modelId}{t.items > 1 ? `, a lot of ${t.items} inputs` : ""} · fee {par(t.task.fee)} · requester <span className="mono">{short(t.task.requester)}</span></p>
        <ol className="steps">
          {STEPS.map((s, i) => <li key={s} className={i < step ? "done" : i === step ? "current" : ""}>{s}</li>)}
        </ol>
        <p data-testid="task-phase" data-phase={t.phase}>Status: <strong>{t.phase}</strong>
          {t.task.keeper !== "0x0000000000000000000000000000000000000000" && <> · keeper <span className="mono">{short(t.task.keeper)}</span></>}
          {windowEnd !== undefined && t.phase === "Submitted" && now.data !== undefined && <> · challenge window {now.data < windowEnd ? `closes ${relative(windowEnd, now.data)}` : "closed; finalize pending"}</>}
          {t.phase !== "Finalized" && t.phase !== "Expired" && t.phase !== "Refunded" && now.data !== undefined && <> · deadline {relative(t.task.deadline, now.data)}</>}
        </p>
        {t.refund !== undefined && <p>Refunded {par(t.refund)} to the requester.</p>}
        {t.keeperAmount !== undefined && <p>The keeper's pool was paid {par(t.keeperAmount)}.</p>}
      </Section>
      {outputs && (
        <Section title={t.phase === "Finalized" ? "Output (final)" : "Output (submitted, may still be challenged)"} testId="task-output">
          {outputs.map((item, i) => (
            <div key={i}>
              {outputs!.length > 1 && <h3>Input {i}</h3>}
              <table><tbody>{item.map((o) => <tr key={o.name}><th>{o.name}</th><td>{o.dtype} [{o.dims.join(", ")}]</td><td className="mono" data-testid={`output-${o.name}`}>{showValues(o)}</td></tr>)}</tbody></table>
            </div>
          ))}
        </Section>
      )}
      {outputError && <Note kind="error">The output does not decode: {outputError}</Note>}
      {t.phase === "Submitted" && windowEnd !== undefined && now.data !== undefined && (now.data > windowEnd ? <Finalize t={t} /> : <ChallengeForm t={t} />)}
    </div>
  );
}

function Finalize({ t }: { t: Timeline }) {
  const k = useContracts();
  const { ready } = useReady();
  const tx = useTx();
  return (
    <Section title="Finalize">
      <p className="small">The challenge window passed; the keeper normally finalizes. Anyone may.</p>
      <button disabled={!ready} data-testid="finalize" onClick={() => tx.run(`Finalize task ${t.id}`, async (s) => {
        await s.send({ ...k.market, functionName: "finalize", args: [[t.id], [t.task], t.task.callback === "0x0000000000000000000000000000000000000000" ? [] : [t.output!]] });
      })}>Finalize</button>
      <TxStatus state={tx.state} />
    </Section>
  );
}
