/** The emission charts (recharts, loaded only on this page). */
import { CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis, ResponsiveContainer } from "recharts";
import type { EpochRow } from "../indexer/queries";

const PAR = 1e8;

export default function EmissionCharts({ epochs, budget, perYear }: { epochs: EpochRow[]; budget: bigint; perYear: number }) {
  let released = 0n;
  const yearOne = epochs.filter((e) => BigInt(e.id) < BigInt(perYear));
  const budgetData = yearOne.map((e) => {
    released += BigInt(e.amount ?? "0");
    const schedule = (budget * (BigInt(e.id) + 1n)) / BigInt(perYear || 1);
    return { epoch: Number(e.id), released: Number(released) / PAR, schedule: Number(schedule) / PAR };
  });
  const policy = epochs.map((e) => ({
    epoch: Number(e.id),
    proposed: e.proposedMultiplierBps == null ? null : e.proposedMultiplierBps / 100,
    applied: (e.appliedMultiplierBps ?? e.multiplierBps) == null ? null : (e.appliedMultiplierBps ?? e.multiplierBps)! / 100,
  }));
  return (
    <div className="charts" data-testid="charts">
      <h3>Year one: PAR released vs schedule</h3>
      <ResponsiveContainer width="100%" height={220}>
        <LineChart data={budgetData}>
          <CartesianGrid strokeDasharray="3 3" /><XAxis dataKey="epoch" /><YAxis /><Tooltip /><Legend />
          <Line type="monotone" dataKey="released" stroke="#2b6cb0" dot={false} isAnimationActive={false} />
          <Line type="monotone" dataKey="schedule" stroke="#a0aec0" strokeDasharray="5 5" dot={false} isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
      <h3>Policy multiplier per epoch (% of baseline): proposed vs applied</h3>
      <ResponsiveContainer width="100%" height={220}>
        <LineChart data={policy}>
          <CartesianGrid strokeDasharray="3 3" /><XAxis dataKey="epoch" /><YAxis domain={[40, 160]} /><Tooltip /><Legend />
          <Line type="stepAfter" dataKey="proposed" stroke="#dd6b20" connectNulls={false} isAnimationActive={false} />
          <Line type="stepAfter" dataKey="applied" stroke="#2f855a" isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
