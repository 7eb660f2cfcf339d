/** Governance: proposals with state and votes, voting, delegating votes, parameters in force. */
import { useState } from "react";
import { getAddress, isAddress } from "viem";
import { useContracts } from "../chain/contracts";
import { useRead } from "../chain/useRead";
import { paramsFromChain } from "../governance/params";
import { proposalsFromChain, tallies, type ProposalListing } from "../governance/proposals";
import { useConfig } from "../config/context";
import { useIndexed } from "../indexer/useIndexed";
import { parameters, proposals } from "../indexer/queries";
import { TxStatus } from "../tx/TxStatus";
import { useTx } from "../tx/useTx";
import { Field, Note, Section } from "../ui/Field";
import { par, short, when } from "../ui/format";
import { useReady } from "../wallet/useReady";

const STATES = ["Pending", "Active", "Canceled", "Defeated", "Succeeded", "Queued", "Expired", "Executed"];

export default function GovernancePage() {
  return (
    <div className="page" data-testid="page-governance">
      <Votes />
      <Proposals />
      <Parameters />
    </div>
  );
}

function Votes() {
  const k = useContracts();
  const { address, ready, reason } = useReady();
  const mine = useRead(["votes", address], async (c) => ({
    votes: await c.readContract({ ...k.token, functionName: "getVotes", args: [address!] }),
    delegate: await c.readContract({ ...k.token, functionName: "delegates", args: [address!] }),
  }), { enabled: !!address });
  const [to, setTo] = useState("");
  const tx = useTx();
  const bad = to !== "" && !isAddress(to.trim());
  return (
    <Section title="Your votes" testId="my-votes">
      {mine.data ? <p>Voting power <strong data-testid="voting-power">{par(mine.data.votes)}</strong> · delegated to <span className="mono">{mine.data.delegate === "0x0000000000000000000000000000000000000000" ? "nobody (delegate to yourself to vote)" : short(mine.data.delegate)}</span></p> : <p>{reason}</p>}
      <Field label="Delegate your votes to"><input value={to} onChange={(e) => setTo(e.target.value)} placeholder={address ?? "0x…"} data-testid="delegate-votes-to" /></Field>
      {bad && <p className="error">Not an address.</p>}
      <div className="row">
        <button disabled={!ready} data-testid="delegate-self" onClick={() => tx.run("Delegate votes to yourself", async (t) => { await t.send({ ...k.token, functionName: "delegate", args: [t.account] }); })}>Delegate to myself</button>
        <button disabled={!ready || bad || !to} onClick={() => tx.run("Delegate votes", async (t) => { await t.send({ ...k.token, functionName: "delegate", args: [getAddress(to.trim())] }); })}>Delegate</button>
      </div>
      <TxStatus state={tx.state} />
    </Section>
  );
}

function Proposals() {
  const cfg = useConfig();
  const k = useContracts();
  const { ready, address } = useReady();
  const indexed = useIndexed(["proposals"], proposals, { enabled: !!k.governor });
  const fromChain = useRead(["proposals-chain"], (c) => proposalsFromChain(c, k.governor!.address, BigInt(cfg.deployBlock ?? 0)), { enabled: !!k.governor && indexed.down, refetchMs: 5000 });
  const list: ProposalListing[] = indexed.down ? (fromChain.data ?? []) : (indexed.data ?? []);
  const ids = list.map((p) => p.id);
  const tally = useRead(["proposal-tallies", ids.join(","), address], (c) => tallies(c, k.governor!.address, ids, address), { enabled: !!k.governor && ids.length > 0 });
  const tx = useTx();
  if (!k.governor) return <Section title="Proposals"><Note kind="warn">This deployment has no ParadigmGovernor in its address book.</Note></Section>;
  return (
    <Section title="Proposals" testId="proposals">
      {indexed.down && <Note kind="warn">The indexer is unreachable: proposals are listed from the governor's events.</Note>}
      {list.length === 0 && <p>No proposals yet.</p>}
      <table><thead><tr><th>Proposal</th><th>State</th><th>For</th><th>Against</th><th>Abstain</th><th>Vote</th></tr></thead>
        <tbody>{list.map((p, i) => {
          const t = tally.data?.[i];
          const state = t ? STATES[t.state] : "…";
          return (
            <tr key={p.id} data-testid="proposal-row">
              <td title={p.id}>{p.description.split("\n")[0].slice(0, 80)}<div className="small">by {short(p.proposer)}{p.createdAt ? `, ${when(p.createdAt)}` : ""}</div></td>
              <td data-testid="proposal-state">{state}</td><td data-testid="proposal-for">{par(t?.for)}</td><td>{par(t?.against)}</td><td>{par(t?.abstain)}</td>
              <td>{t?.voted ? <span data-testid="voted">you voted</span> : state === "Active" && [1, 0, 2].map((s) => (
                <button key={s} disabled={!ready} data-testid={`vote-${["against", "for", "abstain"][s]}`} onClick={() => tx.run(`Vote ${["against", "for", "abstain"][s]}`, async (w) => { await w.send({ ...k.governor!, functionName: "castVote", args: [BigInt(p.id), s] }); })}>{["Against", "For", "Abstain"][s]}</button>
              ))}</td>
            </tr>
          );
        })}</tbody>
      </table>
      <TxStatus state={tx.state} />
    </Section>
  );
}

function Parameters() {
  const k = useContracts();
  const indexed = useIndexed(["parameters"], parameters, { refetchMs: 15000 });
  const chain = useRead(["params-chain"], (c) => paramsFromChain(c, k.market.address, k.keepers.address), { enabled: indexed.down || (indexed.data?.parameters.length ?? 1) === 0, refetchMs: 15000 });
  const rows = indexed.data && indexed.data.parameters.length > 0 ? indexed.data.parameters.map((p) => ({ contract: p.contract, name: p.name, value: BigInt(p.value), changes: p.changes })) : (chain.data ?? []).map((p) => ({ ...p, changes: undefined }));
  return (
    <Section title="Parameters in force" testId="parameters">
      <table><thead><tr><th>Contract</th><th>Name</th><th>Value</th><th>Changes</th></tr></thead>
        <tbody>{rows.map((p) => <tr key={`${p.contract}.${p.name}`}><td>{p.contract}</td><td>{p.name}</td><td>{p.value.toString()}</td><td>{p.changes ?? "–"}</td></tr>)}</tbody>
      </table>
      <h3>History</h3>
      {indexed.down ? <Note kind="warn">Parameter history comes from the indexer, which is unreachable.</Note> : (
        <ul>{(indexed.data?.changes ?? []).map((c) => <li key={c.id}>{when(c.timestamp)}: {c.contract}.{c.name} {c.previous} → {c.value}</li>)}</ul>
      )}
    </Section>
  );
}
