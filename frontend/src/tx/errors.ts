/**
 * What went wrong, in words: a rejected signature, a Paradigm revert (decoded by the SDK's
 * `explain`), an unreachable RPC, or any other error's short message.
 */
import { explain } from "@paradigm/keepers/errors";

type Coded = { code?: number; name?: string; cause?: unknown; message?: string; details?: string };

/** Whether the user declined in the wallet (EIP-1193 code 4001, viem's UserRejectedRequestError). */
export function isRejected(e: unknown): boolean {
  for (let err = e as Coded | undefined, n = 0; err && n < 20; err = err.cause as Coded | undefined, n++) {
    if (err.code === 4001 || err.name === "UserRejectedRequestError") return true;
    if (/user rejected|user denied/i.test(err.message ?? "")) return true;
  }
  return false;
}

const RPC_DOWN = /failed to fetch|fetch failed|network ?error|ECONNREFUSED|HTTP request failed/i;

/** One sentence for an error thrown by a write, a signature or a read. */
export function describeError(e: unknown, fn?: string): string {
  if (isRejected(e)) return "You rejected the request in your wallet: nothing was signed or sent.";
  const sentence = explain(e, { fn });
  if (RPC_DOWN.test(sentence) || RPC_DOWN.test((e as Coded)?.details ?? "")) {
    return "The chain's RPC cannot be reached: check your connection or the node, then try again.";
  }
  return sentence;
}
