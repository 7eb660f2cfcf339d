// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IGoverned} from "./IGoverned.sol";

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
///         Task ids are sequential from 1. The input is never stored: its bytes (or hash + URI) are
///         only emitted in `TaskPosted`, which binds them to the id.
/// @dev Amounts are PAR base units (8 decimals). Governance parameters (names for `setParameter`
///      and `ParameterSet`): "assignWindow", "claimTimeout", "challengeWindow", "bondMultiplierBps",
///      "challengeBond", "protocolFeeBps", "zeroFeeCreditBps", "policyModelId", "zeroFeeLimit",
///      "zeroFeePeriod", "livenessPenaltyBps", "maxCallbackGas".
interface ITaskMarket is IGoverned {
    /// @notice Where a task stands. Closed tasks read `None` (their word is deleted).
    enum TaskStatus {
        None,
        Open,
        Claimed,
        Submitted,
        Challenged
    }

    /// @notice The full state of a task, passed as calldata and checked against the stored word.
    /// @param requester who paid (and gets refunds); for a signed request, the signer
    /// @param fee escrowed fee (0 = zero-fee genesis task)
    /// @param modelId the model (approved when posted)
    /// @param computeUnits the model's CU when posted (credited to the keeper on finalize)
    /// @param deadline a result must be submitted by this time (unix seconds), else the task expires
    /// @param postedAt block timestamp of the post (the exclusive assign window runs from it)
    /// @param postBlock block number of the post; the assignment seed is blockhash(postBlock + 1)
    /// @param callback contract called with the result on finalize (0: none)
    /// @param callbackGas gas given to the callback
    /// @param keeper the claimant (0 while open)
    /// @param bond bond locked from the claimant's pool stake
    /// @param since when claimed (Claimed) or when the result was submitted (Submitted, Challenged)
    /// @param resultHash keccak256 of the canonical output bytes (0 until submitted)
    struct Task {
        address requester;
        uint96 fee;
        uint32 modelId;
        uint32 computeUnits;
        uint40 deadline;
        uint40 postedAt;
        uint64 postBlock;
        address callback;
        uint32 callbackGas;
        address keeper;
        uint96 bond;
        uint40 since;
        bytes32 resultHash;
    }

    /// @notice What a requester posts.
    /// @param input inline input bytes (canonical tensor bundle), <= the model's maxInputBytes; emitted, not stored
    /// @param inputHash used only when `input` is empty: hash of the input published at `inputURI`
    /// @param inputURI where a large input can be fetched (may be empty with inline input)
    struct PostParams {
        uint32 modelId;
        uint96 fee;
        uint40 deadline;
        address callback;
        uint32 callbackGas;
        bytes input;
        bytes32 inputHash;
        string inputURI;
    }

    /// @notice An EIP-2612 permit for the market (spender), used by `postWithPermit` and `postSigned`.
    ///         A permit that fails (e.g. front-run) is ignored if the allowance already suffices.
    struct Permit {
        uint256 value;
        uint256 deadline;
        uint8 v;
        bytes32 r;
        bytes32 s;
    }

    /// @notice An agent's EIP-712 signed request, posted by any relayer (domain "ParadigmTaskMarket", "1").
    ///         Typehash: `Request(address requester,uint32 modelId,uint96 fee,uint40 deadline,address callback,uint32 callbackGas,bytes32 inputHash,uint96 relayerFee,uint256 nonce,uint40 expiry)`.
    /// @param inputHash keccak256 of the input bytes (checked against inline input if given)
    /// @param relayerFee paid by the requester to the relayer (msg.sender) on top of the fee
    /// @param nonce unordered: any unused value (bitmap per requester)
    /// @param expiry the signature is void after this time
    struct Request {
        address requester;
        uint32 modelId;
        uint96 fee;
        uint40 deadline;
        address callback;
        uint32 callbackGas;
        bytes32 inputHash;
        uint96 relayerFee;
        uint256 nonce;
        uint40 expiry;
    }

    // ------------------------------------------------------------------ events

    /// @notice Task `id` was posted. Rebuild the `Task` from these fields (keeper, bond, since,
    ///         resultHash are 0). `inputHash` = keccak256(input) for inline input.
    event TaskPosted(
        uint256 indexed id,
        address indexed requester,
        uint32 indexed modelId,
        uint96 fee,
        uint32 computeUnits,
        uint40 deadline,
        uint40 postedAt,
        uint64 postBlock,
        address callback,
        uint32 callbackGas,
        bytes32 inputHash,
        bytes input,
        string inputURI
    );
    /// @notice `keeper` claimed task `id`, locking `bond`, at `since`.
    event TaskClaimed(uint256 indexed id, address indexed keeper, uint96 bond, uint40 since);
    /// @notice A lapsed claim by `keeper` was taken over; `penalty` of its bond went to the requester.
    event ClaimLapsed(uint256 indexed id, address indexed keeper, uint256 penalty);
    /// @notice `keeper` submitted `resultHash` at `since`; `output` inline (or empty with `uri`).
    event ResultSubmitted(
        uint256 indexed id, address indexed keeper, bytes32 resultHash, uint40 since, bytes output, string uri
    );
    /// @notice Task `id` was challenged; the dispute runs in the court.
    event TaskChallenged(uint256 indexed id, address indexed challenger, bytes32 resultHash, uint96 bond, bytes output, string uri);
    /// @notice Task `id` finalized: `keeper`'s pool got `keeperAmount`, the treasury accrued
    ///         `protocolFee`, `credited` work units went to `keeper` in the emission pool.
    event TaskFinalized(
        uint256 indexed id, address indexed keeper, bytes32 resultHash, uint256 keeperAmount, uint256 protocolFee, uint256 credited
    );
    /// @notice Task `id` expired: `refund` went back to `requester`; a claimant paid `penalty` to it.
    event TaskExpired(uint256 indexed id, address indexed requester, uint256 refund, uint256 penalty);
    /// @notice The court closed task `id` without a valid result: `refund` went back to `requester`.
    event TaskRefunded(uint256 indexed id, address indexed requester, uint256 refund);
    /// @notice The callback of task `id` ran (`success`) or failed; never blocks the finalize.
    event CallbackResult(uint256 indexed id, address indexed callback, bool success);
    /// @notice A policy task finalized and proposed (`accepted`) its output to the emission pool.
    event PolicyResult(uint256 indexed id, uint64 epoch, uint32 multiplierBps, uint96 minFeePerCU, bool accepted);
    /// @notice Accrued protocol fees were sent to the treasury.
    event ProtocolFeesWithdrawn(address indexed treasury, uint256 amount);
    /// @notice The treasury address changed.
    event TreasurySet(address indexed treasury);

    // ------------------------------------------------------------------ errors

    /// @notice The `Task` given does not match the stored commitment of `id` (stale, forged or closed).
    error TaskMismatch(uint256 id);
    /// @notice Task `id` is in `status`, the call needs another one.
    error WrongStatus(uint256 id, TaskStatus status);
    /// @notice The model is not approved (status as in IModelRegistry).
    error ModelNotApproved(uint32 modelId, uint8 status);
    /// @notice The inline input is longer than the model allows.
    error InputTooLarge(uint256 length, uint256 maxInputBytes);
    /// @notice Neither inline input nor an input hash was given.
    error EmptyInput();
    /// @notice The fee is below minFeePerCU × CU (and not zero).
    error FeeBelowMinimum(uint256 fee, uint256 minimum);
    /// @notice The deadline is in the past or further than MAX_TASK_DURATION ahead.
    error InvalidDeadline(uint256 deadline);
    /// @notice Callback gas is 0 with a callback set, or above maxCallbackGas.
    error InvalidCallbackGas(uint256 gas, uint256 maxGas);
    /// @notice `requester` used up its zero-fee tasks for this period; more from `resetsAt`.
    error ZeroFeeRateLimited(address requester, uint256 resetsAt);
    /// @notice Empty batch, or array lengths differ.
    error InvalidBatch();
    /// @notice During the exclusive window only the drawn `assignee` may claim.
    error NotAssignee(address caller, address assignee);
    /// @notice `keeper` is not active or does not serve `modelId`.
    error NotEligible(address keeper, uint32 modelId);
    /// @notice The task is claimed and its claim has not lapsed (until `lapsesAt`).
    error ClaimNotLapsed(uint256 id, uint256 lapsesAt);
    /// @notice The deadline (`deadline`) has passed.
    error DeadlinePassed(uint256 id, uint256 deadline);
    /// @notice Only the claimant may submit.
    error NotClaimant(address caller, address keeper);
    /// @notice The challenge window closed at `closedAt`.
    error ChallengeWindowClosed(uint256 id, uint256 closedAt);
    /// @notice The challenge window is still open until `endsAt`.
    error ChallengeWindowOpen(uint256 id, uint256 endsAt);
    /// @notice The submitter cannot challenge itself, and a challenge must post a different result.
    error InvalidChallenge(uint256 id);
    /// @notice The deadline has not passed yet.
    error NotExpired(uint256 id, uint256 deadline);
    /// @notice The output given does not hash to the result being finalized.
    error OutputMismatch(uint256 id, bytes32 expected, bytes32 actual);
    /// @notice The finalizer gave too little gas for the callback (`needed` left before the call).
    error InsufficientCallbackGas(uint256 id, uint256 needed, uint256 left);
    /// @notice The signed request's signature is invalid.
    error InvalidSignature(address requester);
    /// @notice The signed request expired at `expiry`.
    error RequestExpired(uint256 expiry);
    /// @notice The signed request's nonce was already used.
    error NonceUsed(address requester, uint256 nonce);
    /// @notice Only the court may call this.
    error NotCourt(address caller);
    /// @notice A zero address was given.
    error ZeroAddress();

    // ------------------------------------------------------------------ requesters

    /// @notice Posts a task, pulling `p.fee` from the caller (approve the market first).
    /// @return id the new task id
    function post(PostParams calldata p) external returns (uint256 id);

    /// @notice `post` with an EIP-2612 permit in the same call.
    function postWithPermit(PostParams calldata p, Permit calldata permit) external returns (uint256 id);

    /// @notice Posts many tasks, pulling the summed fee once. Ids are `firstId .. firstId + n - 1`.
    function postBatch(PostParams[] calldata ps) external returns (uint256 firstId);

    /// @notice Posts an agent's signed request; the fee (and `relayerFee` to msg.sender) are pulled
    ///         from `req.requester`, using `permit` if its `deadline` is nonzero.
    /// @param input inline input (may be empty: then `inputURI` and req.inputHash describe it)
    function postSigned(
        Request calldata req,
        bytes calldata input,
        string calldata inputURI,
        bytes calldata signature,
        Permit calldata permit
    ) external returns (uint256 id);

    /// @notice Refunds tasks whose deadline passed without a result (Open or Claimed). Anyone.
    ///         A claimant pays `livenessPenaltyBps` of its bond to the requester.
    function expire(uint256[] calldata ids, Task[] calldata tasks) external;

    // ------------------------------------------------------------------ keepers

    /// @notice Claims an open task (or one whose claim lapsed) and locks the bond from the caller's
    ///         pool. Inside `assignWindow` after the post only the drawn assignee may claim.
    function claim(uint256 id, Task calldata task) external;

    /// @notice Claims many tasks; one bond lock for their summed bonds.
    function claimBatch(uint256[] calldata ids, Task[] calldata tasks) external;

    /// @notice Submits the canonical output inline (emitted); resultHash = keccak256(output).
    function submit(uint256 id, Task calldata task, bytes calldata output) external;

    /// @notice Submits a result hash with a URI to the output (large outputs).
    function submitHash(uint256 id, Task calldata task, bytes32 resultHash, string calldata uri) external;

    /// @notice Submits many inline outputs.
    function submitBatch(uint256[] calldata ids, Task[] calldata tasks, bytes[] calldata outputs) external;

    /// @notice Challenges a submitted result inside the challenge window with a different output,
    ///         locking a bond of max(task.bond, challengeBond) from the caller's pool, and opens a
    ///         dispute in the court. The caller must be an active keeper other than the submitter.
    /// @param output the challenger's canonical output inline (or empty with `resultHash` + `uri`)
    function challenge(uint256 id, Task calldata task, bytes32 resultHash, bytes calldata output, string calldata uri)
        external;

    /// @notice Finalizes submitted tasks whose challenge window passed. Anyone. Pays each keeper's
    ///         pool (fee − protocol fee), unlocks bonds, credits work, then runs callbacks.
    /// @param outputs per task, the canonical output: required (hash-checked) when the task has a
    ///        callback or is a policy task, otherwise may be empty; `outputs` may be empty if no task needs one
    function finalize(uint256[] calldata ids, Task[] calldata tasks, bytes[] calldata outputs) external;

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
    /// @notice Protocol fees accrued, not yet withdrawn.
    function protocolFees() external view returns (uint256);
    /// @notice Whether `requester`'s unordered nonce was used by a signed request.
    function nonceUsed(address requester, uint256 nonce) external view returns (bool);
    /// @notice Zero-fee tasks `requester` may still post in the current period.
    function zeroFeeAllowance(address requester) external view returns (uint256);

    function assignWindow() external view returns (uint256);
    function claimTimeout() external view returns (uint256);
    function challengeWindow() external view returns (uint256);
    function bondMultiplierBps() external view returns (uint256);
    function challengeBond() external view returns (uint256);
    function protocolFeeBps() external view returns (uint256);
    function zeroFeeCreditBps() external view returns (uint256);
    function policyModelId() external view returns (uint32);
    function zeroFeeLimit() external view returns (uint256);
    function zeroFeePeriod() external view returns (uint256);
    function livenessPenaltyBps() external view returns (uint256);
    function maxCallbackGas() external view returns (uint256);
    function treasury() external view returns (address);
    function court() external view returns (address);
    /// @notice The role a requester needs for its policy-model tasks to reach EmissionPool.proposePolicy.
    function POLICY_REQUESTER_ROLE() external view returns (bytes32);
}
