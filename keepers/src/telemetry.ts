/** Keeper logs (human lines or --json) and a Prometheus /metrics endpoint. */
import { createServer, type Server } from "node:http";

export type Logger = (event: string, fields?: Record<string, unknown>) => void;

/** An error as one log field: viem's short message and first details, on one line, at most 300 characters. */
export const errMsg = (e: unknown) => {
  const err = e as { shortMessage?: string; message?: string; metaMessages?: string[] };
  return [err.shortMessage ?? err.message ?? String(e), ...(err.metaMessages ?? []).slice(0, 2)].join(" ").replace(/\s+/g, " ").slice(0, 300);
};

const fmt = (v: unknown) => (typeof v === "bigint" ? v.toString() : typeof v === "string" && /\s/.test(v) ? JSON.stringify(v) : String(v));

export function createLogger(opts: { json?: boolean; quiet?: boolean; write?: (line: string) => void } = {}): Logger {
  const write = opts.write ?? ((l: string) => process.stderr.write(l + "\n"));
  return (event, fields = {}) => {
    if (opts.quiet) return;
    if (opts.json) write(JSON.stringify({ t: new Date().toISOString(), event, ...fields }, (_k, v) => (typeof v === "bigint" ? v.toString() : v)));
    else write(`${new Date().toISOString().slice(11, 19)} ${event}${Object.entries(fields).map(([k, v]) => ` ${k}=${fmt(v)}`).join("")}`);
  };
}

export type Metrics = {
  inc(name: string, by?: number): void;
  set(name: string, value: number): void;
  observe(name: string, value: number): void;
  snapshot(): Record<string, number>;
  render(): string;
};

const HELP: Record<string, string> = {
  par_tasks_claimed_total: "tasks this keeper claimed",
  par_tasks_submitted_total: "results this keeper submitted",
  par_tasks_finalized_total: "tasks this keeper finalized (any submitter)",
  par_tasks_declined_total: "tasks declined (bad input, unknown model, insufficient stake, invalid output)",
  par_challenges_total: "results this keeper challenged as a watchtower",
  par_checks_total: "others' results this keeper re-ran as a watchtower",
  par_votes_committed_total: "jury votes committed",
  par_votes_revealed_total: "jury votes revealed",
  par_rpc_errors_total: "failed RPC calls and reverted transactions",
  par_inference_ms: "inference time per task, ms (summary)",
  par_last_block: "last block synced",
  par_tasks_open: "tasks not yet closed that the keeper tracks (closed ones are forgotten)",
};

export function createMetrics(): Metrics {
  const counters = new Map<string, number>();
  const gauges = new Map<string, number>();
  const sums = new Map<string, { sum: number; count: number }>();
  return {
    inc: (n, by = 1) => counters.set(n, (counters.get(n) ?? 0) + by),
    set: (n, v) => gauges.set(n, v),
    observe: (n, v) => {
      const s = sums.get(n) ?? { sum: 0, count: 0 };
      s.sum += v;
      s.count++;
      sums.set(n, s);
    },
    snapshot: () => Object.fromEntries([...counters, ...gauges]),
    render() {
      const lines: string[] = [];
      const head = (n: string, type: string) => HELP[n] && lines.push(`# HELP ${n} ${HELP[n]}`, `# TYPE ${n} ${type}`);
      for (const [n, v] of counters) head(n, "counter"), lines.push(`${n} ${v}`);
      for (const [n, v] of gauges) head(n, "gauge"), lines.push(`${n} ${v}`);
      for (const [n, s] of sums) head(n, "summary"), lines.push(`${n}_sum ${s.sum}`, `${n}_count ${s.count}`);
      return lines.join("\n") + "\n";
    },
  };
}

/** Serves `GET /metrics` (Prometheus text format) on 127.0.0.1:`port`. */
export function serveMetrics(metrics: Metrics, port: number, host = "127.0.0.1"): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url === "/metrics") {
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4" });
      res.end(metrics.render());
    } else {
      res.writeHead(404);
      res.end("see /metrics\n");
    }
  });
  return new Promise((resolve) => server.listen(port, host, () => resolve(server)));
}
