/** Post a task: pick a model, give its input (JSON or a bundle file), see the fee quote, pay, watch. */
import { useEffect, useState } from "react";
import { formatPar } from "@paradigm/keepers/amounts";
import { useContracts } from "../chain/contracts";
import { useRead } from "../chain/useRead";
import { useIndexed } from "../indexer/useIndexed";
import { tasksOf } from "../indexer/queries";
import { checkBundle, encodeJsonInput, exampleInput, type EncodedInput } from "../market/input";
import { describeSpec, readModels, type ModelInfo } from "../market/models";
import { takesAudio, wavToInput } from "../market/wav";
import { postTask, type PayBy } from "../market/post";
import { go } from "../router";
import { TxStatus } from "../tx/TxStatus";
import { useTx } from "../tx/useTx";
import { Field, Note, Section } from "../ui/Field";
import { par } from "../ui/format";
import { useAmount } from "../ui/useAmount";
import { useReady } from "../wallet/useReady";

export default function MarketPage() {
  const k = useContracts();
  const models = useRead(["models"], (c) => readModels(c, k.models.address), { refetchMs: 15000 });
  const approved = (models.data ?? []).filter((m) => m.status === "Approved");
  const [modelId, setModelId] = useState<number>();
  const model = approved.find((m) => m.id === modelId) ?? approved[0];
  return (
    <div className="page" data-testid="page-market">
      <Section title="Post a task">
        {models.isError && <Note kind="error">Cannot read the model registry: the chain's RPC does not answer.</Note>}
        <Field label="Model">
          <select value={model?.id ?? ""} onChange={(e) => setModelId(Number(e.target.value))} data-testid="model-select">
            {approved.map((m) => <option key={m.id} value={m.id}>#{m.id} {m.uri.split("/").pop()} ({m.computeUnits} CU)</option>)}
          </select>
        </Field>
        {model && <PostForm key={model.id} model={model} />}
      </Section>
      <MyTasks />
    </div>
  );
}

function PostForm({ model }: { model: ModelInfo }) {
  const k = useContracts();
  const { ready, reason } = useReady();
  const [text, setText] = useState(() => exampleInput(model));
  const [file, setFile] = useState<EncodedInput>();
  const [payBy, setPayBy] = useState<PayBy>("permit");
  const quote = useRead(["quote", model.id], (c) => c.readContract({ ...k.market, functionName: "quote", args: [model.id] }));
  const fee = useAmount("", "fee");
  const tx = useTx();
  let input: EncodedInput | undefined;
  let inputError: string | undefined;
  try {
    input = file ?? encodeJsonInput(model, text);
  } catch (e) {
    inputError = (e as Error).message;
  }
  const minFee = quote.data ? quote.data[0] * BigInt(input?.items ?? 1) : undefined;
  useEffect(() => {
    if (minFee !== undefined && fee.text === "") fee.setText(formatPar(minFee));
  }, [minFee]); // eslint-disable-line react-hooks/exhaustive-deps
  const feeUnits = fee.text.trim() === "0" ? 0n : fee.units;
  const ok = ready && input && feeUnits !== undefined;
  return (
    <div data-testid="post-form">
      <div className="spec" data-testid="model-spec">
        <div>Inputs: {model.inputs.map(describeSpec).join("; ")}</div>
        <div>Outputs: {model.outputs.map(describeSpec).join("; ")} ({model.outputDecimals} decimals)</div>
        <div>Max input {model.maxInputBytes} bytes · {model.computeUnits} CU per input</div>
      </div>
      <Field label="Input (JSON: one input, or an array of inputs for a lot)">
        <textarea rows={4} value={text} onChange={(e) => { setFile(undefined); setText(e.target.value); }} data-testid="input-json" />
      </Field>
      <Field label={takesAudio(model) ? "…or a WAV recording (cut into 16 kHz frames), a tensor bundle or a JSON file" : "…or a tensor bundle / JSON file"}>
        <input type="file" data-testid="input-file" onChange={async (e) => {
          const f = e.target.files?.[0];
          if (!f) return;
          const bytes = new Uint8Array(await f.arrayBuffer());
          if (f.name.endsWith(".json")) { setFile(undefined); setText(new TextDecoder().decode(bytes)); return; }
          try { setFile(f.name.toLowerCase().endsWith(".wav") ? wavToInput(model, bytes) : checkBundle(model, bytes)); } catch (err) { setFile(undefined); setText(`// ${(err as Error).message}`); }
        }} />
      </Field>
      {inputError && <p className="error" data-testid="input-error">{inputError}</p>}
      {input && <p className="small" data-testid="input-size">{input.items > 1 ? `a lot of ${input.items} inputs, ` : ""}{input.bytes.length} bytes</p>}
      <p data-testid="quote">Fee quote: {minFee === undefined ? "…" : minFee === 0n ? "0 PAR (zero-fee genesis tasks allowed)" : `at least ${par(minFee)}`}</p>
      <Field label="Fee (PAR)"><input value={fee.text} onChange={(e) => fee.setText(e.target.value)} data-testid="fee" /></Field>
      {fee.error && fee.text.trim() !== "0" && <p className="error">{fee.error}</p>}
      <Field label="Pay by">
        <select value={payBy} onChange={(e) => setPayBy(e.target.value as PayBy)} data-testid="pay-by">
          <option value="permit">permit (one signature, one transaction)</option>
          <option value="approve">approve, then post</option>
        </select>
      </Field>
      <p className="small">The deposit pays first when it covers the fee.</p>
      {!ready && <p className="small">{reason}</p>}
      <button disabled={!ok} data-testid="post-submit" onClick={() => tx.run("Post task", async (t) => {
        const id = await postTask(t, { token: k.token.address, market: k.market.address }, model.id, input!, feeUnits!, payBy);
        go(`task/${id}`);
        return `task ${id} posted`;
      })}>Post task</button>
      <TxStatus state={tx.state} />
    </div>
  );
}

function MyTasks() {
  const { address } = useReady();
  const tasks = useIndexed(["tasks", address], (u) => tasksOf(u, address!), { enabled: !!address });
  if (!address) return null;
  return (
    <Section title="Your tasks" testId="my-tasks">
      {tasks.down && <Note kind="warn">Your task list comes from the indexer, which is unreachable; open a task by its id: #/task/&lt;id&gt;.</Note>}
      <ul>{(tasks.data ?? []).map((t) => <li key={t.id} data-testid="my-task"><a href={`#/task/${t.id}`}>task {t.id}</a>: model {t.modelId}, {par(t.fee)}, {t.status}</li>)}</ul>
    </Section>
  );
}
