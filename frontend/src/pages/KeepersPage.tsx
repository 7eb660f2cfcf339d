/** The keepers: leaderboard per epoch (indexer), or stakes from the chain when the indexer is down. */
import { useState } from "react";
import { keeperRegistryAbi } from "@paradigm/keepers/abi";
import type { Address } from "viem";
import { useContracts } from "../chain/contracts";
import { useRead } from "../chain/useRead";
import { useIndexed } from "../indexer/useIndexed";
import { keepersList, latestWorkEpoch, leaderboard } from "../indexer/queries";
import { Note, Section } from "../ui/Field";
import { bps, par, short } from "../ui/format";

export default function KeepersPage() {
  const k = useContracts();
  const current = useRead(["epoch"], (c) => (k.pool ? c.readContract({ ...k.pool, functionName: "currentEpoch" }) : Promise.resolve(0n)), { refetchMs: 10000 });
  const latest = useIndexed(["latest-work-epoch"], latestWorkEpoch, { refetchMs: 10000 });
  const [chosen, setChosen] = useState<string>("");
  const epoch = chosen !== "" ? BigInt(chosen) : (latest.data ?? current.data);
  const board = useIndexed(["leaderboard", epoch?.toString()], (u) => leaderboard(u, epoch!), { enabled: epoch !== undefined });
  const list = useIndexed(["keepers"], keepersList);
  const chainList = useRead(["keepers-chain"], async (c) => {
    const n = Number(await c.readContract({ ...k.keepers, functionName: "keeperCount" }));
    const addrs = await Promise.all(Array.from({ length: n }, (_, i) => c.readContract({ ...k.keepers, functionName: "keeperAt", args: [BigInt(i)] })));
    return Promise.all(addrs.map((a: Address) => c.readContract({ address: k.keepers.address, abi: keeperRegistryAbi, functionName: "keeperOf", args: [a] })));
  }, { enabled: list.down, refetchMs: 10000 });
  return (
    <div className="page" data-testid="page-keepers">
      <Section title={`Leaderboard, epoch ${epoch ?? "…"}${current.data !== undefined && epoch === current.data ? " (current)" : ""}`} testId="leaderboard">
        <label className="small">Epoch <input type="number" min={0} value={chosen || (epoch?.toString() ?? "")} onChange={(e) => setChosen(e.target.value)} style={{ width: "6em" }} /></label>
        {board.down ? <Note kind="warn">The leaderboard comes from the indexer, which is unreachable.</Note> : (
          <table>
            <thead><tr><th>#</th><th>Keeper</th><th>Tasks</th><th>Inputs</th><th>CU</th><th>Fees</th><th title="work units credited for emission">Work credited</th><th title="claims answered in time, of all claims">Uptime</th><th>Disputes won/lost</th></tr></thead>
            <tbody>{(board.data ?? []).map((r, i) => (
              <tr key={r.keeper} data-testid="leaderboard-row"><td>{i + 1}</td><td><a className="mono" href={`#/keeper/${r.keeper}`}>{short(r.keeper)}</a></td><td>{r.tasks}</td><td>{r.inputs}</td><td>{r.computeUnits}</td><td>{par(r.fees)}</td><td>{r.credit}</td><td>{uptime(r.tasks, r.lapsed)}</td><td>{r.disputesWon}/{r.disputesLost}</td></tr>
            ))}</tbody>
          </table>
        )}
        {board.data?.length === 0 && <p className="small">No finalized work in this epoch yet.</p>}
      </Section>
      <Section title="All keepers" testId="keeper-list">
        <table>
          <thead><tr><th>Keeper</th><th>Pool stake</th><th>Commission</th><th>Delegators</th><th>Tasks done</th></tr></thead>
          <tbody>
            {!list.down && (list.data ?? []).map((r) => (
              <tr key={r.id} data-testid="keeper-row"><td><a className="mono" href={`#/keeper/${r.id}`}>{short(r.id)}</a></td><td>{par(r.stake)}</td><td>{bps(r.commissionBps)}</td><td>{r.delegators}</td><td>{r.tasksDone}</td></tr>
            ))}
            {list.down && (chainList.data ?? []).map((v) => (
              <tr key={v.keeper} data-testid="keeper-row"><td><a className="mono" href={`#/keeper/${v.keeper}`}>{short(v.keeper)}</a></td><td>{par(v.stake)}</td><td>{bps(v.commissionBps)}</td><td>–</td><td>–</td></tr>
            ))}
          </tbody>
        </table>
      </Section>
    </div>
  );
}

/** Claims answered in time, of all the keeper's claims in the epoch (finalized vs lapsed). */
function uptime(done: number, lapsed: number): string {
  return done + lapsed === 0 ? "–" : `${((100 * done) / (done + lapsed)).toFixed(1)} %`;
}
