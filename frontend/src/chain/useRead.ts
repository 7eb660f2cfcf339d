/**
 * Chain reads through TanStack Query with the configured RPC (no multicall: a devnet has none).
 * `useRead(key, fn)` runs `fn(publicClient)` and refreshes it every couple of seconds.
 */
import { useQuery } from "@tanstack/react-query";
import { usePublicClient } from "wagmi";
import type { PublicClient } from "viem";

export function useRead<T>(key: unknown[], fn: (client: PublicClient) => Promise<T>, opts: { enabled?: boolean; refetchMs?: number } = {}) {
  const client = usePublicClient() as PublicClient | undefined;
  return useQuery({
    queryKey: ["chain", ...key],
    queryFn: () => fn(client!),
    enabled: !!client && (opts.enabled ?? true),
    refetchInterval: opts.refetchMs ?? 2000,
    retry: 1,
  });
}
