/**
 * What the indexer serves: GraphQL at /graphql (with limits, so that a deep or huge query gets a
 * clear error instead of a hang) and SQL over HTTP at /sql (for @ponder/client, which the dApp uses).
 */
import { db } from "ponder:api";
import schema from "ponder:schema";
import { Hono } from "hono";
import { cors } from "hono/cors";
import { client, graphql } from "ponder";

const app = new Hono();
app.use("*", cors());
app.use("/sql/*", client({ db, schema }));
app.use("/graphql", graphql({ db, schema }, { maxOperationDepth: 8, maxOperationTokens: 2_000, maxOperationAliases: 20 }));

export default app;
