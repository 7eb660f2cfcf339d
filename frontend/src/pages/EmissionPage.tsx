/** Emission: year-one budget released vs schedule, policy proposed vs applied, your work and claim. */
import { lazy, Suspense } from "react";
import { useContracts } from "../chain/contracts";
import { useRead } from "../chain/useRead";
import { collect, LOOKBACK } from "../emission/collect";
import { useIndexed } from "../indexer/useIndexed";
import { claimsOf, emissionHistory } from "../indexer/queries";
import { TxStatus } from "../tx/TxStatus";
import { useTx } from "../tx/useTx";
import { Note, Section } from "../ui/Field";
import { duration, par, when } from "../ui/format";
import { useReady } from "../wallet/useReady";

const Charts = lazy(() => import("../emission/EmissionCharts"));

export default function EmissionPage() {
  const k = useContracts();
  const pool = k.pool;
  const info = useRead(["emission-info"], async (c) => {
    if (!pool) return undefined;
    const r = <F extends "currentEpoch" | "epochLength" | "genesis" | "epochsPerYear" | "YEAR_ONE_BUDGET" | "remainingBudget" | "nextEpochToClose">(f: F) => c.readContract({ ...pool, functionName: f } as never) as Promise<bigint>;
    const [current, length, genesis, perYear, budget, remaining, nextToClose] = await Promise.all([r("currentEpoch"), r("epochLength"), r("genesis"), r("epochsPerYear"), r("YEAR_ONE_BUDGET"), r("remainingBudget"), r("nextEpochToClose")]);
    return { current, length, genesis, perYear, budget, remaining, nextToClose };
  }, { refetchMs: 5000 });
  const history = useIndexed(["emission"], emissionHistory, { refetchMs: 10000 });
  if (!pool) return <Note kind="warn">This deployment has no EmissionPool in its address book.</Note>;
  const i = info.data;
  return (
    <div className="page" data-testid="page-emission">
      <Section title="Emission">
        {i ? (
          <p>Epoch <strong data-testid="current-epoch">{i.current.toString()}</strong> (each lasts {duration(i.length)}, {i.perYear.toString()} a year, from {when(i.genesis)}) ·
            year-one budget {par(i.budget)} · still to emit this year {par(i.remaining)} · <span data-testid="closed-through">{i.nextToClose === 0n ? "no epoch closed yet" : `epochs closed up to ${i.nextToClose - 1n}`}</span></p>
        ) : <p>…</p>}
      </Section>
      <Section title="Released vs schedule, policy proposed vs applied" testId="emission-charts">
        {history.down ? <Note kind="warn">The charts come from the indexer, which is unreachable.</Note> : history.data && !history.data.epochs.some((e) => e.closed) ? (
          <p data-testid="charts-empty">No epoch has closed yet: the charts start with the first close.</p>
        ) : i && history.data ? (
          <Suspense fallback={<p>Loading charts…</p>}>
            <Charts epochs={history.data.epochs} budget={i.budget} perYear={Number(i.perYear)} />
          </Suspense>
        ) : <p>…</p>}
      </Section>
      <MyWork current={i?.current} />
    </div>
  );
}

function MyWork({ current }: { current?: bigint }) {
  const k = useContracts();
  const pool = k.pool!;
  const { address, ready, reason } = useReady();
  const mine = useRead(["my-emission", address, current?.toString()], async (c) => {
    const epochs = Array.from({ length: LOOKBACK }, (_, i) => current! - BigInt(i)).filter((e) => e >= 0n);
    const rows = await Promise.all(epochs.map(async (e) => {
      const [units] = await c.readContract({ ...pool, functionName: "creditOf", args: [e, address!] });
      const claimable = e < current! ? await c.readContract({ ...pool, functionName: "claimable", args: [address!, e] }) : 0n;
      return { epoch: e, units, claimable };
    }));
    const [, , epoch, credit] = await c.readContract({ ...k.market, functionName: "accountOf", args: [address!] });
    return { rows: rows.filter((r) => r.units > 0n || r.claimable > 0n), unflushed: { epoch, credit } };
  }, { enabled: !!address && current !== undefined, refetchMs: 4000 });
  const claims = useIndexed(["claims", address], (u) => claimsOf(u, address!), { enabled: !!address });
  const tx = useTx();
  if (!address) return <Section title="Your work"><p>Connect a wallet to see your credited work.</p></Section>;
  const m = mine.data;
  const claimable = m?.rows.reduce((a, r) => a + r.claimable, 0n) ?? 0n;
  return (
    <Section title="Your work" testId="my-work">
      {m && m.unflushed.credit > 0n && <p>Not yet flushed from the market: {m.unflushed.credit.toString()} work units of epoch {m.unflushed.epoch.toString()}.</p>}
      <table><thead><tr><th>Epoch</th><th>Work units</th><th>Claimable</th></tr></thead>
        <tbody>{(m?.rows ?? []).map((r) => <tr key={r.epoch.toString()}><td>{r.epoch.toString()}</td><td>{r.units.toString()}</td><td>{par(r.claimable)}</td></tr>)}</tbody>
      </table>
      <p>Claimable now: <strong data-testid="claimable">{par(claimable)}</strong> (the close of an ended epoch may add more; claiming closes it first)</p>
      {!ready && <p className="small">{reason}</p>}
      <button disabled={!ready} data-testid="claim" onClick={() => tx.run("Claim emission", (t) => collect(t, pool.address, k.market.address))}>Claim</button>
      <TxStatus state={tx.state} />
      {(claims.data ?? []).length > 0 && <ul>{claims.data!.map((c) => <li key={c.id} data-testid="claim-row">{when(c.timestamp)}: {par(c.amount)} for epochs {c.fromEpoch}–{c.toEpoch}</li>)}</ul>}
    </Section>
  );
}
