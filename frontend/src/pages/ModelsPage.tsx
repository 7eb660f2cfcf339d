/** The model registry: status, compute units, signature; usage and fees from the indexer. */
import { useContracts } from "../chain/contracts";
import { useRead } from "../chain/useRead";
import { useIndexed } from "../indexer/useIndexed";
import { modelsUsage } from "../indexer/queries";
import { describeSpec, readModels } from "../market/models";
import { Note, Section } from "../ui/Field";
import { par } from "../ui/format";

export default function ModelsPage() {
  const k = useContracts();
  const models = useRead(["models"], (c) => readModels(c, k.models.address), { refetchMs: 15000 });
  const usage = useIndexed(["models-usage"], modelsUsage, { refetchMs: 10000 });
  const byId = new Map((usage.data ?? []).map((u) => [u.id, u]));
  return (
    <div className="page" data-testid="page-models">
      <Section title="Models">
        {usage.down && <Note kind="warn">Usage and fees come from the indexer, which is unreachable.</Note>}
        {models.isError && <Note kind="error">Cannot read the model registry: the chain's RPC does not answer.</Note>}
        <table>
          <thead><tr><th>#</th><th>Model</th><th>Status</th><th>CU</th><th>Signature</th><th>Tasks</th><th>Inputs</th><th>Fees</th></tr></thead>
          <tbody>{(models.data ?? []).map((m) => {
            const u = byId.get(m.id);
            return (
              <tr key={m.id} data-testid="model-row">
                <td>{m.id}</td><td title={m.modelHash}>{m.uri}</td><td>{m.status}</td><td>{m.computeUnits}</td>
                <td className="small">{m.inputs.map(describeSpec).join("; ")} → {m.outputs.map(describeSpec).join("; ")}</td>
                <td data-testid={`model-tasks-${m.id}`}>{u?.tasks ?? "–"}</td><td>{u?.inputs ?? "–"}</td><td>{u ? par(u.fees) : "–"}</td>
              </tr>
            );
          })}</tbody>
        </table>
      </Section>
    </div>
  );
}
