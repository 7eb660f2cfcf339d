/**
 * Rebuilds every task's calldata struct and state from chain events (TaskMarket stores only a
 * hash per task). The keeper and the requester SDK both read tasks through a TaskBook, so a
 * restarted process recovers everything from the chain, scanning from the deploy block.
 *
 * Reorgs: the book remembers the hash of the last block it applied. If that block is no longer
 * on the chain, the book drops everything and scans again from its first block (`rebuilds`
 * counts these), since a task id may now stand for another task.
 */
import {
  parseEventLogs, zeroAddress, zeroHash,
  type Address, type Block, type ContractFunctionArgs, type Hex, type ParseEventLogsReturnType,
} from "viem";
import { taskCourtAbi, taskMarketAbi } from "../abi.js";
import type { ParadigmClients } from "./client.js";

/** The market's `Task` struct as the contract takes it (the `task` parameter of `claim`). */
export type Task = ContractFunctionArgs<typeof taskMarketAbi, "nonpayable", "claim">[1];

export type Dispute = {
  round: number;
  jurors: Address[];
  commitEnd: number;
  revealEnd: number;
  seedBlock: bigint;
  /** Jurors of the current round who committed / revealed (lower-case addresses), and revealed votes. */
  committed: Set<string>;
  revealed: Map<string, number>;
  outcome?: number;
  /** Escalated to the arbiter (governance): no juror action is possible any more. */
  toArbiter?: boolean;
};

export type TaskPhase = "Open" | "Claimed" | "Submitted" | "Challenged" | "Finalized" | "Expired" | "Refunded";

export type TaskState = {
  id: bigint;
  task: Task;
  phase: TaskPhase;
  input: Hex;
  inputHash: Hex;
  inputURI: string;
  /** Inputs the task carries: 1, or more for a lot (`LotPosted`); input and output use the lot encoding. */
  items: number;
  /** The submitter's canonical output (inline) and URI. */
  output?: Hex;
  outputUri?: string;
  challenge?: { challenger: Address; resultHash: Hex; output: Hex; uri: string; bond: bigint };
  /** A third side that joined the dispute (`RivalJoined`). */
  rival?: { rival: Address; resultHash: Hex; output: Hex; uri: string; bond: bigint };
  dispute?: Dispute;
  /** The result that stood, set when the task closed with a result. */
  final?: { keeper: Address; resultHash: Hex };
  postedBlock: bigint;
};

const abi = [...taskMarketAbi, ...taskCourtAbi] as const;
/** A market or court event, decoded: a union on `eventName` whose `args` narrow with it. */
type BookLog = ParseEventLogsReturnType<typeof abi, undefined, true>[number];

export type TaskBook = {
  tasks: Map<bigint, TaskState>;
  /** Last block applied. */
  head: bigint;
  /** Times a reorg made the book start again from its first block: state kept by task id elsewhere is stale when this changes. */
  rebuilds: number;
  /** The chain's latest block as the last sync saw it (undefined before the first). */
  tip?: Block<bigint, false, "latest">;
  /**
   * Fetches and applies events up to the latest block; returns the ids that changed. Calls run
   * one after another: a call made during another starts when it ends, so no range is applied
   * twice or out of order.
   */
  sync(): Promise<Set<bigint>>;
};

const CLOSED: ReadonlySet<TaskPhase> = new Set(["Finalized", "Expired", "Refunded"]);

/**
 * `dropClosed`: forget a task once it closes (finalized, expired or refunded), so the memory of
 * a long-running reader (a keeper) follows the open tasks, not the chain's history. A reader
 * that waits for results keeps them (the default).
 */
export function createTaskBook(c: ParadigmClients, opts: { fromBlock?: bigint; chunk?: bigint; dropClosed?: boolean } = {}): TaskBook {
  const tasks = new Map<bigint, TaskState>();
  const addresses = [c.book.contracts.TaskMarket, ...(c.book.contracts.TaskCourt ? [c.book.contracts.TaskCourt] : [])];
  const chunk = opts.chunk ?? 5_000n;
  let last: Promise<unknown> = Promise.resolve();
  const first = opts.fromBlock ?? BigInt(c.book.deployBlock);
  let headHash: Hex | undefined; // hash of block `head` when it was applied
  const book: TaskBook = {
    tasks,
    head: first - 1n,
    rebuilds: 0,
    sync() {
      const next = last.then(pull, pull);
      last = next.catch(() => undefined);
      return next;
    },
  };

  async function pull(): Promise<Set<bigint>> {
    const changed = new Set<bigint>();
    const tip = (book.tip = await c.publicClient.getBlock({ blockTag: "latest" }));
    if (headHash && !(await stillOnChain(book.head, headHash, tip))) {
      for (const id of tasks.keys()) changed.add(id);
      tasks.clear();
      book.head = first - 1n;
      headHash = undefined;
      book.rebuilds++;
    }
    const latest = tip.number;
    while (book.head < latest) {
      const from = book.head + 1n;
      const to = from + chunk - 1n < latest ? from + chunk - 1n : latest;
      const logs = await c.publicClient.getLogs({ address: addresses, fromBlock: from, toBlock: to });
      // Strict decoding (viem's default): the ABIs are generated from these contracts, so every
      // log they emit decodes in full, and the types need not allow for missing arguments.
      for (const log of parseEventLogs({ abi, logs })) apply(log, changed);
      if (opts.dropClosed) {
        for (const id of changed) {
          const phase = tasks.get(id)?.phase;
          if (phase && CLOSED.has(phase)) tasks.delete(id);
        }
      }
      book.head = to;
    }
    if (book.head === latest) headHash = tip.hash; // the logs were read after the tip, from its chain or a newer one
    return changed;
  }

  /** Whether block `n` still has `hash`; asks the node only when the tip is 2 or more blocks past it. */
  async function stillOnChain(n: bigint, hash: Hex, tip: Block<bigint, false, "latest">): Promise<boolean> {
    if (n > tip.number) return false;
    if (n === tip.number) return tip.hash === hash;
    if (n === tip.number - 1n) return tip.parentHash === hash;
    return (await c.publicClient.getBlock({ blockNumber: n })).hash === hash;
  }

  function apply(log: BookLog, changed: Set<bigint>) {
    // An event without parameters (RolesSealed) has no args; events without a task id are not the book's.
    const id = log.args && "id" in log.args ? log.args.id : undefined;
    if (id === undefined) return;
    if (log.eventName === "TaskPosted") {
      const a = log.args;
      tasks.set(id, {
        id,
        phase: "Open",
        input: a.input,
        inputHash: a.inputHash,
        inputURI: a.inputURI,
        items: 1,
        postedBlock: log.blockNumber,
        task: {
          requester: a.requester, fee: a.fee, modelId: a.modelId, computeUnits: a.computeUnits,
          deadline: a.deadline, postedAt: a.postedAt, postBlock: a.postBlock, callback: a.callback,
          callbackGas: a.callbackGas, keeper: zeroAddress, bond: 0n, since: 0, resultHash: zeroHash,
        },
      });
      changed.add(id);
      return;
    }
    const t = tasks.get(id);
    if (!t) return;
    changed.add(id); // any event about a known task marks it changed, including those not handled below
    switch (log.eventName) {
      case "LotPosted":
        t.items = log.args.items;
        break;
      case "TaskClaimed":
        Object.assign(t.task, { keeper: log.args.keeper, bond: log.args.bond, since: log.args.since });
        t.phase = "Claimed";
        break;
      case "ResultSubmitted": {
        const a = log.args;
        Object.assign(t.task, { since: a.since, resultHash: a.resultHash });
        t.output = a.output;
        t.outputUri = a.uri;
        t.phase = "Submitted";
        break;
      }
      case "TaskChallenged": {
        const a = log.args;
        t.challenge = { challenger: a.challenger, resultHash: a.resultHash, output: a.output, uri: a.uri, bond: a.bond };
        t.phase = "Challenged";
        break;
      }
      case "RivalJoined": {
        const a = log.args;
        t.rival = { rival: a.rival, resultHash: a.resultHash, output: a.output, uri: a.uri, bond: a.bond };
        break;
      }
      case "DisputeOpened":
        t.dispute = { round: 0, jurors: [], commitEnd: 0, revealEnd: 0, seedBlock: log.args.seedBlock, committed: new Set(), revealed: new Map() };
        break;
      case "JuryReseeded":
        if (t.dispute) t.dispute.seedBlock = log.args.seedBlock;
        break;
      case "JuryDrawn": {
        const a = log.args;
        t.dispute = {
          seedBlock: t.dispute?.seedBlock ?? 0n, round: a.round, jurors: [...a.jurors],
          commitEnd: a.commitEnd, revealEnd: a.revealEnd, committed: new Set(), revealed: new Map(),
        };
        break;
      }
      case "VoteCommitted":
        t.dispute?.committed.add(log.args.juror.toLowerCase());
        break;
      case "VoteRevealed":
        t.dispute?.revealed.set(log.args.juror.toLowerCase(), log.args.vote);
        break;
      case "DisputeEscalated":
        if (t.dispute) {
          t.dispute.jurors = [];
          t.dispute.toArbiter = log.args.toArbiter;
        }
        break;
      case "DisputeResolved":
        if (t.dispute) t.dispute.outcome = log.args.outcome;
        break;
      case "TaskFinalized":
        t.phase = "Finalized";
        t.final = { keeper: log.args.keeper, resultHash: log.args.resultHash };
        break;
      case "TaskExpired":
        t.phase = "Expired";
        break;
      case "TaskRefunded":
        t.phase = "Refunded";
        break;
    }
  }
  return book;
}

/** The canonical output that stood for a closed task, inline, from the submitter or the winning challenger or rival. */
export function finalOutput(t: TaskState): Hex | undefined {
  return standing(t)?.output;
}

/** Where the output that stood can be fetched, when it was given by URI. */
export function finalUri(t: TaskState): string | undefined {
  return standing(t)?.uri || undefined;
}

function standing(t: TaskState): { output?: Hex; uri?: string } | undefined {
  if (!t.final) return undefined;
  if (t.task.resultHash === t.final.resultHash) return { output: t.output, uri: t.outputUri };
  if (t.challenge?.resultHash === t.final.resultHash) return t.challenge;
  if (t.rival?.resultHash === t.final.resultHash) return t.rival;
  return undefined;
}
