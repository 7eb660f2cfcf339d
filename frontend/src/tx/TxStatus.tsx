/** The state of the last action: what it is doing, its transaction hash, or why it failed. */
import type { TxState } from "./useTx";

const TEXT = { signing: "waiting for your wallet", pending: "pending", confirmed: "confirmed", failed: "failed" } as const;

export function TxStatus({ state }: { state: TxState }) {
  if (state.status === "idle") return null;
  return (
    <div className={`tx tx-${state.status}`} data-testid="tx-status" data-status={state.status} role="status">
      <strong>{state.label}</strong>: {TEXT[state.status]}
      {"step" in state && state.step ? <span> ({state.step})</span> : null}
      {state.hash ? <div className="mono small">tx <span data-testid="tx-hash">{state.hash}</span></div> : null}
      {state.status === "failed" ? <div data-testid="tx-error">{state.message}</div> : null}
      {state.status === "confirmed" && state.note ? <div data-testid="tx-note">{state.note}</div> : null}
    </div>
  );
}
