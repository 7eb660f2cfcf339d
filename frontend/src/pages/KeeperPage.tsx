/** One keeper: pool, commission, delegators, record; stake, delegate, undelegate, withdraw. */
import { getAddress, isAddress, type Address } from "viem";
import { useContracts } from "../chain/contracts";
import { useRead } from "../chain/useRead";
import { permitFromWallet } from "../chain/permit";
import { useIndexed } from "../indexer/useIndexed";
import { keeperRecord } from "../indexer/queries";
import { TxStatus } from "../tx/TxStatus";
import { useTx } from "../tx/useTx";
import { Field, Note, Section } from "../ui/Field";
import { bps, duration, par, relative, short, when } from "../ui/format";
import { useAmount } from "../ui/useAmount";
import { useReady } from "../wallet/useReady";

export default function KeeperPage({ param }: { param?: string }) {
  const k = useContracts();
  const keeper = param && isAddress(param) ? getAddress(param) : undefined;
  const view = useRead(["keeperOf", keeper], (c) => c.readContract({ ...k.keepers, functionName: "keeperOf", args: [keeper!] }), { enabled: !!keeper });
  const record = useIndexed(["keeper", keeper], (u) => keeperRecord(u, keeper!), { enabled: !!keeper });
  if (!keeper) return <Note kind="error">Open a keeper by its address: #/keeper/0x…</Note>;
  const v = view.data;
  const r = record.data?.keeper;
  return (
    <div className="page" data-testid="page-keeper">
      <Section title={`Keeper ${short(keeper)}`}>
        <p className="mono small">{keeper}</p>
        {!v ? <p>…</p> : !v.registered ? <Note kind="warn">This address is not a registered keeper.</Note> : (
          <table><tbody>
            <tr><th>Status</th><td>{v.active ? "active" : "inactive"}{v.available ? "" : " (unavailable)"}</td></tr>
            <tr><th>Pool stake</th><td data-testid="pool-stake">{par(v.stake)}</td></tr>
            <tr><th>Locked in bonds</th><td>{par(v.lockedBond)}</td></tr>
            <tr><th>Unbonding</th><td>{par(v.unbonding)}</td></tr>
            <tr><th>Commission</th><td>{bps(v.commissionBps)}{v.pendingCommissionBps !== v.commissionBps && v.commissionEffectiveAt > 0n ? ` → ${bps(v.pendingCommissionBps)} from ${when(v.commissionEffectiveAt)}` : ""}</td></tr>
            <tr><th>Models</th><td>{v.modelIds.join(", ")}</td></tr>
            <tr><th>Endpoint</th><td>{v.endpoint}</td></tr>
          </tbody></table>
        )}
      </Section>
      <Section title="Record" testId="keeper-record">
        {record.down ? <Note kind="warn">The record comes from the indexer, which is unreachable.</Note> : r ? (
          <p>{r.tasksDone} tasks done of {r.tasksClaimed} claimed, {r.tasksLapsed} lapsed · disputes won {r.disputesWon}, lost {r.disputesLost} · slashed {r.slashes}× · fees earned {par(r.feesEarned)} · emission claimed {par(r.emissionClaimed)}</p>
        ) : <p>…</p>}
        <h3>Delegators</h3>
        <table><thead><tr><th>Account</th><th>Shares</th><th>Staked</th><th>Unbonded</th></tr></thead>
          <tbody>{(record.data?.delegations ?? []).map((d) => <tr key={d.account}><td className="mono">{short(d.account)}</td><td>{d.shares}</td><td>{par(d.staked)}</td><td>{par(d.unbonded)}</td></tr>)}</tbody>
        </table>
      </Section>
      {v?.registered && <Position keeper={keeper} />}
    </div>
  );
}

function Position({ keeper }: { keeper: Address }) {
  const k = useContracts();
  const { address, ready, reason } = useReady();
  const pos = useRead(["position", keeper, address], (c) => c.readContract({ ...k.keepers, functionName: "positionOf", args: [keeper, address!] }), { enabled: !!address });
  const period = useRead(["unbondingPeriod"], (c) => c.readContract({ ...k.keepers, functionName: "unbondingPeriod" }), { refetchMs: 60000 });
  const now = useRead(["now"], async (c) => Number((await c.getBlock()).timestamp), { refetchMs: 2000 });
  const amount = useAmount("", "amount");
  const tx = useTx();
  const own = address?.toLowerCase() === keeper.toLowerCase();
  const ok = ready && amount.units !== undefined;
  const p = pos.data;
  return (
    <Section title={own ? "Your stake" : "Your delegation"} testId="position">
      {p && (
        <p data-testid="my-position">
          Staked: <strong data-testid="my-stake">{par(p.stake)}</strong> · unbonding {par(p.unbonding)}
          {p.unbondReadyAt > 0n && now.data !== undefined ? ` (withdrawable ${relative(Number(p.unbondReadyAt), now.data)})` : ""} · rewards {par(p.rewards)}
        </p>
      )}
      <p className="small" data-testid="unbonding-time">Unbonding takes {period.data === undefined ? "…" : duration(period.data)}: undelegated PAR can be withdrawn after that.</p>
      <Field label="Amount (PAR)"><input value={amount.text} onChange={(e) => amount.setText(e.target.value)} data-testid="stake-amount" /></Field>
      {amount.error && <p className="error">{amount.error}</p>}
      {!ready && <p className="small">{reason}</p>}
      <div className="row">
        <button disabled={!ok} data-testid="delegate-submit" onClick={() => tx.run(own ? `Stake ${amount.text} PAR` : `Delegate ${amount.text} PAR`, async (t) => {
          t.signing("sign the permit");
          const pm = await permitFromWallet(t.client, await t.wallet(), k.token.address, t.account, k.keepers.address, amount.units!);
          if (own) await t.send({ ...k.keepers, functionName: "stakeWithPermit", args: [amount.units!, pm.deadline, pm.v, pm.r, pm.s] });
          else await t.send({ ...k.keepers, functionName: "delegateWithPermit", args: [keeper, amount.units!, pm.deadline, pm.v, pm.r, pm.s] });
        })}>{own ? "Stake" : "Delegate"}</button>
        <button disabled={!ok} data-testid="undelegate-submit" onClick={() => tx.run(own ? `Unbond ${amount.text} PAR` : `Undelegate ${amount.text} PAR`, async (t) => {
          if (own) await t.send({ ...k.keepers, functionName: "requestUnbond", args: [amount.units!] });
          else await t.send({ ...k.keepers, functionName: "undelegate", args: [keeper, amount.units!] });
          return `withdrawable after the unbonding period (${period.data === undefined ? "?" : duration(period.data)})`;
        })}>{own ? "Unbond" : "Undelegate"}</button>
        <button disabled={!ready || !p || p.unbonding === 0n} data-testid="withdraw-stake" onClick={() => tx.run("Withdraw unbonded PAR", async (t) => {
          await t.send({ ...k.keepers, functionName: "withdraw", args: [keeper] });
        })}>Withdraw</button>
        <button disabled={!ready || !p || p.rewards === 0n} onClick={() => tx.run("Claim rewards", async (t) => {
          await t.send({ ...k.keepers, functionName: "claimRewards", args: [keeper] });
        })}>Claim rewards</button>
      </div>
      <TxStatus state={tx.state} />
    </Section>
  );
}
