/** Whether the user can send: a wallet connected on the deployment's chain; else why not. */
import { useAccount } from "wagmi";
import { useConfig } from "../config/context";

export function useReady() {
  const cfg = useConfig();
  const { address, isConnected, chainId } = useAccount();
  const reason = !isConnected ? "Connect a wallet to send transactions." : chainId !== cfg.chainId ? `Switch your wallet to ${cfg.chainName} first.` : undefined;
  return { address, ready: !reason, reason };
}
