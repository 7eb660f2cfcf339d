// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ITaskMarketTypes} from "./ITaskMarketTypes.sol";

/// @title The task market: paid, optimistic ML inference
/// @notice Lifecycle: post ─► claim ─► submit ─(challengeWindow)─► finalize; a challenge hands the
///         task to the court (ITaskCourt); a task without result by its deadline expires with a full
///         refund.
///
///         Storage holds ONE word per live task: `keccak256(abi.encode(task))` with its low byte
///         replaced by the `TaskStatus`. Every call that touches a task takes the current `Task`
///         struct as calldata and the market checks it against that word ("task commitment").
///         Callers rebuild the struct from events: `TaskPosted` gives the posted fields,
///         `TaskClaimed` sets keeper/bond/since, `ResultSubmitted` sets since/resultHash,
///         `TaskChallenged` (status only). A closed task (finalized, expired or resolved) has its word
///         deleted: `statusOf` is then `None`; the closing event tells what happened.
///
///         Finalize does not move PAR nor call the registry's reward or the emission pool: a
///         keeper's pay, the protocol fee and the work credit accrue in its account in the market
///         (one storage slot) and `flush` pays them out; the pool keeps an epoch with unflushed
///         work open (see docs/market.md).
///
///         A lot (`items` > 1) is one task carrying many inputs of one model: the cheap way to
///         buy many inferences, since it stores one word for all of them (see PostParams).
///
///         Task ids are sequential from 1. The input is never stored: its bytes (or hash + URI) are
///         only emitted in `TaskPosted`, which binds them to the id.
/// @dev Amounts are PAR base units (8 decimals). Governance parameters (names for `setParameter`
///      and `ParameterSet`): "assignWindow", "claimTimeout", "challengeWindow", "bondMultiplierBps",
///      "challengeBond", "protocolFeeBps", "zeroFeeCreditBps", "policyModelId", "zeroFeeLimit",
///      "zeroFeePeriod", "livenessPenaltyBps", "maxCallbackGas", "backingBps".
interface ITaskMarket is ITaskMarketTypes {
    // ------------------------------------------------------------------ requesters

    /// @notice Posts a task. Its fee comes from the caller's deposit when the deposit covers it,
    ///         else it is pulled by transferFrom (approve the market first). Every post does this.
    /// @return id the new task id
    function post(PostParams calldata p) external returns (uint256 id);

    /// @notice `post` with an EIP-2612 permit in the same call.
    function postWithPermit(PostParams calldata p, Permit calldata permit) external returns (uint256 id);

    /// @notice Posts many tasks, collecting the summed fee once (deposit or transferFrom, as `post`). Ids are `firstId .. firstId + n - 1`.
    function postBatch(PostParams[] calldata ps) external returns (uint256 firstId);

    /// @notice Posts an agent's signed request; the fee (and `relayerFee` to msg.sender) come from
    ///         `req.requester`'s deposit if it covers both, else are pulled from it, using
    ///         `permit` if its `deadline` is nonzero.
    /// @param input inline input (may be empty: then `inputURI` and req.inputHash describe it)
    function postSigned(
        Request calldata req,
        bytes calldata input,
        string calldata inputURI,
        bytes calldata signature,
        Permit calldata permit
    ) external returns (uint256 id);

    /// @notice Adds `amount` (pulled from the caller) to `requester`'s deposit, which pays its
    ///         future fees without an approval per post and for less gas.
    function deposit(address requester, uint256 amount) external;

    /// @notice `deposit` with an EIP-2612 permit from the caller in the same call.
    function depositWithPermit(address requester, uint256 amount, Permit calldata permit) external;

    /// @notice Sends `amount` of the caller's unused deposit back to it, at any time.
    ///         Reverts `InsufficientDeposit` beyond it.
    function withdrawDeposit(uint256 amount) external;

    /// @notice Refunds tasks whose deadline passed without a result (Open or Claimed), and tasks
    ///         whose output was never delivered: a callback or policy task submitted by hash that
    ///         nobody finalized with its bytes by the later of its deadline and `DELIVERY_GRACE`
    ///         (1 day) after its challenge window.
    ///         Anyone. A claimant pays `livenessPenaltyBps` of its bond to the requester.
    function expire(uint256[] calldata ids, Task[] calldata tasks) external;

    // ------------------------------------------------------------------ keepers

    /// @notice Claims an open task (or one whose claim lapsed) and locks the bond from the caller's
    ///         pool. Inside `assignWindow` after the post only the drawn assignee may claim.
    function claim(uint256 id, Task calldata task) external;

    /// @notice Claims many tasks; one bond lock for their summed bonds.
    function claimBatch(uint256[] calldata ids, Task[] calldata tasks) external;

    /// @notice Claims a task and submits its canonical output inline in one call, for a keeper
    ///         that ran the task before claiming it: the same checks and bond as `claim`, then as
    ///         `submit`. Emits `TaskClaimed` and `ResultSubmitted`.
    function claimAndSubmit(uint256 id, Task calldata task, bytes calldata output) external;

    /// @notice `claimAndSubmit` for many tasks; one bond lock for their summed bonds.
    function claimAndSubmitBatch(uint256[] calldata ids, Task[] calldata tasks, bytes[] calldata outputs) external;

    /// @notice Submits the canonical output inline (emitted); resultHash = keccak256(output).
    function submit(uint256 id, Task calldata task, bytes calldata output) external;

    /// @notice Submits a result hash with a URI to the output (large outputs).
    function submitHash(uint256 id, Task calldata task, bytes32 resultHash, string calldata uri) external;

    /// @notice Submits many inline outputs.
    function submitBatch(uint256[] calldata ids, Task[] calldata tasks, bytes[] calldata outputs) external;

    /// @notice Commits to a challenge of task `id`: `commitment` = keccak256(abi.encode(id,
    ///         resultHash, challenger)). Nothing in it reveals the result or can be used by another
    ///         address, so a copycat who sees the challenge that follows cannot front-run it. The
    ///         first commitment of a value stands (a copy does not push it back). Anyone.
    function commitChallenge(uint256 id, bytes32 commitment) external;

    /// @notice Challenges a submitted result inside the challenge window with a different output,
    ///         locking a bond of max(task.bond, challengeBond) from the caller's pool, and opens a
    ///         dispute in the court. The caller must be an active keeper other than the submitter,
    ///         and must have committed to this challenge (`commitChallenge`) in an earlier block.
    /// @param output the challenger's canonical output inline (or empty with `resultHash` + `uri`)
    function challenge(uint256 id, Task calldata task, bytes32 resultHash, bytes calldata output, string calldata uri)
        external;

    /// @notice Finalizes submitted tasks whose challenge window passed. Anyone. Pays each keeper's
    ///         pool (fee − protocol fee), unlocks bonds, credits work, then runs callbacks.
    /// @param outputs per task, the canonical output: required (hash-checked) when the task has a
    ///        callback or is a policy task, otherwise may be empty; `outputs` may be empty if no task needs one
    function finalize(uint256[] calldata ids, Task[] calldata tasks, bytes[] calldata outputs) external;

    /// @notice Pays out the accounts of `keepers_`: accrued pay to each keeper's pool
    ///         (KeeperRegistry.reward), accrued work to the emission pool for the epoch it was done
    ///         in, protocol fees to `protocolFees`. Anyone; an epoch with unflushed work cannot close.
    function flush(address[] calldata keepers_) external;

    /// @notice Sends accrued protocol fees to the treasury. Anyone.
    function withdrawProtocolFees() external returns (uint256 amount);

    // ------------------------------------------------------------------ court (the TaskCourt only)

    /// @notice Closes a challenged task after its dispute. `keeper` is the winner whose `resultHash`
    ///         stands (its pool is paid, its work credited, the callback runs with `output`);
    ///         `keeper == address(0)` means no valid result: full refund to the requester.
    ///         Bonds are settled by the court.
    function settle(uint256 id, Task calldata task, address keeper, bytes32 resultHash, bytes calldata output)
        external;

    // ------------------------------------------------------------------ governance

    /// @notice Sets governance parameter `name` within its bounds. Only DEFAULT_ADMIN_ROLE (the timelock).
    function setParameter(bytes32 name, uint256 value) external;

    /// @notice Sets the court, once. Only DEFAULT_ADMIN_ROLE (the deployer, at deployment).
    function setCourt(address court) external;

    /// @notice Sets the treasury that receives protocol fees. Only DEFAULT_ADMIN_ROLE.
    function setTreasury(address treasury) external;

    // ------------------------------------------------------------------ views

    /// @notice keccak256(abi.encode(task)) with the low byte set to `status`: the stored word.
    function commitmentOf(Task calldata task, TaskStatus status) external pure returns (bytes32);
    /// @notice The status of task `id` (`None` when unknown or closed).
    function statusOf(uint256 id) external view returns (TaskStatus);
    /// @notice The stored word of task `id`.
    function taskWord(uint256 id) external view returns (bytes32);
    /// @notice The keeper drawn for the exclusive window: stake-weighted among active keepers that
    ///         serve the model, seeded by blockhash(postBlock + 1) and `id` (0 if none can be drawn
    ///         or the seed block is not yet mined / older than 256 blocks).
    function assigneeOf(uint256 id, Task calldata task) external view returns (address);
    /// @notice Bond a claimant locks for a task with `fee`: 0 for zero-fee tasks, otherwise
    ///         max(challengeBond, fee × bondMultiplierBps / 10_000).
    function bondFor(uint256 fee) external view returns (uint256);
    /// @notice The smallest nonzero fee accepted for `modelId` now (minFeePerCU × CU), and its CU.
    function quote(uint32 modelId) external view returns (uint256 minFee, uint32 computeUnits);
    /// @notice Next task id to be assigned.
    function nextTaskId() external view returns (uint256);
    /// @notice What `keeper`'s account holds, not yet flushed: pay for its pool, protocol fees,
    ///         and work units of `epoch`.
    function accountOf(address keeper)
        external
        view
        returns (uint256 pay, uint256 protocolFee, uint64 epoch, uint256 credit);
    /// @notice Protocol fees flushed from keeper accounts, not yet withdrawn.
    function protocolFees() external view returns (uint256);
    /// @notice The EIP-712 digest a requester signs for `req`.
    function requestDigest(Request calldata req) external view returns (bytes32);
    /// @notice Whether `requester`'s unordered nonce was used by a signed request.
    function nonceUsed(address requester, uint256 nonce) external view returns (bool);
    /// @notice Zero-fee tasks `requester` may still post in the current period.
    function zeroFeeAllowance(address requester) external view returns (uint256);
    /// @notice `requester`'s unused deposit (PAR base units).
    function depositOf(address requester) external view returns (uint256);

    function assignWindow() external view returns (uint256);
    function claimTimeout() external view returns (uint256);
    function challengeWindow() external view returns (uint256);
    function bondMultiplierBps() external view returns (uint256);
    function challengeBond() external view returns (uint256);
    function protocolFeeBps() external view returns (uint256);
    function zeroFeeCreditBps() external view returns (uint256);
    function policyModelId() external view returns (uint32);
    /// @notice Records closed epoch `epoch`'s metrics (its work, contributors and schedule come
    ///         from the pool; the rest the market tallied while it ran) and posts the protocol's
    ///         policy task on them: zero-fee, the market its requester, its result proposed to
    ///         the pool. Only the emission pool, from `closeEpoch`. Emits `EpochMeasured`.
    /// @return id the policy task, or 0 when no policy model is approved
    function postPolicyTask(uint64 epoch, uint256 work, uint256 contributors, uint256 scheduleBps)
        external
        returns (uint256 id);
    /// @notice The policy input for the epoch after `epoch`: `epoch`'s metrics then `epoch − 1`'s,
    ///         as keepers/src/policy-io.ts defines them (zeros for an epoch not recorded).
    function policyInput(uint64 epoch) external view returns (int64[16] memory);
    function zeroFeeLimit() external view returns (uint256);
    function zeroFeePeriod() external view returns (uint256);
    function livenessPenaltyBps() external view returns (uint256);
    function maxCallbackGas() external view returns (uint256);
    /// @notice The share of a task's protocol fee that its work may earn back as emission (its
    ///         backing), in bps, at most 9,000: so that paying fees to oneself always loses PAR.
    function backingBps() external view returns (uint256);
    function treasury() external view returns (address);
    function court() external view returns (address);
    /// @notice Most inputs one task (a lot) may carry.
    function MAX_ITEMS() external view returns (uint256);
}
