import type { Address, Hex, TypedDataDefinition } from "viem";
import { signPermit as signTokenPermit, type PermitSigner } from "../../keepers/src/chain/permit.js";

/** The EIP-712 types of TaskMarket's signed request (ITaskMarketTypes.Request). */
export const REQUEST_TYPES = {
  Request: [
    { name: "requester", type: "address" },
    { name: "modelId", type: "uint32" },
    { name: "items", type: "uint16" },
    { name: "fee", type: "uint96" },
    { name: "deadline", type: "uint40" },
    { name: "callback", type: "address" },
    { name: "callbackGas", type: "uint32" },
    { name: "inputHash", type: "bytes32" },
    { name: "relayerFee", type: "uint96" },
    { name: "nonce", type: "uint256" },
    { name: "expiry", type: "uint40" },
  ],
} as const;

export type Request = TypedDataDefinition<typeof REQUEST_TYPES, "Request">["message"];

/** Anything that signs typed data: a local account, or a wallet client of the test node. */
type Signer = PermitSigner & {
  signTypedData(args: TypedDataDefinition<typeof REQUEST_TYPES, "Request">): Promise<Hex>;
};

/** The market's EIP-712 domain. */
export const marketDomain = (chainId: number, market: Address) =>
  ({ name: "ParadigmTaskMarket", version: "1", chainId, verifyingContract: market }) as const;

/** An agent's signature over `req`. */
export function signRequest(signer: Signer, chainId: number, market: Address, req: Request) {
  return signer.signTypedData({ domain: marketDomain(chainId, market), types: REQUEST_TYPES, primaryType: "Request", message: req });
}

/** An EIP-2612 permit of PAR ("Paradigm", version "1"), as the market's `Permit` struct. */
export function signPermit(
  signer: PermitSigner,
  p: { chainId: number; token: Address; owner: Address; spender: Address; value: bigint; nonce: bigint; deadline: bigint },
) {
  return signTokenPermit(signer, { name: "Paradigm", version: "1", chainId: p.chainId, verifyingContract: p.token }, p);
}

/** The `Permit` argument that means "no permit" (postSigned skips it when deadline is 0). */
export const NO_PERMIT = { value: 0n, deadline: 0n, v: 0, r: `0x${"00".repeat(32)}` as Hex, s: `0x${"00".repeat(32)}` as Hex };
