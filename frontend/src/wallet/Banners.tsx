/** Banners for what stops the dApp working: wrong chain (with a switch), RPC down, indexer down. */
import { useState } from "react";
import { useAccount, useBlockNumber, useSwitchChain } from "wagmi";
import { useConfig } from "../config/context";
import { useIndexerUp } from "../indexer/useIndexed";
import { describeError } from "../tx/errors";

export function Banners() {
  const cfg = useConfig();
  const { isConnected, chainId } = useAccount();
  const { mutateAsync: switchChainAsync, isPending } = useSwitchChain();
  const block = useBlockNumber({ watch: true, query: { retry: false } });
  const indexer = useIndexerUp();
  const [switchError, setSwitchError] = useState<string>();
  const wrongChain = isConnected && chainId !== undefined && chainId !== cfg.chainId;
  return (
    <div className="banners">
      {wrongChain && (
        <div className="note note-warn" data-testid="wrong-chain">
          Your wallet is on chain {chainId}; Paradigm runs on {cfg.chainName} (chain {cfg.chainId}).{" "}
          <button
            data-testid="switch-chain"
            disabled={isPending}
            onClick={async () => {
              setSwitchError(undefined);
              try {
                await switchChainAsync({ chainId: cfg.chainId, addEthereumChainParameter: { chainName: cfg.chainName, rpcUrls: [cfg.rpcUrl] } });
              } catch (e) {
                setSwitchError(describeError(e));
              }
            }}
          >
            Switch to {cfg.chainName}
          </button>
          {switchError && <div data-testid="switch-error">{switchError}</div>}
        </div>
      )}
      {block.isError && (
        <div className="note note-error" data-testid="rpc-down">
          The chain's RPC at {cfg.rpcUrl} cannot be reached: balances and transactions are unavailable until it answers.
        </div>
      )}
      {indexer.checked && !indexer.up && (
        <div className="note note-warn" data-testid="indexer-down">
          The indexer is unreachable ({cfg.indexerUrl || "none configured"}): history, leaderboards and charts are unavailable;
          balances, stake and task status are read from the chain.
        </div>
      )}
    </div>
  );
}
