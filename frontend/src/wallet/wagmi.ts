/**
 * wagmi for one chain, the deployment's: EIP-6963 discovery of every wallet that announces itself
 * (wagmi's multiInjectedProviderDiscovery), plus the legacy `window.ethereum` as a fallback.
 * Reads go straight to the configured RPC; writes and signatures go through the wallet.
 */
import { createConfig, http, injected } from "wagmi";
import { defineChain, type Chain } from "viem";
import type { ParadigmConfig } from "../config/runtime";

export function chainOf(cfg: ParadigmConfig): Chain {
  return defineChain({
    id: cfg.chainId,
    name: cfg.chainName,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [cfg.rpcUrl] } },
  });
}

export function wagmiConfigFor(cfg: ParadigmConfig) {
  const chain = chainOf(cfg);
  return createConfig({
    chains: [chain],
    connectors: [injected({ shimDisconnect: true })],
    multiInjectedProviderDiscovery: true,
    transports: { [chain.id]: http(cfg.rpcUrl, { retryCount: 1 }) },
    pollingInterval: 1000,
  });
}

export type WagmiConfig = ReturnType<typeof wagmiConfigFor>;
