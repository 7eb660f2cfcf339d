import { parseSignature, type Address, type Hex, type TypedDataDefinition } from "viem";

/** The EIP-712 types of TaskMarket's signed request (ITaskMarketTypes.Request). */
export const REQUEST_TYPES = {
  Request: [
    { name: "requester", type: "address" },
    { name: "modelId", type: "uint32" },
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

const PERMIT_TYPES = {
  Permit: [
    { name: "owner", type: "address" },
    { name: "spender", type: "address" },
    { name: "value", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
} as const;

export type Request = {
  requester: Address;
  modelId: number;
  fee: bigint;
  deadline: number;
  callback: Address;
  callbackGas: number;
  inputHash: Hex;
  relayerFee: bigint;
  nonce: bigint;
  expiry: number;
};

/** Anything that signs typed data: a local account, or a wallet client of the test node. */
type Signer = {
  signTypedData(args: TypedDataDefinition<typeof REQUEST_TYPES, "Request">): Promise<Hex>;
  signTypedData(args: TypedDataDefinition<typeof PERMIT_TYPES, "Permit">): Promise<Hex>;
};

/** The market's EIP-712 domain. */
export const marketDomain = (chainId: number, market: Address) =>
  ({ name: "ParadigmTaskMarket", version: "1", chainId, verifyingContract: market }) as const;

/** An agent's signature over `req`. */
export function signRequest(signer: Signer, chainId: number, market: Address, req: Request) {
  return signer.signTypedData({ domain: marketDomain(chainId, market), types: REQUEST_TYPES, primaryType: "Request", message: req });
}

/** An EIP-2612 permit of PAR ("Paradigm", version "1"), as the market's `Permit` struct. */
export async function signPermit(
  signer: Signer,
  p: { chainId: number; token: Address; owner: Address; spender: Address; value: bigint; nonce: bigint; deadline: bigint },
) {
  const signature = await signer.signTypedData({
    domain: { name: "Paradigm", version: "1", chainId: p.chainId, verifyingContract: p.token },
    types: PERMIT_TYPES,
    primaryType: "Permit",
    message: { owner: p.owner, spender: p.spender, value: p.value, nonce: p.nonce, deadline: p.deadline },
  });
  const { r, s, v, yParity } = parseSignature(signature);
  return { value: p.value, deadline: p.deadline, v: Number(v ?? BigInt(yParity + 27)), r, s };
}

/** The `Permit` argument that means "no permit" (postSigned skips it when deadline is 0). */
export const NO_PERMIT = { value: 0n, deadline: 0n, v: 0, r: `0x${"00".repeat(32)}` as Hex, s: `0x${"00".repeat(32)}` as Hex };
