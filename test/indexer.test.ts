/**
 * The indexer against a real chain: every lifecycle driven on EDR, then the indexed rows compared
 * with the chain's own state, field by field, on PGlite and on a real PostgreSQL. The PostgreSQL
 * indexer follows the chain live, is killed mid-sync and restarted, and sees a reorg; the PGlite
 * one backfills the finished chain cold. Both must hold the same rows.
 */
import assert from "node:assert/strict";
import { POLICY_METRICS } from "../keepers/src/policy-io.js";
import { after, before, describe, it } from "mocha";
import { network } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";
import type { Address } from "viem";
import { serveRpc } from "./helpers/sdk-chain.js";
import { allRows, graphql, startIndexer, waitForBlock, type Indexer } from "./helpers/indexer.js";
import { deployScenarioChain, genesisWork, governance, paidWork, type Scenario } from "./helpers/indexer-scenario.js";
import { startPostgres, type Postgres } from "./helpers/postgres.js";
import { dumpTables } from "./helpers/indexer-tables.js";
import { PAR } from "./helpers/market.js";

/** The market's TaskStatus for each indexed status: a task that ended has no stored word (None). */
const CHAIN_STATUS = { posted: 1, claimed: 2, submitted: 3, challenged: 4, finalized: 0, expired: 0, refunded: 0 } as const;

describe("indexer: every lifecycle, indexed and checked against the chain", function () {
  this.timeout(600_000);
  let conn: NetworkConnection;
  let s: Scenario;
  let rpc: Awaited<ReturnType<typeof serveRpc>>;
  let pg: Postgres;
  let live: Indexer; // PostgreSQL, following the chain, killed and restarted
  let cold: Indexer; // PGlite, backfilling the finished chain
  let head: bigint;
  let rpcDown = false; // while true, every RPC request fails
  const running: Indexer[] = [];

  before(async () => {
    conn = await network.create();
    s = await deployScenarioChain(conn);
    rpc = await serveRpc(conn, {
      intercept: async () => {
        if (rpcDown) throw Object.assign(new Error("RPC outage (test)"), { code: -32603 });
      },
    });
    pg = await startPostgres();
    live = await startIndexer({ rpcUrl: rpc.url, book: s.book, databaseUrl: pg.url });
    running.push(live);
  });

  after(async () => {
    for (const i of running) await i.stop("SIGKILL").catch(() => {});
    await pg?.stop();
    rpc?.server.close();
  });

  const chainHead = () => s.f.publicClient.getBlockNumber();

  it("follows the chain live, survives a kill mid-sync and an RPC outage, and keeps a reorg's winning branch only", async () => {
    const { keepers } = await genesisWork(s);
    await waitForBlock(live, await chainHead());
    // a crash: killed while the chain moves on, then started again on the same database
    await live.stop("SIGKILL");
    await paidWork(s, keepers);
    live = await startIndexer({ ...live.options, port: undefined });
    running.push(live);
    await waitForBlock(live, await chainHead());
    // a reorg: a task the indexer has seen is replaced by another on a new branch
    const snapshot = await s.f.networkHelpers.takeSnapshot();
    const orphan = await s.f.post(s.f.requester, { fee: 3n * PAR });
    await waitForBlock(live, await chainHead());
    assert.equal((await graphql<{ task: { fee: string } | null }>(live, `{ task(id: "${orphan}") { fee } }`)).task?.fee, String(3n * PAR));
    await snapshot.restore();
    for (let i = 0; i < 2; i++) await s.f.networkHelpers.mine(1); // the new branch is longer than the old one
    const winner = await s.f.post(s.f.requester, { fee: 2n * PAR });
    assert.equal(winner, orphan, "the new branch reuses the task id");
    // an RPC outage: every request fails for 5 s while the chain moves on, then it answers again
    rpcDown = true;
    const proposal = governance(s, keepers[0]!); // the test's own transactions go to the chain directly
    await new Promise((r) => setTimeout(r, 5_000));
    rpcDown = false;
    await proposal;
    head = await chainHead();
    await waitForBlock(live, head);
    const task = (await graphql<{ task: { fee: string } }>(live, `{ task(id: "${winner}") { fee } }`)).task;
    assert.equal(task.fee, String(2n * PAR), "the orphaned branch's task is gone");
  });

  it("backfills the finished chain cold into PGlite", async () => {
    cold = await startIndexer({ rpcUrl: rpc.url, book: s.book });
    running.push(cold);
    await waitForBlock(cold, head);
  });

  for (const which of ["PostgreSQL (live, killed, reorged)", "PGlite (cold backfill)"] as const) {
    describe(which, () => {
      const indexer = () => (which.startsWith("PostgreSQL") ? live : cold);

      it("every keeper's pool as the registry has it", async () => {
        const rows = await allRows(indexer(), "keepers", ["id", "stake", "unbonding", "totalShares", "available", "modelIds", "commissionBps", "pendingCommissionBps", "commissionEffectiveAt", "endpoint", "slashes", "tasksDone"]);
        assert.equal(rows.length, Number(await s.f.keepers.read.keeperCount()));
        const now = Number((await s.f.publicClient.getBlock()).timestamp);
        for (const r of rows) {
          const k = await s.f.keepers.read.keeperOf([r.id as Address]);
          const inForce = r.commissionEffectiveAt !== null && (r.commissionEffectiveAt as number) <= now ? r.pendingCommissionBps : r.commissionBps;
          assert.deepEqual(
            { stake: r.stake, unbonding: r.unbonding, totalShares: r.totalShares, available: r.available, modelIds: r.modelIds, commissionBps: inForce, endpoint: r.endpoint },
            { stake: String(k.stake), unbonding: String(k.unbonding), totalShares: String(k.totalShares), available: k.available, modelIds: [...k.modelIds], commissionBps: k.commissionBps, endpoint: k.endpoint },
            `keeper ${r.id}`,
          );
        }
        assert.ok(rows.some((r) => (r.slashes as number) > 0), "the liar's slash is recorded");
      });

      it("every delegation's shares as the registry has them", async () => {
        const rows = await allRows(indexer(), "delegations", ["keeper", "account", "shares", "shareEra"]);
        const pools = new Map((await allRows(indexer(), "keepers", ["id", "shareEra"])).map((k) => [k.id, k.shareEra]));
        assert.ok(rows.length > 6, "operators and the delegator");
        for (const r of rows) {
          const p = await s.f.keepers.read.positionOf([r.keeper as Address, r.account as Address]);
          const shares = r.shareEra === pools.get(r.keeper) ? r.shares : "0";
          assert.equal(shares, String(p.shares), `${r.account} in ${r.keeper}'s pool`);
        }
      });

      it("every task's status as the market has it, and its whole history", async () => {
        const rows = await allRows(indexer(), "tasks", ["id", "status", "items", "fee"]);
        assert.equal(rows.length, Number(await s.f.market.read.nextTaskId()) - 1);
        for (const r of rows) {
          assert.equal(await s.f.market.read.statusOf([BigInt(r.id as string)]), CHAIN_STATUS[r.status as keyof typeof CHAIN_STATUS], `task ${r.id} (${r.status})`);
        }
        const statuses = rows.map((r) => r.status);
        for (const st of ["finalized", "expired"]) assert.ok(statuses.includes(st), `a ${st} task`);
        assert.ok(rows.some((r) => r.items === 3), "the lot's items");
        const steps = (await allRows(indexer(), "taskEvents", ["step"])).map((e) => e.step);
        for (const step of ["posted", "claimed", "submitted", "challengeCommitted", "challenged", "disputeOpened", "juryDrawn", "voteCommitted", "voteRevealed", "disputeResolved", "finalized", "expired"]) {
          assert.ok(steps.includes(step), `a ${step} step`);
        }
      });

      it("every account's balance, votes and delegate as the token has them", async () => {
        const rows = await allRows(indexer(), "accounts", ["id", "balance", "votes", "delegate"]);
        let total = 0n;
        for (const r of rows) {
          const id = r.id as Address;
          assert.equal(r.balance, String(await s.f.token.read.balanceOf([id])), `balance of ${id}`);
          assert.equal(r.votes, String(await s.f.token.read.getVotes([id])), `votes of ${id}`);
          const delegate = await s.f.token.read.delegates([id]);
          assert.equal(r.delegate ?? "0x0000000000000000000000000000000000000000", delegate.toLowerCase(), `delegate of ${id}`);
          total += BigInt(r.balance as string);
        }
        assert.equal(total, await s.f.token.read.totalSupply(), "balances add up to the supply");
        const claims = await allRows(indexer(), "emissionClaims", ["amount"]);
        assert.equal(claims.reduce((a, c) => a + BigInt(c.amount as string), 0n), await s.f.token.read.totalSupply(), "every PAR was claimed from emission");
      });

      it("credited work per epoch and contributor as the pool has it", async () => {
        const rows = await allRows(indexer(), "workCredits", ["epoch", "contributor", "units", "zeroFeeUnits", "backing"]);
        assert.ok(rows.length > 0);
        for (const r of rows) {
          const [units, zeroFeeUnits, backing] = await s.f.pool.read.creditOf([BigInt(r.epoch as string), r.contributor as Address]);
          assert.deepEqual([r.units, r.zeroFeeUnits, r.backing], [String(units), String(zeroFeeUnits), String(backing)]);
        }
      });

      it("each closed epoch's metrics as the chain measured them, the indexer's own tasks count agreeing", async () => {
        const rows = (await allRows(indexer(), "epochs", ["id", "closed", "measured"])).filter((r) => r.closed);
        assert.ok(rows.length > 0);
        const stats = await allRows(indexer(), "epochStats", ["id", "tasks", "fees", "distinctRequesters", "disputes", "disputeRateBps"]);
        for (const r of rows) {
          const e = BigInt(r.id as string);
          const onChain = await s.f.market.read.policyInput([e]);
          const measured = r.measured as Record<string, string>;
          assert.deepEqual(POLICY_METRICS.map((m) => measured[m]), onChain.slice(0, 8).map(String), `epoch ${e}`);
          const own = stats.find((x) => x.id === r.id);
          const indexed = [own?.tasks ?? 0, own?.fees ?? "0", own?.distinctRequesters ?? 0, own?.disputeRateBps ?? 0].map(String);
          const chain = [measured.tasks, measured.fees, measured.requesters, measured.disputeRateBps];
          assert.deepEqual(indexed, chain, `epoch ${e}: tasks, fees, requesters and dispute rate, by the indexer and by the chain`);
        }
      });

      it("every model's status as the registry has it, its tasks and inputs as the task rows add them up", async () => {
        const tasks = await allRows(indexer(), "tasks", ["modelId", "items"]);
        for (const m of await allRows(indexer(), "models", ["id", "status", "tasks", "inputs"])) {
          const onChain = await s.f.models.read.modelOf([m.id as number]);
          assert.equal(m.status, ["none", "proposed", "approved", "retired"][onChain.status], `model ${m.id}`);
          const mine = tasks.filter((t) => t.modelId === m.id);
          assert.deepEqual([m.tasks, m.inputs], [mine.length, mine.reduce((a, t) => a + (t.items as number), 0)], `model ${m.id}'s usage`);
        }
      });

      it("every parameter set, in force as the contract reads it, and each epoch's finalized tasks as the task rows count them", async () => {
        const params = await allRows(indexer(), "parameters", ["contract", "name", "value", "changes"]);
        const jury = params.find((p) => p.contract === "TaskCourt" && p.name === "jurySize");
        assert.equal(jury?.value, String(await s.f.court.read.jurySize()));
        const tasks = await allRows(indexer(), "tasks", ["status", "endedAt"]);
        const stats = await allRows(indexer(), "epochStats", ["tasks"]);
        assert.equal(stats.reduce((a, e) => a + (e.tasks as number), 0), tasks.filter((t) => t.status === "finalized").length);
      });

      it("the proposal's state and votes as the governor has them", async () => {
        const [p] = await allRows(indexer(), "proposals", ["id", "status", "forVotes", "againstVotes"]);
        assert.ok(p);
        const [against, forVotes] = await s.governor.read.proposalVotes([BigInt(p.id as string)]);
        assert.deepEqual([p.status, p.forVotes, p.againstVotes], ["executed", String(forVotes), String(against)]);
        assert.equal(await s.governor.read.state([BigInt(p.id as string)]), 7); // Executed
      });
    });
  }

  it("both databases hold the same rows, row for row", async () => {
    assert.deepEqual(await dumpTables(live), await dumpTables(cold));
  });

  it("refuses a query nested too deep with a clear error", async () => {
    const deep = `{ tasks { items { model { id } events { items { task { events { items { task { events { items { id } } } } } } } } } } }`;
    await assert.rejects(graphql(live, deep), /depth/i);
  });
});
