/**
 * Rebuilds every task's calldata struct and state from chain events (TaskMarket stores only a
 * hash per task). The keeper and the requester SDK both read tasks through a TaskBook, so a
 * restarted process recovers everything from the chain, scanning from the deploy block.
 *
 * Reorgs: the book remembers the hash of the last block it applied. If that block is no longer
 * on the chain, the book drops everything and scans again from its first block (`rebuilds`
 * counts these), since a task id may now stand for another task.
 */
import { parseEventLogs, type Address, type Block, type Hex } from "viem";
import { taskCourtAbi, taskMarketAbi } from "../abi/index.js";
import type { ParadigmClients } from "./client.js";

export type Task = {
  requester: Address;
  fee: bigint;
  modelId: number;
  computeUnits: number;
  deadline: number;
  postedAt: number;
  postBlock: bigint;
  callback: Address;
  callbackGas: number;
  keeper: Address;
  bond: bigint;
  since: number;
  resultHash: Hex;
};

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

const ZERO = "0x0000000000000000000000000000000000000000" as Address;
const ZERO32 = `0x${"00".repeat(32)}` as Hex;
const abi = [...taskMarketAbi, ...taskCourtAbi];

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
      for (const ev of parseEventLogs({ abi, logs, strict: false })) apply(ev as unknown as Ev, changed);
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

  type Ev = { eventName: string; args: Record<string, unknown>; blockNumber: bigint };
  function apply(ev: Ev, changed: Set<bigint>) {
    const a = (ev.args ?? {}) as Record<string, any>; // an event without parameters (RolesSealed) has no args
    if (a.id === undefined) return;
    const id = a.id as bigint;
    if (ev.eventName === "TaskPosted") {
      tasks.set(id, {
        id,
        phase: "Open",
        input: a.input,
        inputHash: a.inputHash,
        inputURI: a.inputURI,
        items: 1,
        postedBlock: ev.blockNumber,
        task: {
          requester: a.requester, fee: a.fee, modelId: Number(a.modelId), computeUnits: Number(a.computeUnits),
          deadline: Number(a.deadline), postedAt: Number(a.postedAt), postBlock: a.postBlock, callback: a.callback,
          callbackGas: Number(a.callbackGas), keeper: ZERO, bond: 0n, since: 0, resultHash: ZERO32,
        },
      });
      changed.add(id);
      return;
    }
    const t = tasks.get(id);
    if (!t) return;
    changed.add(id);
    switch (ev.eventName) {
      case "LotPosted":
        t.items = Number(a.items);
        break;
      case "TaskClaimed":
        Object.assign(t.task, { keeper: a.keeper, bond: a.bond, since: Number(a.since) });
        t.phase = "Claimed";
        break;
      case "ResultSubmitted":
        Object.assign(t.task, { since: Number(a.since), resultHash: a.resultHash });
        t.output = a.output;
        t.outputUri = a.uri;
        t.phase = "Submitted";
        break;
      case "TaskChallenged":
        t.challenge = { challenger: a.challenger, resultHash: a.resultHash, output: a.output, uri: a.uri, bond: a.bond };
        t.phase = "Challenged";
        break;
      case "RivalJoined":
        t.rival = { rival: a.rival, resultHash: a.resultHash, output: a.output, uri: a.uri, bond: a.bond };
        break;
      case "DisputeOpened":
        t.dispute = { round: 0, jurors: [], commitEnd: 0, revealEnd: 0, seedBlock: a.seedBlock, committed: new Set(), revealed: new Map() };
        break;
      case "JuryReseeded":
        if (t.dispute) t.dispute.seedBlock = a.seedBlock;
        break;
      case "JuryDrawn":
        t.dispute = {
          seedBlock: t.dispute?.seedBlock ?? 0n, round: Number(a.round), jurors: [...a.jurors],
          commitEnd: Number(a.commitEnd), revealEnd: Number(a.revealEnd), committed: new Set(), revealed: new Map(),
        };
        break;
      case "VoteCommitted":
        t.dispute?.committed.add((a.juror as string).toLowerCase());
        break;
      case "VoteRevealed":
        t.dispute?.revealed.set((a.juror as string).toLowerCase(), Number(a.vote));
        break;
      case "DisputeEscalated":
        if (t.dispute) {
          t.dispute.jurors = [];
          t.dispute.toArbiter = a.toArbiter;
        }
        break;
      case "DisputeResolved":
        if (t.dispute) t.dispute.outcome = Number(a.outcome);
        break;
      case "TaskFinalized":
        t.phase = "Finalized";
        t.final = { keeper: a.keeper, resultHash: a.resultHash };
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
