// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";

import {ITaskMarketTypes} from "../interfaces/ITaskMarketTypes.sol";
import {IKeeperRegistry} from "../interfaces/IKeeperRegistry.sol";
import {IModelRegistry} from "../interfaces/IModelRegistry.sol";
import {IEmissionPool} from "../interfaces/IEmissionPool.sol";
import {IParadigmCallback} from "../interfaces/IParadigmCallback.sol";
import {TaskLib} from "../libraries/TaskLib.sol";

/// @title Storage and shared logic of the task market
/// @notice The market is split in two contracts over one storage: `TaskMarket` (the hot paths) and
///         `TaskMarketExtension` (signed requests, expiry, court settlement, governance), reached by
///         `TaskMarket`'s fallback through delegatecall, so the market address serves all of
///         ITaskMarket. Both inherit this base, so their storage layouts are identical.
abstract contract TaskMarketBase is ITaskMarketTypes, AccessControl, ReentrancyGuardTransient, EIP712 {
    using SafeERC20 for IERC20;
    using TaskLib for Task;

    /// @notice EIP-712 typehash of a signed `Request`.
    bytes32 public constant REQUEST_TYPEHASH = keccak256(
        "Request(address requester,uint32 modelId,uint16 items,uint96 fee,uint40 deadline,address callback,uint32 callbackGas,bytes32 inputHash,uint96 relayerFee,uint256 nonce,uint40 expiry)"
    );
    /// @notice Most inputs one task (a lot) may carry: a juror re-executes all of them in one commit period.
    uint256 public constant MAX_ITEMS = 1024;
    /// @notice The shortest challenge window governance may set, in seconds: longer than a watchtower
    ///         needs to see a result, re-run it and land a commitment and a challenge (docs/market.md,
    ///         "Window sizes"). Internal: the extension has no room for another getter.
    uint256 internal constant MIN_CHALLENGE_WINDOW = 15;
    /// @dev Bytes the lot encoding adds per item (its uint32 length).
    uint256 internal constant LOT_ITEM_OVERHEAD = 4;
    /// @notice Longest time between post and deadline.
    uint256 public constant MAX_TASK_DURATION = 30 days;
    /// @notice Draws tried for an assignee that serves the model before the task is open to all.
    uint256 public constant MAX_ASSIGN_DRAWS = 4;
    /// @dev How long after its challenge window a callback or policy task's keeper (or anyone)
    ///      has to deliver the output by finalizing, before the task counts as undelivered.
    uint256 internal constant DELIVERY_GRACE = 1 days;
    /// @dev Gas kept back around a callback for the rest of the finalize (EIP-150 margin included).
    uint256 internal constant CALLBACK_RESERVE = 10_000;
    /// @dev Model status Approved in IModelRegistry.
    uint8 internal constant APPROVED = 2;

    IERC20 public immutable token;
    IModelRegistry public immutable models;
    IKeeperRegistry public immutable keepers;
    IEmissionPool public immutable pool;
    /// @dev The pool's genesis and epoch length: the current epoch without a call.
    uint256 internal immutable _genesis;
    uint256 internal immutable _epochLength;

    /// @dev Parameters read on the hot paths, one slot.
    struct Hot {
        uint24 assignWindow;
        uint24 claimTimeout;
        uint24 challengeWindow;
        uint24 bondMultiplierBps;
        uint16 protocolFeeBps;
        uint16 zeroFeeCreditBps;
        uint96 challengeBond;
        uint32 policyModelId;
    }

    /// @dev Parameters read on rare paths.
    struct Cold {
        uint32 zeroFeeLimit;
        uint32 zeroFeePeriod;
        uint16 livenessPenaltyBps;
        uint32 maxCallbackGas;
        uint16 backingBps;
    }

    /// @dev Next id and accrued protocol fees, one slot.
    struct Counters {
        uint64 nextTaskId;
        uint96 protocolFees;
    }

    /// @dev What `_open` needs besides the requester and the input.
    struct Spec {
        uint32 modelId;
        uint16 items;
        uint96 fee;
        uint40 deadline;
        address callback;
        uint32 callbackGas;
        bytes32 inputHash;
        uint256 minFeePerCU;
    }

    /// @dev The last approved model looked up in a batch (its status cannot change inside the call).
    struct ModelCache {
        uint32 modelId; // 0: empty
        uint32 computeUnits;
        uint32 maxInputBytes;
    }

    /// @dev A requester's prepaid deposit and zero-fee usage, one slot.
    struct Requester {
        uint96 deposit; // PAR that pays its fees before any transferFrom
        uint40 zeroFeeStart; // start of its current zero-fee period
        uint32 zeroFeeCount; // zero-fee inputs posted in that period (a lot counts its items)
        uint32 lastEpoch; // 1 + the last epoch it posted in (0: never), to count distinct requesters
    }

    /// @dev An epoch's metrics that the market tallies while the epoch runs, one slot
    ///      (keepers/src/policy-io.ts defines them).
    struct Tally {
        uint32 tasks; // finalized
        uint96 fees; // of the tasks finalized
        uint32 requesters; // distinct, that posted
        uint32 disputes; // opened
    }

    /// @dev An epoch's metrics recorded when it closes, one slot.
    struct Closing {
        uint64 work; // work units the pool credited to it
        uint32 keepers; // distinct contributors credited
        uint32 herfindahlBps; // stake concentration of keeper pools
        uint32 scheduleBps; // the year's budget left against its time left
    }

    /// @dev Running totals of a finalize batch for one keeper.
    struct Run {
        address keeper;
        uint256 pay;
        uint256 bond;
        uint256 credit; // paid work
        uint256 zeroFeeCredit;
        uint256 protocol;
        uint256 tasks;
        bool anyCallback;
    }

    /// @dev What the market owes on a keeper's behalf, one slot: finalize adds to it, `flush`
    ///      pays it out. `credit` and `zeroFeeCredit` are work of `epoch`, deferred in the
    ///      emission pool (either nonzero = one open deferral); `protocol` holds the protocol fees
    ///      of that work, which back its emission. Amounts fit: PAR's cap is below 2^60, and
    ///      every addition is checked.
    struct Account {
        uint72 pay; // for the keeper's pool (KeeperRegistry.reward)
        uint64 protocol; // protocol fees of its tasks, for the treasury
        uint32 epoch;
        uint48 credit;
        uint40 zeroFeeCredit;
    }

    Hot internal _hot;
    Cold internal _cold;
    Counters internal _counters;
    /// @notice Receives protocol fees (the timelock).
    address public treasury;
    /// @notice The dispute court.
    address public court;

    mapping(uint256 id => bytes32 word) internal _tasks;
    /// @dev Deposits and zero-fee usage per requester.
    mapping(address requester => Requester) internal _requesters;
    /// @dev Unordered nonces of signed requests: one bit per nonce.
    mapping(address requester => mapping(uint256 word => uint256 bits)) internal _nonces;
    /// @dev Pay, protocol fees and work accrued per keeper, until flushed.
    mapping(address keeper => Account) internal _accounts;
    /// @dev Block of each challenge commitment (`commitChallenge`).
    mapping(bytes32 commitment => uint256 blockNumber) internal _challengeCommits;
    /// @dev Metrics of each epoch, tallied while it runs.
    mapping(uint64 epoch => Tally) internal _tallies;
    /// @dev Metrics of each epoch, recorded when it closes.
    mapping(uint64 epoch => Closing) internal _closings;

    constructor(address token_, address models_, address keepers_, address pool_)
        EIP712("ParadigmTaskMarket", "1")
    {
        if (token_ == address(0) || models_ == address(0) || keepers_ == address(0) || pool_ == address(0)) {
            revert ZeroAddress();
        }
        token = IERC20(token_);
        models = IModelRegistry(models_);
        keepers = IKeeperRegistry(keepers_);
        pool = IEmissionPool(pool_);
        _genesis = IEmissionPool(pool_).genesis();
        _epochLength = IEmissionPool(pool_).epochLength();
    }
    // ------------------------------------------------------------------ requesters






    // ------------------------------------------------------------------ keepers









    // ------------------------------------------------------------------ court


    // ------------------------------------------------------------------ governance




    // ------------------------------------------------------------------ views
























    // ------------------------------------------------------------------ internal: post

    function _nextId() internal returns (uint256 id) {
        id = _counters.nextTaskId;
        _counters.nextTaskId = uint64(id + 1);
    }




    /// @dev minFeePerCU for a paid task (read once), or 0 for a zero-fee one (not needed).
    function _minFee(uint96 fee) internal view returns (uint256) {
        return fee == 0 ? 0 : pool.minFeePerCU();
    }

    /// @dev Validates and records task `id`; the caller pulls the fee.
    function _open(
        uint256 id,
        address requester,
        Spec memory s,
        bytes calldata input,
        string calldata inputURI,
        ModelCache memory m
    ) internal {
        if (m.modelId != s.modelId || s.modelId == 0) {
            (uint8 status, uint32 computeUnits, uint32 maxBytes,) = models.taskSpec(s.modelId);
            if (status != APPROVED) revert ModelNotApproved(s.modelId, status);
            (m.modelId, m.computeUnits, m.maxInputBytes) = (s.modelId, computeUnits, maxBytes);
        }
        (uint256 cu, uint256 maxInputBytes) = (m.computeUnits, m.maxInputBytes);
        uint256 items = s.items;
        if (items != 1) {
            uint256 maxItems = s.modelId == _hot.policyModelId ? 1 : MAX_ITEMS;
            if (items == 0 || items > maxItems || cu * items > type(uint32).max) revert InvalidItems(items, maxItems);
            cu *= items;
            maxInputBytes = (maxInputBytes + LOT_ITEM_OVERHEAD) * items;
        }
        if (input.length != 0) {
            if (input.length > maxInputBytes) revert InputTooLarge(input.length, maxInputBytes);
            s.inputHash = keccak256(input);
        } else if (s.inputHash == bytes32(0)) {
            revert EmptyInput();
        }
        if (s.deadline <= block.timestamp || s.deadline > block.timestamp + MAX_TASK_DURATION) {
            revert InvalidDeadline(s.deadline);
        }
        if (s.callback == address(0)) {
            s.callbackGas = 0;
        } else {
            uint256 maxGas = _cold.maxCallbackGas;
            if (s.callbackGas == 0 || s.callbackGas > maxGas) revert InvalidCallbackGas(s.callbackGas, maxGas);
        }
        _countRequester(requester);
        if (s.fee == 0) {
            _useZeroFee(requester, items);
        } else {
            uint256 minimum = s.minFeePerCU * cu;
            if (s.fee < minimum) revert FeeBelowMinimum(s.fee, minimum);
        }
        Task memory t;
        t.requester = requester;
        t.fee = s.fee;
        t.modelId = s.modelId;
        t.computeUnits = uint32(cu);
        t.deadline = s.deadline;
        t.postedAt = uint40(block.timestamp);
        t.postBlock = uint64(block.number);
        t.callback = s.callback;
        t.callbackGas = s.callbackGas;
        _tasks[id] = TaskLib.commitment(t, TaskStatus.Open);
        _emitPosted(id, t, s.inputHash, input, inputURI);
        if (items != 1) emit LotPosted(id, uint16(items));
    }

    function _emitPosted(uint256 id, Task memory t, bytes32 inputHash, bytes calldata input, string calldata inputURI)
        internal
    {
        emit TaskPosted(
            id,
            t.requester,
            t.modelId,
            t.fee,
            t.computeUnits,
            t.deadline,
            t.postedAt,
            t.postBlock,
            t.callback,
            t.callbackGas,
            inputHash,
            input,
            inputURI
        );
    }

    /// @dev The emission epoch now, as EmissionPool.currentEpoch computes it.
    function _epoch() internal view returns (uint64) {
        return uint64((block.timestamp - _genesis) / _epochLength);
    }

    /// @dev Counts `requester` among the epoch's distinct requesters on its first post in it.
    function _countRequester(address requester) internal {
        uint64 epoch = _epoch();
        Requester storage r = _requesters[requester];
        if (r.lastEpoch == epoch + 1) return;
        r.lastEpoch = uint32(epoch + 1);
        ++_tallies[epoch].requesters;
    }

    /// @dev Adds `tasks` finalized tasks and their `fees` to the running epoch's tally.
    function _tally(uint256 tasks, uint256 fees) internal {
        Tally storage y = _tallies[_epoch()];
        (y.tasks, y.fees) = (y.tasks + uint32(tasks), y.fees + uint96(fees));
    }

    /// @dev Counts `items` zero-fee inputs (a lot uses one per item) against the requester's limit.
    function _useZeroFee(address requester, uint256 items) internal {
        Cold memory c = _cold;
        Requester storage r = _requesters[requester];
        uint256 start = r.zeroFeeStart;
        uint256 count = r.zeroFeeCount;
        if (block.timestamp >= start + c.zeroFeePeriod) (start, count) = (block.timestamp, 0);
        if (count + items > c.zeroFeeLimit) revert ZeroFeeRateLimited(requester, start + c.zeroFeePeriod);
        (r.zeroFeeStart, r.zeroFeeCount) = (uint40(start), uint32(count + items));
    }

    /// @dev Takes `amount` from `requester` into escrow: from its deposit when the deposit covers
    ///      it (one storage write), else by transferFrom (allowance or permit).
    function _collect(address requester, uint256 amount) internal {
        if (amount == 0) return;
        Requester storage r = _requesters[requester];
        uint256 available = r.deposit;
        if (available >= amount) {
            r.deposit = uint96(available - amount);
        } else {
            token.safeTransferFrom(requester, address(this), amount);
        }
    }


    /// @dev Applies a permit; a failed permit is ignored (it may have been front-run), the
    ///      transfer that follows checks the allowance.
    function _permit(address owner, Permit calldata p) internal {
        try IERC20Permit(address(token)).permit(owner, address(this), p.value, p.deadline, p.v, p.r, p.s) {} catch {}
    }

    // ------------------------------------------------------------------ internal: claim / submit



    // ------------------------------------------------------------------ internal: settlement


    /// @dev Keeper pay, protocol fee and work credit of a finalized task.
    function _split(Task memory t, Hot memory h) internal pure returns (uint256 pay, uint256 fee, uint256 credit) {
        fee = TaskLib.bps(t.fee, h.protocolFeeBps);
        pay = t.fee - fee;
        credit = TaskLib.work(t.fee, t.computeUnits, h.zeroFeeCreditBps);
    }

    /// @dev Adds a keeper's pay, protocol fee and work credit (paid and zero-fee) to its account:
    ///      one storage write. Work of an earlier epoch is settled in the pool first, backed by
    ///      the protocol fees accrued with it (its deferral keeps that epoch open); the first
    ///      credit of an epoch opens a deferral.
    function _accrue(address keeper, uint256 pay, uint256 protocol, uint256 credit, uint256 zeroFeeCredit) internal {
        if (keeper == address(0)) return;
        Account memory a = _accounts[keeper];
        if (credit != 0 || zeroFeeCredit != 0) {
            uint256 epoch = _epoch();
            bool open = a.credit != 0 || a.zeroFeeCredit != 0;
            if (open && a.epoch != epoch) {
                _settleAccount(keeper, a);
                (a.protocol, a.credit, a.zeroFeeCredit, open) = (0, 0, 0, false);
            }
            if (!open) a.epoch = uint32(pool.deferWork());
            a.credit = SafeCast.toUint48(a.credit + credit);
            a.zeroFeeCredit = SafeCast.toUint40(a.zeroFeeCredit + zeroFeeCredit);
        }
        a.pay = SafeCast.toUint72(a.pay + pay);
        a.protocol = SafeCast.toUint64(a.protocol + protocol);
        _accounts[keeper] = a;
    }

    /// @dev Pays out `keeper`'s account: pay to its pool, work to the pool, protocol fees to the
    ///      market's counter.
    function _flushAccount(address keeper) internal {
        Account memory a = _accounts[keeper];
        if (a.pay == 0 && a.protocol == 0 && a.credit == 0 && a.zeroFeeCredit == 0) return;
        _accounts[keeper] = Account({pay: 0, protocol: 0, epoch: a.epoch, credit: 0, zeroFeeCredit: 0});
        if (a.pay != 0) {
            token.safeTransfer(address(keepers), a.pay);
            keepers.reward(keeper, a.pay);
        }
        _settleAccount(keeper, a);
        emit Flushed(keeper, a.pay, a.protocol, a.epoch, uint256(a.credit) + a.zeroFeeCredit);
    }

    /// @dev Moves an account's protocol fees to the market's counter and settles its deferred
    ///      work in the pool, backed by `backingBps` of those fees.
    function _settleAccount(address keeper, Account memory a) internal {
        if (a.protocol != 0) _counters.protocolFees += uint96(a.protocol);
        if (a.credit != 0 || a.zeroFeeCredit != 0) {
            uint256 backing = TaskLib.bps(a.protocol, _cold.backingBps);
            pool.settleWork(a.epoch, keeper, a.credit, a.zeroFeeCredit, backing);
        }
    }

    /// @dev Slashes `penaltyBps` of a lapsed claimant's bond to `to` and unlocks the rest.
    function _release(address keeper, uint256 bond, uint256 penaltyBps, address to) internal returns (uint256 penalty) {
        if (bond == 0) return 0;
        penalty = TaskLib.bps(bond, penaltyBps);
        if (penalty != 0) penalty = keepers.slash(keeper, penalty, bond, to);
        if (bond > penalty) keepers.unlockBond(keeper, bond - penalty);
    }

    /// @dev A policy task: one the market posted itself (`postPolicyTask`) on the policy model.
    function _isPolicy(Task memory t, Hot memory h) internal view returns (bool) {
        return h.policyModelId != 0 && t.modelId == h.policyModelId && t.requester == address(this);
    }

    /// @dev Checks the output against the result, then runs the policy proposal and the callback.
    function _afterResult(uint256 id, Task memory t, bytes32 resultHash, bytes calldata output, bool policy)
        internal
    {
        bytes32 actual = keccak256(output);
        if (actual != resultHash) revert OutputMismatch(id, resultHash, actual);
        if (policy) _propose(id, output);
        if (t.callback != address(0)) _callback(id, t.callback, t.callbackGas, output);
    }

    function _propose(uint256 id, bytes calldata output) internal {
        (uint32 multiplierBps, uint96 minFeePerCU, bool ok) = TaskLib.decodePolicy(output);
        uint64 epoch = pool.currentEpoch() + 1;
        if (ok) {
            try pool.proposePolicy(epoch, multiplierBps, minFeePerCU) {}
            catch {
                ok = false;
            }
        }
        emit PolicyResult(id, epoch, multiplierBps, minFeePerCU, ok);
    }

    /// @dev Calls the callback with exactly `gasLimit` gas (the caller must leave enough, so a
    ///      finalizer cannot starve it) and copies no return data (no returndata bomb).
    function _callback(uint256 id, address target, uint256 gasLimit, bytes calldata output) internal {
        // Encoded first: the memory a large output costs is paid before the gas check.
        bytes memory data = abi.encodeCall(IParadigmCallback.onParadigmResult, (id, output));
        uint256 needed = gasLimit + gasLimit / 63 + CALLBACK_RESERVE;
        if (gasleft() < needed) revert InsufficientCallbackGas(id, needed, gasleft());
        bool ok;
        assembly ("memory-safe") {
            ok := call(gasLimit, target, 0, add(data, 32), mload(data), 0, 0)
        }
        emit CallbackResult(id, target, ok);
    }

    // ------------------------------------------------------------------ internal: checks

    /// @dev Checks `task` against the stored word of `id` and returns its status.
    function _load(uint256 id, Task calldata task) internal view returns (Task memory t, TaskStatus) {
        bytes32 word = _tasks[id];
        t = task;
        if (word == bytes32(0) || !TaskLib.matches(word, t)) revert TaskMismatch(id);
        return (t, TaskLib.statusOf(word));
    }



}

