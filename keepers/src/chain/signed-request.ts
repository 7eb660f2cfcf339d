/**
 * An agent's EIP-712 signed request (ITaskMarketTypes.Request), which any relayer posts with
 * `postSigned(req, input, inputURI, signature, permit)` (docs/agents.md).
 */
import type { Address, Hex, TypedDataDefinition } from "viem";

/** The EIP-712 types of TaskMarket's signed request. */
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

/** The request an agent signs (the contract's `Request` struct). */
export type SignedRequest = TypedDataDefinition<typeof REQUEST_TYPES, "Request">["message"];

/** Anything that signs a request: a local account, or a wallet client with an account. */
export type RequestSigner = { signTypedData(args: TypedDataDefinition<typeof REQUEST_TYPES, "Request">): Promise<Hex> };

/** The market's EIP-712 domain. */
export const marketDomain = (chainId: number, market: Address) =>
  ({ name: "ParadigmTaskMarket", version: "1", chainId, verifyingContract: market }) as const;

/** An agent's signature over `req`, for the market at `market` on chain `chainId`. */
export function signRequest(signer: RequestSigner, chainId: number, market: Address, req: SignedRequest) {
  return signer.signTypedData({ domain: marketDomain(chainId, market), types: REQUEST_TYPES, primaryType: "Request", message: req });
}
