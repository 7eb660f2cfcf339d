/**
 * An EIP-2612 permit of PAR signed in the wallet (one signature), as the market's `Permit`
 * struct, with the SDK's `signPermit`. Used by postWithPermit, depositWithPermit and the
 * registry's delegateWithPermit.
 */
import { signPermit } from "@paradigm/keepers/permit";
import type { Address, PublicClient, WalletClient } from "viem";
import { paradigmTokenAbi } from "@paradigm/keepers/abi";

export async function permitFromWallet(client: PublicClient, wallet: WalletClient, token: Address, owner: Address, spender: Address, value: bigint) {
  const [, name, version, chainId, verifyingContract] = await client.readContract({ address: token, abi: paradigmTokenAbi, functionName: "eip712Domain" });
  const nonce = await client.readContract({ address: token, abi: paradigmTokenAbi, functionName: "nonces", args: [owner] });
  const now = (await client.getBlock()).timestamp;
  const signer = { signTypedData: (args: Parameters<WalletClient["signTypedData"]>[0]) => wallet.signTypedData({ ...args, account: owner } as Parameters<WalletClient["signTypedData"]>[0]) };
  return signPermit(signer as never, { name, version, chainId, verifyingContract }, { owner, spender, value, nonce, deadline: now + 3600n });
}
