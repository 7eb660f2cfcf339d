/**
 * A query of the indexer through TanStack Query. `down` is true when the indexer cannot be
 * reached (pages then fall back to chain reads); other errors are real query errors.
 */
import { useQuery } from "@tanstack/react-query";
import { useConfig } from "../config/context";
import { IndexerDownError, gql } from "./client";

export function useIndexed<T>(key: unknown[], fetcher: (url: string) => Promise<T>, opts: { enabled?: boolean; refetchMs?: number } = {}) {
  const { indexerUrl } = useConfig();
  const q = useQuery({
    queryKey: ["indexer", indexerUrl, ...key],
    queryFn: () => fetcher(indexerUrl),
    enabled: opts.enabled ?? true,
    refetchInterval: opts.refetchMs ?? 4000,
    retry: false,
  });
  return { ...q, down: q.error instanceof IndexerDownError };
}

/** The indexer's health, polled: drives the banner. */
export function useIndexerUp() {
  const { indexerUrl } = useConfig();
  const q = useQuery({
    queryKey: ["indexer-health", indexerUrl],
    queryFn: async () => {
      await gql<unknown>(indexerUrl, "{ __typename }");
      return true;
    },
    refetchInterval: 5000,
    retry: false,
  });
  return { up: q.data === true && !q.isError, checked: q.isFetched, error: q.error as Error | null };
}
