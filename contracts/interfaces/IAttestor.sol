// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ITaskMarketTypes} from "./ITaskMarketTypes.sol";

/// @title Attestation by useful work (docs/design.md §4): benchmarks and canaries
/// @notice **Benchmarks.** A keeper registers unattested (IKeeperRegistry.setAttestor) and is not
///         active, so never drawn, until it passes a benchmark: it `requestBenchmark`s a model it
///         serves with its declared time; the canary service (CANARY_ROLE, appointed by
///         governance) `issueBenchmark`s an input whose answer it committed in advance; the keeper
///         `answerBenchmark`s its result hash within the declared time; the service
///         `judgeBenchmark`s by revealing the answer, and a right, timely answer attests the keeper.
///         **Canaries.** The service posts ordinary market tasks (a keeper cannot tell them from
///         others) and `commitCanary`s keccak256(abi.encode(taskId, answerHash, salt)), which
///         names no task. A submitted result that differs from the committed answer is a provable
///         lie: `convict` (with the salt) has the court slash the submitter without a jury and
///         refund the requester. The commitment must predate the result (`since`).
/// @dev Trust: the canary service is trusted to commit right answers, like the arbiter to rule
///      truthfully. Its commitments name no task, so the contract cannot stop it from committing
///      two answers for one canary and convicting with the one the result misses: it picks inputs
///      whose canonical outputs are far from rounding boundaries, every conviction is public and
///      re-runnable (the input is on chain, `CanaryConvicted` names the answer), and governance
///      appoints and revokes it. What the contract does bound: only a canary's own requester may
///      convict (never a user's task), only with an answer committed before the result, only while
///      the task is Submitted and undisputed, and never a result equal to the revealed answer.
interface IAttestor {
    /// @notice `keeper` asks for a benchmark of `modelId`, declaring it answers within `declaredSeconds`.
    event BenchmarkRequested(address indexed keeper, uint32 modelId, uint32 declaredSeconds);
    /// @notice Benchmark `id` for `keeper`: run `input` (a tensor bundle of `modelId`) and answer by `deadline`.
    event BenchmarkIssued(uint256 indexed id, address indexed keeper, uint32 modelId, uint40 deadline, bytes input);
    /// @notice `keeper` answered benchmark `id` with `resultHash`.
    event BenchmarkAnswered(uint256 indexed id, address indexed keeper, bytes32 resultHash);
    /// @notice Benchmark `id` was judged against the revealed `answerHash`: `passed` attests `keeper`.
    event BenchmarkJudged(uint256 indexed id, address indexed keeper, bytes32 answerHash, bool passed);
    /// @notice The submitter of task `taskId`, `keeper`, lied on a canary whose answer was `answerHash`.
    event CanaryConvicted(uint256 indexed taskId, address indexed keeper, bytes32 answerHash);

    /// @notice `keeper` is not registered in the keeper registry.
    error NotRegistered(address keeper);
    /// @notice `keeper` is attested already: it needs no benchmark.
    error AlreadyAttested(address keeper);
    /// @notice `keeper` does not serve `modelId`.
    error ModelNotServed(address keeper, uint32 modelId);
    /// @notice A declared time must be 1 to `max` seconds; `declared` is not.
    error InvalidDeclaredTime(uint256 declared, uint256 max);
    /// @notice `keeper` has no benchmark request pending.
    error NoRequest(address keeper);
    /// @notice No benchmark `id` is open.
    error UnknownBenchmark(uint256 id);
    /// @notice Benchmark `id` is for `keeper`, not the caller.
    error NotYourBenchmark(uint256 id, address keeper);
    /// @notice Benchmark `id` closed for answers at `deadline`.
    error BenchmarkClosed(uint256 id, uint256 deadline);
    /// @notice Benchmark `id` was answered already.
    error AlreadyAnswered(uint256 id);
    /// @notice Benchmark `id` can be judged once answered, or after its deadline at `deadline`.
    error BenchmarkPending(uint256 id, uint256 deadline);
    /// @notice The revealed answer and salt do not match the commitment.
    error BadAnswerReveal();
    /// @notice No canary commitment matches task `taskId` with this answer and salt.
    error UnknownCanary(uint256 taskId);
    /// @notice The canary of task `taskId` was committed at `committedAt`, not before its result at `since`.
    error CanaryTooLate(uint256 taskId, uint256 committedAt, uint256 since);
    /// @notice The result of task `taskId` is the committed answer: no lie.
    error NoLie(uint256 taskId);
    /// @notice Only task `taskId`'s requester, `requester`, may convict on it (a canary is its own requester's).
    error NotRequester(uint256 taskId, address requester);

    /// @notice Asks for a benchmark of `modelId` (a model the caller serves), answered within
    ///         `declaredSeconds` (1 to MAX_DECLARED_SECONDS) of its issue. A new request replaces a pending one.
    function requestBenchmark(uint32 modelId, uint32 declaredSeconds) external;

    /// @notice Issues `keeper`'s requested benchmark: `input` to run, its answer committed as
    ///         keccak256(abi.encode(keeper, answerHash, salt)). Only CANARY_ROLE.
    function issueBenchmark(address keeper, bytes calldata input, bytes32 commitment) external returns (uint256 id);

    /// @notice Answers benchmark `id` with the hash of the canonical output. Only its keeper, by its deadline.
    function answerBenchmark(uint256 id, bytes32 resultHash) external;

    /// @notice Reveals benchmark `id`'s answer; a right answer given in time attests its keeper.
    ///         Only CANARY_ROLE, once answered or after the deadline.
    function judgeBenchmark(uint256 id, bytes32 answerHash, bytes32 salt) external;

    /// @notice Commits a canary's answer: `key` = keccak256(abi.encode(taskId, answerHash, salt)).
    ///         Only CANARY_ROLE; no event, so nothing marks the task.
    function commitCanary(bytes32 key) external;

    /// @notice Convicts the submitter of canary task `taskId` whose result differs from the answer
    ///         committed before it: the court slashes it without a jury and refunds the requester.
    ///         Only the task's requester (the canary service posted it), holding the salt.
    /// @param task the task as stored (Submitted)
    function convict(uint256 taskId, ITaskMarketTypes.Task calldata task, bytes32 answerHash, bytes32 salt) external;

    /// @notice When the canary `key` was committed (0: never).
    function canaryCommittedAt(bytes32 key) external view returns (uint256);
    /// @notice The role of the canary service, which issues and judges benchmarks and commits canaries.
    function CANARY_ROLE() external view returns (bytes32);
    /// @notice The longest answer time a keeper may declare.
    function MAX_DECLARED_SECONDS() external view returns (uint256);
}
