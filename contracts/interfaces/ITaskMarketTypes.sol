// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IGoverned} from "./IGoverned.sol";

/// @title Types, events and errors of the task market (see ITaskMarket)
interface ITaskMarketTypes is IGoverned {
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
    /// @param computeUnits CU of the whole task when posted: the model's CU × `items` (CU × TaskLib.WORK_PER_CU
    ///        work units are credited on finalize)
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
    /// @param items inputs the task carries: 1 for a plain task; 2..MAX_ITEMS for a lot, whose input is the
    ///        lot encoding (per item: uint32 LE byte length, then the item's tensor bundle) and whose
    ///        result is the lot encoding of the items' canonical outputs. A lot is one task: claimed,
    ///        submitted, challenged, disputed and finalized as a unit; its fee floor and credited work
    ///        are the model's CU × items.
    /// @param input inline input bytes (tensor bundle, or lot encoding), <= maxInputBytes (a lot: items ×
    ///        (maxInputBytes + 4)); emitted, not stored
    /// @param inputHash used only when `input` is empty: hash of the input published at `inputURI`
    /// @param inputURI where a large input can be fetched (may be empty with inline input)
    struct PostParams {
        uint32 modelId;
        uint16 items;
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
    ///         Typehash: `Request(address requester,uint32 modelId,uint16 items,uint96 fee,uint40 deadline,address callback,uint32 callbackGas,bytes32 inputHash,uint96 relayerFee,uint256 nonce,uint40 expiry)`.
    /// @param items as in PostParams
    /// @param inputHash keccak256 of the input bytes (checked against inline input if given)
    /// @param relayerFee paid by the requester to the relayer (msg.sender) on top of the fee
    /// @param nonce unordered: any unused value (bitmap per requester)
    /// @param expiry the signature is void after this time
    struct Request {
        address requester;
        uint32 modelId;
        uint16 items;
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
    ///         resultHash are 0). `inputHash` = keccak256(input) for inline input. A lot also emits `LotPosted`.
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
    /// @notice Task `id`, just posted (after its `TaskPosted`), is a lot of `items` inputs.
    event LotPosted(uint256 indexed id, uint16 items);
    /// @notice `keeper` claimed task `id`, locking `bond`, at `since`.
    event TaskClaimed(uint256 indexed id, address indexed keeper, uint96 bond, uint40 since);
    /// @notice A lapsed claim by `keeper` was taken over; `penalty` of its bond went to the requester.
    event ClaimLapsed(uint256 indexed id, address indexed keeper, uint256 penalty);
    /// @notice `keeper` submitted `resultHash` at `since`; `output` inline (or empty with `uri`).
    event ResultSubmitted(
        uint256 indexed id, address indexed keeper, bytes32 resultHash, uint40 since, bytes output, string uri
    );
    /// @notice Someone committed to challenge task `id`: `commitment` = keccak256(abi.encode(id,
    ///         resultHash, challenger)), usable by `challenge` from the next block on.
    event ChallengeCommitted(uint256 indexed id, bytes32 commitment);
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
    /// @notice Epoch `epoch` closed: the metrics the chain computed for it and the epoch before
    ///         (keepers/src/policy-io.ts's order), and the policy task posted on them (0: none,
    ///         when no policy model is approved).
    event EpochMeasured(uint64 indexed epoch, int64[16] metrics, uint256 policyTask);
    /// @notice A policy task finalized and proposed (`accepted`) its output to the emission pool.
    event PolicyResult(uint256 indexed id, uint64 epoch, uint32 multiplierBps, uint96 minFeePerCU, bool accepted);
    /// @notice `keeper`'s account was paid out: `pay` to its pool, `protocolFee` to the protocol
    ///         fees, `credit` work units to the emission pool for `epoch`.
    event Flushed(address indexed keeper, uint256 pay, uint256 protocolFee, uint64 epoch, uint256 credit);
    /// @notice `from` added `amount` to `requester`'s deposit.
    event Deposited(address indexed requester, address indexed from, uint256 amount);
    /// @notice `requester` withdrew `amount` of its deposit.
    event DepositWithdrawn(address indexed requester, uint256 amount);
    /// @notice Accrued protocol fees were sent to the treasury.
    event ProtocolFeesWithdrawn(address indexed treasury, uint256 amount);
    /// @notice The treasury address changed.
    event TreasurySet(address indexed treasury);
    /// @notice The court was set (once, at deployment).
    event CourtSet(address indexed court);

    // ------------------------------------------------------------------ errors

    /// @notice The `Task` given does not match the stored commitment of `id` (stale, forged or closed).
    error TaskMismatch(uint256 id);
    /// @notice Task `id` is in `status`, the call needs another one.
    error WrongStatus(uint256 id, TaskStatus status);
    /// @notice The model is not approved (status as in IModelRegistry).
    error ModelNotApproved(uint32 modelId, uint8 status);
    /// @notice `items` is 0 or above `maxItems` (MAX_ITEMS; 1 for the policy model, whose tasks carry
    ///         one input), or the model's CU × items overflows uint32.
    error InvalidItems(uint256 items, uint256 maxItems);
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
    /// @notice `requester` used up its zero-fee inputs for this period (a lot uses one per item); more from `resetsAt`.
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
    /// @notice `challenger` has no commitment to this challenge of task `id` from an earlier block
    ///         (`commitChallenge` first, then `challenge` in a later block).
    error ChallengeNotCommitted(uint256 id, address challenger);
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
    /// @notice Only the emission pool, closing an epoch, may post the policy task.
    error NotPool(address caller);
    /// @notice Only the court may call this.
    error NotCourt(address caller);
    /// @notice A zero address was given.
    error ZeroAddress();
    /// @notice The assignment seed block (`seedBlock` = postBlock + 1) is not mined yet; retry next block.
    error AssignmentPending(uint256 id, uint256 seedBlock);
    /// @notice The inline input of a signed request does not hash to its signed `inputHash`.
    error InputHashMismatch(bytes32 inputHash);
    /// @notice A result hash of zero was given.
    error InvalidResult();
    /// @notice `requester` asked for `needed` of its deposit, which holds `available`.
    error InsufficientDeposit(address requester, uint256 available, uint256 needed);
    /// @notice The extension given to the constructor was built for another token, registry or pool.
    error ExtensionMismatch(address extension);
    /// @notice The court is already set.
    error CourtAlreadySet(address court);
}
