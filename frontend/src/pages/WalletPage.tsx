/** PAR balance, send PAR (exact 8 decimals), transfer history, and the market deposit. */
import { useState } from "react";
import { isAddress, getAddress } from "viem";
import { useConfig } from "../config/context";
import { useContracts } from "../chain/contracts";
import { useRead } from "../chain/useRead";
import { permitFromWallet } from "../chain/permit";
import { useIndexed } from "../indexer/useIndexed";
import { depositsOf, transfersOf } from "../indexer/queries";
import { TxStatus } from "../tx/TxStatus";
import { useTx } from "../tx/useTx";
import { Field, Note, Section } from "../ui/Field";
import { par, short, when } from "../ui/format";
import { useAmount } from "../ui/useAmount";
import { useReady } from "../wallet/useReady";

export default function WalletPage() {
  const { address, ready, reason } = useReady();
  const k = useContracts();
  const balance = useRead(["balance", address], (c) => c.readContract({ ...k.token, functionName: "balanceOf", args: [address!] }), { enabled: !!address });
  const deposit = useRead(["deposit", address], (c) => c.readContract({ ...k.market, functionName: "depositOf", args: [address!] }), { enabled: !!address });
  if (!address) return <Note testId="connect-first">Connect a wallet to see your PAR balance.</Note>;
  return (
    <div className="page" data-testid="page-wallet">
      <Section title="Balance">
        <p className="big" data-testid="balance">{balance.data === undefined ? "…" : par(balance.data)}</p>
        <p className="small">Deposit in the market: <span data-testid="deposit">{deposit.data === undefined ? "…" : par(deposit.data)}</span></p>
        {balance.isError && <Note kind="error">Cannot read the balance: the chain's RPC does not answer.</Note>}
      </Section>
      <SendPar ready={ready} reason={reason} />
      <Deposit ready={ready} reason={reason} />
      <History address={address} />
    </div>
  );
}

function SendPar({ ready, reason }: { ready: boolean; reason?: string }) {
  const k = useContracts();
  const [to, setTo] = useState("");
  const amount = useAmount("", "amount");
  const tx = useTx();
  const toError = to && !isAddress(to.trim()) ? `"${to}" is not an address (0x followed by 40 hex digits)` : undefined;
  const canSend = ready && !!to && !toError && amount.units !== undefined;
  return (
    <Section title="Send PAR" testId="send">
      <Field label="To"><input value={to} onChange={(e) => setTo(e.target.value)} placeholder="0x…" data-testid="send-to" /></Field>
      <Field label="Amount (PAR, up to 8 decimals)"><input value={amount.text} onChange={(e) => amount.setText(e.target.value)} placeholder="1.5" data-testid="send-amount" /></Field>
      {toError && <p className="error" data-testid="send-to-error">{toError}</p>}
      {amount.error && <p className="error" data-testid="send-amount-error">{amount.error}</p>}
      {!ready && <p className="small">{reason}</p>}
      <button
        disabled={!canSend}
        data-testid="send-submit"
        onClick={() => tx.run(`Send ${amount.text} PAR`, async (t) => {
          await t.send({ ...k.token, functionName: "transfer", args: [getAddress(to.trim()), amount.units!] });
        })}
      >Send</button>
      <TxStatus state={tx.state} />
    </Section>
  );
}

function Deposit({ ready, reason }: { ready: boolean; reason?: string }) {
  const k = useContracts();
  const amount = useAmount("", "amount");
  const tx = useTx();
  const ok = ready && amount.units !== undefined;
  return (
    <Section title="Prepaid deposit in the market" testId="deposit-section">
      <p className="small">Posts take their fees from the deposit: no approval per task, less gas. Withdraw what is unused at any time.</p>
      <Field label="Amount (PAR)"><input value={amount.text} onChange={(e) => amount.setText(e.target.value)} data-testid="deposit-amount" /></Field>
      {amount.error && <p className="error">{amount.error}</p>}
      {!ready && <p className="small">{reason}</p>}
      <div className="row">
        <button disabled={!ok} data-testid="deposit-submit" onClick={() => tx.run(`Deposit ${amount.text} PAR`, async (t) => {
          t.signing("sign the permit");
          const permit = await permitFromWallet(t.client, await t.wallet(), k.token.address, t.account, k.market.address, amount.units!);
          await t.send({ ...k.market, functionName: "depositWithPermit", args: [t.account, amount.units!, permit] });
        })}>Deposit (permit)</button>
        <button disabled={!ok} data-testid="withdraw-submit" onClick={() => tx.run(`Withdraw ${amount.text} PAR`, async (t) => {
          await t.send({ ...k.market, functionName: "withdrawDeposit", args: [amount.units!] });
        })}>Withdraw</button>
      </div>
      <TxStatus state={tx.state} />
    </Section>
  );
}

function History({ address }: { address: string }) {
  const cfg = useConfig();
  const transfers = useIndexed(["transfers", address], (u) => transfersOf(u, address));
  const deposits = useIndexed(["deposits", address], (u) => depositsOf(u, address));
  return (
    <Section title="History" testId="history">
      {transfers.down ? <Note kind="warn">History comes from the indexer ({cfg.indexerUrl || "none"}), which is unreachable.</Note> : null}
      <table>
        <thead><tr><th>When</th><th>From</th><th>To</th><th>Amount</th><th>Tx</th></tr></thead>
        <tbody>
          {(transfers.data ?? []).map((t) => (
            <tr key={t.id} data-testid="transfer-row">
              <td>{when(t.timestamp)}</td><td className="mono">{short(t.from)}</td><td className="mono">{short(t.to)}</td>
              <td>{t.from.toLowerCase() === address.toLowerCase() ? "−" : "+"}{par(t.value)}</td><td className="mono">{short(t.tx)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {(deposits.data ?? []).length > 0 && (
        <ul>{deposits.data!.map((d) => <li key={d.id}>{when(d.timestamp)}: {d.kind} {par(d.amount)}</li>)}</ul>
      )}
    </Section>
  );
}
