/** EIP-2612 permits of PAR, signed off-chain and passed to the market's `...WithPermit` / `postSigned`. */
import { parseSignature, zeroHash, type Address, type Hex, type PublicClient, type TypedDataDefinition, type TypedDataDomain } from "viem";
import { paradigmTokenAbi } from "../abi.js";

/** The EIP-712 types of an EIP-2612 permit. */
export const PERMIT_TYPES = {
  Permit: [
    { name: "owner", type: "address" },
    { name: "spender", type: "address" },
    { name: "value", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
} as const;

/** PAR's EIP-712 domain (ParadigmToken is `ERC20Permit("Paradigm")`), for signing without reading it from the chain. */
export const parDomain = (chainId: number, token: Address) =>
  ({ name: "Paradigm", version: "1", chainId, verifyingContract: token }) as const;

/** The market's `Permit` argument that means "no permit" (`postSigned` skips a permit whose deadline is 0). */
export const NO_PERMIT = { value: 0n, deadline: 0n, v: 0, r: zeroHash, s: zeroHash } as const;

/** Anything that signs a permit: a local account, or a wallet client with an account. */
export type PermitSigner = { signTypedData(args: TypedDataDefinition<typeof PERMIT_TYPES, "Permit">): Promise<Hex> };

/** Signs a permit under the token's EIP-712 `domain`; returns it as the market's `Permit` struct. */
export async function signPermit(
  signer: PermitSigner,
  domain: TypedDataDomain,
  p: { owner: Address; spender: Address; value: bigint; nonce: bigint; deadline: bigint },
) {
  const signature = await signer.signTypedData({
    domain,
    types: PERMIT_TYPES,
    primaryType: "Permit",
    message: { owner: p.owner, spender: p.spender, value: p.value, nonce: p.nonce, deadline: p.deadline },
  });
  const { r, s, v, yParity } = parseSignature(signature);
  return { value: p.value, deadline: p.deadline, v: Number(v ?? BigInt(yParity + 27)), r, s };
}

/**
 * Signs a permit of `token` (PAR) for `owner`, reading the token's EIP-712 domain and the owner's
 * next nonce from the chain first.
 */
export async function signTokenPermit(
  client: Pick<PublicClient, "readContract">,
  signer: PermitSigner,
  token: Address,
  p: { owner: Address; spender: Address; value: bigint; deadline: bigint },
) {
  const read = { address: token, abi: paradigmTokenAbi } as const;
  const [, name, version, chainId, verifyingContract] = await client.readContract({ ...read, functionName: "eip712Domain" });
  const nonce = await client.readContract({ ...read, functionName: "nonces", args: [p.owner] });
  return signPermit(signer, { name, version, chainId, verifyingContract }, { ...p, nonce });
}
