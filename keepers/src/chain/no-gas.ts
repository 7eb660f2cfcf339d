/**
 * A transaction whose sender cannot pay its gas. Nodes word this differently and none says what
 * to do: geth answers "insufficient funds for gas * price + value" (viem's InsufficientFundsError);
 * Hardhat's EDR answers "Sender doesn't have enough funds to send tx" with code -32000, which viem
 * shows as "Missing or invalid parameters". `explainNoGas` turns either into one message that names
 * the account, the chain and how to get ETH.
 */
import { formatEther, InsufficientFundsError, type Address, type Client } from "viem";
import { getBalance, getChainId } from "viem/actions";

const CANNOT_PAY = /insufficient funds|doesn't have enough funds|exceeds transaction sender account balance/i;

/** Whether `e`, or an error it was caused by, says that the sender cannot pay. */
export function isNoGas(e: unknown): boolean {
  for (let err = e as { details?: string; message?: string; cause?: unknown } | undefined; err; err = err.cause as typeof err) {
    if (err instanceof InsufficientFundsError || CANNOT_PAY.test(`${err.details ?? ""} ${err.message ?? ""}`)) return true;
  }
  return false;
}

export class NoGasError extends Error {
  constructor(readonly address: Address, readonly chainId: number, balance: bigint, options?: ErrorOptions) {
    const has = balance === 0n ? "has no ETH" : `has ${formatEther(balance)} ETH, too little`;
    super(`${address} ${has} to pay gas on chain ${chainId}: on the devnet run \`par faucet ${address}\`; elsewhere fund it`, options);
  }
}

/** `e` as a {@link NoGasError} when it says that `address` cannot pay, else `e` unchanged. */
export async function explainNoGas(e: unknown, client: Client, address: Address): Promise<unknown> {
  if (!isNoGas(e)) return e;
  try {
    const [balance, chainId] = await Promise.all([getBalance(client, { address }), client.chain?.id ?? getChainId(client)]);
    return new NoGasError(address, chainId, balance, { cause: e });
  } catch {
    return e; // the node stopped answering: its own error says more than a guess
  }
}
