/**
 * The adversarial soak's figures (docs/market.md, "Adversarial soak"): the scenario of
 * test/adversarial.test.ts, run once on the bench's chain (a fixed genesis date, then a block a
 * second): lies finalized, honest losses, tasks the network left open, honest over adversary
 * earnings per task, the p99 of honest keepers' challenge, commit and reveal latencies against
 * the safe windows, and resolve transactions that reverted on chain. About three and a half minutes.
 */
import { soakRows } from "../test/helpers/soak-figures.js";
import { runSoak } from "../test/helpers/soak-scenario.js";
import type { BenchSuite } from "./types.js";

const suite: BenchSuite = async (connection) => soakRows(await runSoak({ conn: connection }));

export default suite;
