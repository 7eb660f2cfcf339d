import { keccak256, parseEventLogs, toHex, type Hex } from "viem";
import { benchmarkCommitment, canaryKey } from "../../keepers/src/attestation/commitments.js";
import type { MarketFixture } from "./market.js";

export { benchmarkCommitment, canaryKey };

export const CANARY_ROLE = keccak256(toHex("CANARY_ROLE"));
type Wallet = MarketFixture["admin"];


/**
 * Deploys the Attestor over `f`'s registry and court (admin: `f.admin`, standing in for the
 * timelock), grants CANARY_ROLE to `service` (default: a wallet `f` uses for nothing else) and
 * names it the registry's attestor. Keepers registered before this call stay attested.
 */
export async function deployAttestor(f: MarketFixture, service: Wallet = f.wallets[17] ?? f.admin) {
  const attestor = await f.viem.deployContract("Attestor", [f.keepers.address, f.court.address, f.admin.account.address]);
  await attestor.write.grantRole([CANARY_ROLE, service.account.address]);
  await f.keepers.write.setAttestor([attestor.address]);
  const as = (w: Wallet) => ({ account: w.account });

  /** The service issues `keeper`'s requested benchmark (answer `answerHash`); returns its id and deadline. */
  async function issue(keeper: Wallet, answerHash: Hex, salt: Hex, input: Hex = "0x0102") {
    const commitment = benchmarkCommitment(keeper.account.address, answerHash, salt);
    const hash = await attestor.write.issueBenchmark([keeper.account.address, input, commitment], as(service));
    const receipt = await f.publicClient.waitForTransactionReceipt({ hash });
    const [log] = parseEventLogs({ abi: attestor.abi, logs: receipt.logs, eventName: "BenchmarkIssued" });
    return { id: log.args.id, deadline: BigInt(log.args.deadline) };
  }

  const request = (keeper: Wallet, modelId = 1, declaredSeconds = 60) =>
    attestor.write.requestBenchmark([modelId, declaredSeconds], as(keeper));
  const answer = (keeper: Wallet, id: bigint, resultHash: Hex) => attestor.write.answerBenchmark([id, resultHash], as(keeper));
  const judge = (id: bigint, answerHash: Hex, salt: Hex, by: Wallet = service) =>
    attestor.write.judgeBenchmark([id, answerHash, salt], as(by));
  /** The service commits task `taskId`'s canary answer (a transaction of its own). */
  const commitCanary = (taskId: bigint, answerHash: Hex, salt: Hex) =>
    attestor.write.commitCanary([canaryKey(taskId, answerHash, salt)], as(service));
  /** Convicts as the task's own requester (the canary's poster), unless `by` is given. */
  const convict = (taskId: bigint, answerHash: Hex, salt: Hex, by: Wallet = f.byAddress(f.book.get(taskId)!.requester)) =>
    attestor.write.convict([taskId, f.book.get(taskId)!, answerHash, salt], as(by));

  return { attestor, service, issue, request, answer, judge, commitCanary, convict };
}

export type AttestorFixture = Awaited<ReturnType<typeof deployAttestor>>;
