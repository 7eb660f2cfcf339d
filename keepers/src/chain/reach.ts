/**
 * Fails fast when the RPC does not answer at all. The transport retries a failed request 5 times
 * with backoff, right for a node that is busy or restarting under a running keeper, but a node
 * that was never started, or a wrong URL, then took ~6 s to say "HTTP request failed.".
 */
import { BaseError, HttpRequestError, type EIP1193RequestFn, type Transport } from "viem";

/** How long the first request waits for the node to answer before the SDK gives up on it. */
export const PROBE_MS = 5_000;

/**
 * The node at `rpcUrl` did not answer: no connection, no such host, or no reply in time. A viem
 * error, so that viem's wrappers (a contract read's error) carry its message as their own.
 */
export class RpcUnreachableError extends BaseError {
  constructor(readonly rpcUrl: string, cause: Error) {
    super(
      `cannot reach the RPC at ${rpcUrl} (${why(cause)}); start a local devnet (./scripts/devnet.sh) or give the URL of a running node (rpcUrl in the SDK, --rpc or PAR_RPC in the CLI)`,
      { cause, name: "RpcUnreachableError" },
    );
  }
}

/** The system's error code (ECONNREFUSED, ENOTFOUND, ...) under fetch's "fetch failed", or what happened. */
function why(e: unknown): string {
  if ((e as Error).name === "TimeoutError") return `no answer within ${PROBE_MS / 1000} s`;
  for (let c = e as { code?: unknown; cause?: unknown } | undefined; c; c = c.cause as typeof c) {
    if (typeof c.code === "string") return c.code;
  }
  return (e as Error).message.split("\n")[0];
}

/** No HTTP answer came back (an HTTP error status is an answer: that node is there). */
const noAnswer = (e: unknown) => (e instanceof HttpRequestError && e.status === undefined) || (e as Error).name === "TimeoutError";

/**
 * `transport` that, until the node has answered once, first sends it one `eth_chainId`, not
 * retried, with {@link PROBE_MS} to answer. No answer throws {@link RpcUnreachableError} at once
 * (and the next request probes again); any answer lets requests through, retried as configured.
 */
export function withReachCheck(transport: Transport, rpcUrl: string): Transport {
  let reached: Promise<void> | undefined; // shared by every client built on this transport
  return (params) => {
    const t = transport(params);
    const probe = async () => {
      try {
        await t.request({ method: "eth_chainId" }, { retryCount: 0, signal: AbortSignal.timeout(PROBE_MS) });
      } catch (e) {
        if (!noAnswer(e)) return;
        reached = undefined;
        throw new RpcUnreachableError(rpcUrl, e as Error);
      }
    };
    const request = (async (args, options) => {
      await (reached ??= probe());
      return t.request(args, options);
    }) as EIP1193RequestFn;
    return { ...t, request };
  };
}
