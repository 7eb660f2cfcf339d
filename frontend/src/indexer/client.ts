/**
 * The indexer's GraphQL endpoint (Ponder: `<indexerUrl>/graphql`). Bigints come back as strings.
 * A failed fetch throws IndexerDownError, which pages turn into the "indexer down" banner and a
 * chain read where one can stand in.
 */
export class IndexerDownError extends Error {}

export async function gql<T>(indexerUrl: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  if (!indexerUrl) throw new IndexerDownError("no indexer is configured for this deployment");
  let res: Response;
  try {
    res = await fetch(`${indexerUrl}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query, variables }),
    });
  } catch (e) {
    throw new IndexerDownError(`the indexer at ${indexerUrl} cannot be reached (${(e as Error).message})`);
  }
  if (!res.ok) throw new IndexerDownError(`the indexer at ${indexerUrl} answered HTTP ${res.status}`);
  const body = (await res.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors?.length) throw new Error(`indexer query failed: ${body.errors[0].message}`);
  return body.data as T;
}

/** Items of a Ponder list query. */
export type Page<T> = { items: T[]; totalCount?: number };
