/**
 * Wallet picker: every EIP-6963 wallet by name and icon (wagmi discovers them), or the legacy
 * injected `window.ethereum` when no wallet announced itself. Connected: the account and a
 * disconnect button.
 */
import { useState } from "react";
import { useAccount, useConnect, useConnectors, useDisconnect } from "wagmi";
import { short } from "../ui/format";
import { describeError } from "../tx/errors";

export function Connect() {
  const { address, isConnected } = useAccount();
  const connectors = useConnectors();
  const { mutateAsync: connectAsync, isPending } = useConnect();
  const { mutate: disconnect } = useDisconnect();
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string>();

  if (isConnected && address) {
    return (
      <div className="wallet">
        <span className="mono" data-testid="account" title={address}>{short(address)}</span>
        <button onClick={() => disconnect()} data-testid="disconnect">Disconnect</button>
      </div>
    );
  }
  const announced = connectors.filter((c) => c.type !== "injected" || c.id !== "injected");
  const hasLegacy = typeof window !== "undefined" && !!(window as { ethereum?: unknown }).ethereum;
  const list = announced.length > 0 ? announced : connectors.filter(() => hasLegacy);
  return (
    <div className="wallet">
      <button onClick={() => setOpen(!open)} data-testid="connect" disabled={isPending}>{isPending ? "Connecting…" : "Connect wallet"}</button>
      {open && (
        <div className="popover" data-testid="wallet-list">
          {list.length === 0 && (
            <p data-testid="no-wallet">No wallet found. Install a browser wallet such as MetaMask, then reload this page.</p>
          )}
          {list.map((c) => (
            <button
              key={c.uid}
              className="wallet-option"
              data-testid={`wallet-${c.name}`}
              onClick={async () => {
                setError(undefined);
                try {
                  await connectAsync({ connector: c });
                  setOpen(false);
                } catch (e) {
                  setError(describeError(e));
                }
              }}
            >
              {c.icon ? <img src={c.icon} alt="" width={20} height={20} /> : null}
              {c.name === "Injected" ? "Browser wallet (window.ethereum)" : c.name}
            </button>
          ))}
          {error && <p className="error" data-testid="connect-error">{error}</p>}
        </div>
      )}
    </div>
  );
}
