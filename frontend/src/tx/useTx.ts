/**
 * One user action that may take several transactions and signatures. Each write is simulated
 * first (a revert is explained before the wallet opens), then sent through the wallet, then
 * awaited: the state says pending / confirmed / failed with the transaction's hash.
 */
import { useCallback, useState } from "react";
import { useConfig as useWagmiConfig } from "wagmi";
import { getAccount, getPublicClient, getWalletClient, simulateContract, waitForTransactionReceipt, writeContract } from "wagmi/actions";
import type { Abi, Address, Hex, PublicClient, TransactionReceipt, WalletClient } from "viem";
import { describeError } from "./errors";

export type TxState =
  | { status: "idle" }
  | { status: "signing" | "pending"; label: string; hash?: Hex; step?: string }
  | { status: "confirmed"; label: string; hash?: Hex; note?: string }
  | { status: "failed"; label: string; hash?: Hex; message: string };

export type WriteRequest = { address: Address; abi: Abi; functionName: string; args?: readonly unknown[] };

export type TxTools = {
  account: Address;
  /** Reads from the configured RPC. */
  client: PublicClient;
  /** Simulates, sends and awaits one write; throws if it reverts. */
  send(req: WriteRequest, step?: string): Promise<TransactionReceipt>;
  /** The wallet, for signatures (permits). */
  wallet(): Promise<WalletClient>;
  /** Shows a step that needs the wallet (a signature). */
  signing(step: string): void;
};

export function useTx() {
  const config = useWagmiConfig();
  const [state, setState] = useState<TxState>({ status: "idle" });

  const run = useCallback(async (label: string, action: (t: TxTools) => Promise<string | void>): Promise<boolean> => {
    const account = getAccount(config).address;
    if (!account) {
      setState({ status: "failed", label, message: "Connect a wallet first." });
      return false;
    }
    let lastHash: Hex | undefined;
    const tools: TxTools = {
      account,
      client: getPublicClient(config) as PublicClient,
      signing: (step) => setState({ status: "signing", label, step }),
      wallet: async () => (await getWalletClient(config)) as WalletClient,
      send: async (req, step) => {
        setState({ status: "signing", label, step: step ?? req.functionName });
        const { request } = await simulateContract(config, { ...req, account } as Parameters<typeof simulateContract>[1]);
        const hash = await writeContract(config, request as Parameters<typeof writeContract>[1]);
        lastHash = hash;
        setState({ status: "pending", label, hash, step: step ?? req.functionName });
        const receipt = await waitForTransactionReceipt(config, { hash, pollingInterval: 500 });
        if (receipt.status !== "success") throw new Error(`${req.functionName} reverted on chain (tx ${hash})`);
        return receipt;
      },
    };
    try {
      const note = await action(tools);
      setState({ status: "confirmed", label, hash: lastHash, note: note || undefined });
      return true;
    } catch (e) {
      setState({ status: "failed", label, hash: lastHash, message: describeError(e) });
      return false;
    }
  }, [config]);

  return { state, run, reset: () => setState({ status: "idle" }) };
}
