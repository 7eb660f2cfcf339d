/**
 * Gas money on a local chain: `par faucet`, and the devnet for the accounts it creates.
 *
 * The ETH comes from the node's own first account (hardhat node and anvil prefund well-known
 * test accounts and sign for them), sent in a transaction rather than set with
 * hardhat_setBalance: a balance set outside a transaction is in no block, and the devnet saves
 * its chain as blocks (deploy/devnet-chain.ts), so `--resume` would lose it and the replay would
 * stop at the first transaction that spent it.
 *
 * Any other chain is refused: ETH there is real, and nobody's node gives it away.
 */
import { createPublicClient, createWalletClient, http, type Address, type Hex } from "viem";
import { chainFor } from "./client.js";

/** The chain id of hardhat node and anvil. */
export const LOCAL_CHAIN_ID = 31337;
const LOCAL_NODE = /^(HardhatNetwork|anvil)\//i;

/** Sends `wei` to `to` from the local node at `rpc`'s first account; resolves once it is mined. */
export async function fundFromNode(rpc: string, to: Address, wei: bigint): Promise<Hex> {
  const client = createPublicClient({ transport: http(rpc), pollingInterval: 250 });
  const [chainId, node] = await Promise.all([client.getChainId(), client.request({ method: "web3_clientVersion" })]);
  if (chainId !== LOCAL_CHAIN_ID || !LOCAL_NODE.test(node)) {
    throw new Error(`the faucet only works on a local devnet (chain ${LOCAL_CHAIN_ID}, hardhat node or anvil); ${rpc} is chain ${chainId} (${node}): there, send ${to} ETH from an account that holds some`);
  }
  const wallet = createWalletClient({ chain: chainFor(chainId, rpc), transport: http(rpc) });
  const [from] = await wallet.getAddresses();
  if (!from) throw new Error(`the node at ${rpc} has no account of its own to send ETH from`);
  const hash = await wallet.sendTransaction({ account: from, to, value: wei });
  const receipt = await client.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") throw new Error(`the faucet's transfer to ${to} reverted (tx ${hash})`);
  return hash;
}
