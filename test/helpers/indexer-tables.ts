/** Every table of the indexer's schema, read whole through GraphQL: to compare two indexers row for row. */
import { getTableColumns, is, Table } from "drizzle-orm";
import * as schema from "../../subgraph/ponder.schema.js";
import { allRows, type Indexer } from "./indexer.js";

/** The schema's tables by export name (the name GraphQL gives them) and their columns. */
export const TABLES = Object.entries(schema)
  .filter(([, value]) => is(value, Table))
  .map(([name, table]) => ({ name, columns: Object.keys(getTableColumns(table as Table)) }));

/** Every row of every table, each table's rows in a fixed order. */
export async function dumpTables(indexer: Indexer): Promise<Record<string, string[]>> {
  const dump: Record<string, string[]> = {};
  for (const { name, columns } of TABLES) {
    dump[name] = (await allRows(indexer, `${name}s`, columns)).map((row) => JSON.stringify(row)).sort();
  }
  return dump;
}
