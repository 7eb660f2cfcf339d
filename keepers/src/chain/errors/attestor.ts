/** Sentences for the Attestor's errors (benchmarks and canaries). */
import { when, type Table } from "./format.js";

export const attestorSentences: Table = {
  AlreadyAttested: (a) => `${a.keeper} passed its benchmark already; it needs no other`,
  ModelNotServed: (a) => `${a.keeper} does not serve model ${a.modelId}; ask for a benchmark of a model it serves (par keeper models)`,
  InvalidDeclaredTime: (a) => `an answer time of ${a.declared} s cannot be declared; declare 1 to ${a.max} seconds`,
  NoRequest: (a) => `${a.keeper} has no benchmark request pending; it must requestBenchmark first`,
  UnknownBenchmark: (a) => `no benchmark ${a.id} is open (never issued, or judged already)`,
  NotYourBenchmark: (a) => `benchmark ${a.id} is for ${a.keeper}; only it may answer`,
  BenchmarkClosed: (a, c) => `benchmark ${a.id} took answers until ${when(a.deadline, c)}; ask for another benchmark`,
  AlreadyAnswered: (a) => `benchmark ${a.id} was answered already; one answer each`,
  BenchmarkPending: (a, c) => `benchmark ${a.id} can be judged once answered, or after ${when(a.deadline, c)}`,
  BadAnswerReveal: () => "the revealed answer and salt do not match the committed answer; reveal what was committed",
  UnknownCanary: (a) => `no canary answer was committed for task ${a.taskId} with this answer and salt`,
  CanaryTooLate: (a, c) =>
    `the canary answer for task ${a.taskId} was committed at ${when(a.committedAt, c)}, not before the result at ${when(a.since, c)}; it cannot convict`,
  NotRequester: (a) => `only task ${a.taskId}'s requester, ${a.requester}, may convict on it as a canary`,
  NoLie: (a) => `task ${a.taskId}'s result is the committed answer: there is no lie to convict`,
  NotAttestor: (a) => `only the attestor may do this, and ${a.caller} is not it`,
  AttestorAlreadySet: (a) => `the attestor is set already (to ${a.attestor}) and cannot change`,
};
