/**
 * An EIP-2612 permit of PAR signed in the wallet (one signature), as the market's `Permit`
 * struct, with the SDK's `signTokenPermit`. Used by postWithPermit, depositWithPermit and the
 * registry's delegateWithPermit.
 */
import { signTokenPermit } from "@paradigm/keepers/permit";
import type { Address, PublicClient, WalletClient } from "viem";

export async function permitFromWallet(client: PublicClient, wallet: WalletClient, token: Address, owner: Address, spender: Address, value: bigint) {
  const now = (await client.getBlock()).timestamp;
  const signer = { signTypedData: (args: Parameters<WalletClient["signTypedData"]>[0]) => wallet.signTypedData({ ...args, account: owner } as Parameters<WalletClient["signTypedData"]>[0]) };
  return signTokenPermit(client, signer as never, token, { owner, spender, value, deadline: now + 3600n });
}
