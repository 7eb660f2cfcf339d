// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Proxy} from "@openzeppelin/contracts/proxy/Proxy.sol";

import {ITaskCourt} from "../interfaces/ITaskCourt.sol";
import {TaskLib} from "../libraries/TaskLib.sol";
import {TaskMarketBase} from "./TaskMarketBase.sol";
import {TaskMarketExtension} from "./TaskMarketExtension.sol";

/// @title The task market
/// @notice Serves all of ITaskMarket at its address: the hot paths (post, claim, submit, challenge,
///         finalize, hot views) here, the rest in `extension` (delegatecall from OpenZeppelin
///         `Proxy`'s fallback). See ITaskMarket and docs/market.md.
contract TaskMarket is TaskMarketBase, Proxy {
    using SafeERC20 for IERC20;

    /// @notice The contract holding the cold functions (immutable: its code is the market's).
    address public immutable extension;

    /// @param timelock DEFAULT_ADMIN_ROLE holder and treasury
    /// @param extension_ a `TaskMarketExtension` built with the same token, registries and pool
    ///        (deployed apart: both together exceed the initcode size limit)
    constructor(address token_, address models_, address keepers_, address pool_, address timelock, address extension_)
        TaskMarketBase(token_, models_, keepers_, pool_)
    {
        if (timelock == address(0) || extension_ == address(0)) revert ZeroAddress();
        TaskMarketExtension ext = TaskMarketExtension(extension_);
        if (
            address(ext.token()) != token_ || address(ext.models()) != models_ || address(ext.keepers()) != keepers_
                || address(ext.pool()) != pool_
        ) revert ExtensionMismatch(extension_);
        extension = extension_;
        treasury = timelock;
        _grantRole(DEFAULT_ADMIN_ROLE, timelock);
        _grantRole(DEFAULT_ADMIN_ROLE, msg.sender);
        _counters.nextTaskId = 1;
        _hot = Hot({
            assignWindow: 30,
            claimTimeout: 120,
            challengeWindow: 600,
            bondMultiplierBps: 100_000,
            protocolFeeBps: 500,
            zeroFeeCreditBps: 1000,
            challengeBond: 1e8,
            policyModelId: 0
        });
        _cold = Cold({
            zeroFeeLimit: 10,
            zeroFeePeriod: 1 days,
            livenessPenaltyBps: 1000,
            maxCallbackGas: 500_000,
            backingBps: 5_000
        });
    }

    /// @dev Every ITaskMarket function not defined here runs in `extension` on this storage: OZ
    ///      `Proxy`'s fallback delegatecalls it. That fallback is payable, yet the market still
    ///      refuses ether: no function of either contract is payable and the extension has no
    ///      fallback or receive, so a call with value reverts (with empty data) here or there.
    function _implementation() internal view override returns (address) {
        return extension;
    }

    /// @notice Refuses ether sent without calldata, with empty revert data, as the market always has
    ///         (here rather than in the extension, so a payable fallback has its `receive`).
    receive() external payable {
        revert();
    }

    /// @notice See {ITaskMarket}.
    function post(PostParams calldata p) external nonReentrant returns (uint256 id) {
        id = _nextId();
        _open(id, msg.sender, _spec(p, _minFee(p.fee)), p.input, p.inputURI, ModelCache(0, 0, 0));
        _collect(msg.sender, p.fee);
    }

    /// @notice See {ITaskMarket}.
    function postWithPermit(PostParams calldata p, Permit calldata permit) external nonReentrant returns (uint256 id) {
        _permit(msg.sender, permit);
        id = _nextId();
        _open(id, msg.sender, _spec(p, _minFee(p.fee)), p.input, p.inputURI, ModelCache(0, 0, 0));
        _collect(msg.sender, p.fee);
    }

    /// @notice See {ITaskMarket}.
    function postBatch(PostParams[] calldata ps) external nonReentrant returns (uint256 firstId) {
        uint256 n = ps.length;
        if (n == 0) revert InvalidBatch();
        firstId = _counters.nextTaskId;
        _counters.nextTaskId = uint64(firstId + n);
        uint256 total;
        uint256 minFeePerCU = type(uint256).max; // read lazily, once
        ModelCache memory m;
        for (uint256 i; i < n; ++i) {
            PostParams calldata p = ps[i];
            if (p.fee != 0 && minFeePerCU == type(uint256).max) minFeePerCU = pool.minFeePerCU();
            _open(firstId + i, msg.sender, _spec(p, minFeePerCU), p.input, p.inputURI, m);
            total += p.fee;
        }
        _collect(msg.sender, total);
    }

    /// @notice See {ITaskMarket}.
    function claim(uint256 id, Task calldata task) external nonReentrant {
        Hot memory h = _hot;
        uint96 bond = _claim(id, task, h, Eligibility(0));
        if (bond != 0) keepers.lockBond(msg.sender, bond);
    }

    /// @notice See {ITaskMarket}.
    function claimBatch(uint256[] calldata ids, Task[] calldata tasks) external nonReentrant {
        uint256 n = ids.length;
        if (n == 0 || n != tasks.length) revert InvalidBatch();
        Hot memory h = _hot;
        uint256 total;
        Eligibility memory e;
        for (uint256 i; i < n; ++i) {
            total += _claim(ids[i], tasks[i], h, e);
        }
        if (total != 0) keepers.lockBond(msg.sender, total);
    }

    /// @notice See {ITaskMarket}.
    function claimAndSubmit(uint256 id, Task calldata task, bytes calldata output) external nonReentrant {
        uint96 bond = _claimAndSubmit(id, task, output, _hot, Eligibility(0));
        if (bond != 0) keepers.lockBond(msg.sender, bond);
    }

    /// @notice See {ITaskMarket}.
    function claimAndSubmitBatch(uint256[] calldata ids, Task[] calldata tasks, bytes[] calldata outputs)
        external
        nonReentrant
    {
        uint256 n = ids.length;
        if (n == 0 || n != tasks.length || n != outputs.length) revert InvalidBatch();
        Hot memory h = _hot;
        uint256 total;
        Eligibility memory e;
        for (uint256 i; i < n; ++i) {
            total += _claimAndSubmit(ids[i], tasks[i], outputs[i], h, e);
        }
        if (total != 0) keepers.lockBond(msg.sender, total);
    }

    /// @notice See {ITaskMarket}.
    function submit(uint256 id, Task calldata task, bytes calldata output) external nonReentrant {
        _submit(id, task, keccak256(output), output, "");
    }

    /// @notice See {ITaskMarket}.
    function submitHash(uint256 id, Task calldata task, bytes32 resultHash, string calldata uri)
        external
        nonReentrant
    {
        if (resultHash == bytes32(0)) revert InvalidResult();
        _submit(id, task, resultHash, "", uri);
    }

    /// @notice See {ITaskMarket}.
    function submitBatch(uint256[] calldata ids, Task[] calldata tasks, bytes[] calldata outputs)
        external
        nonReentrant
    {
        uint256 n = ids.length;
        if (n == 0 || n != tasks.length || n != outputs.length) revert InvalidBatch();
        for (uint256 i; i < n; ++i) {
            _submit(ids[i], tasks[i], keccak256(outputs[i]), outputs[i], "");
        }
    }

    /// @notice See {ITaskMarket}.
    function challenge(uint256 id, Task calldata task, bytes32 resultHash, bytes calldata output, string calldata uri)
        external
        nonReentrant
    {
        (Task memory t, TaskStatus status) = _load(id, task);
        if (status != TaskStatus.Submitted) revert WrongStatus(id, status);
        Hot memory h = _hot;
        uint256 closesAt = uint256(t.since) + h.challengeWindow;
        if (block.timestamp >= closesAt) revert ChallengeWindowClosed(id, closesAt);
        if (output.length != 0) {
            bytes32 actual = keccak256(output);
            if (resultHash != actual) revert OutputMismatch(id, resultHash, actual);
        }
        if (msg.sender == t.keeper || resultHash == bytes32(0) || resultHash == t.resultHash) {
            revert InvalidChallenge(id);
        }
        uint256 committedAt = _challengeCommits[keccak256(abi.encode(id, resultHash, msg.sender))];
        if (committedAt == 0 || committedAt >= block.number) revert ChallengeNotCommitted(id, msg.sender);
        if (!keepers.isActive(msg.sender)) revert NotEligible(msg.sender, t.modelId);
        uint96 bond = t.bond > h.challengeBond ? t.bond : h.challengeBond;
        _tasks[id] = TaskLib.commitment(t, TaskStatus.Challenged);
        ++_tallies[_epoch()].disputes;
        emit TaskChallenged(id, msg.sender, resultHash, bond, output, uri);
        if (bond != 0) keepers.lockBond(msg.sender, bond);
        ITaskCourt(court).open(id, task, msg.sender, resultHash, bond);
    }

    /// @notice See {ITaskMarket}.
    function finalize(uint256[] calldata ids, Task[] calldata tasks, bytes[] calldata outputs) external nonReentrant {
        uint256 n = ids.length;
        if (n == 0 || n != tasks.length || (outputs.length != 0 && outputs.length != n)) revert InvalidBatch();
        Hot memory h = _hot;
        Run memory run;
        for (uint256 i; i < n; ++i) {
            _finalizeOne(ids[i], tasks[i], h, run);
        }
        _closeRun(run);
        if (!run.anyCallback) return;
        for (uint256 i; i < n; ++i) {
            Task memory t = tasks[i];
            bool policy = _isPolicy(t, h);
            if (t.callback == address(0) && !policy) continue;
            bytes calldata output = outputs.length == 0 ? msg.data[0:0] : outputs[i];
            _afterResult(ids[i], t, t.resultHash, output, policy);
        }
    }

    /// @notice See {ITaskMarket}.
    function commitmentOf(Task calldata task, TaskStatus status) external pure returns (bytes32) {
        return TaskLib.commitment(task, status);
    }

    /// @notice See {ITaskMarket}.
    function statusOf(uint256 id) external view returns (TaskStatus) {
        return TaskLib.statusOf(_tasks[id]);
    }

    /// @notice See {ITaskMarket}.
    function taskWord(uint256 id) external view returns (bytes32) {
        return _tasks[id];
    }

    /// @notice See {ITaskMarket}.
    function assigneeOf(uint256 id, Task calldata task) external view returns (address) {
        return _assignee(id, task.postBlock, task.modelId);
    }

    /// @notice See {ITaskMarket}.
    function bondFor(uint256 fee) external view returns (uint256) {
        Hot memory h = _hot;
        return TaskLib.bond(fee, h.bondMultiplierBps, h.challengeBond);
    }

    /// @notice See {ITaskMarket}.
    function nextTaskId() external view returns (uint256) {
        return _counters.nextTaskId;
    }

    function assignWindow() external view returns (uint256) {
        return _hot.assignWindow;
    }

    function claimTimeout() external view returns (uint256) {
        return _hot.claimTimeout;
    }

    function challengeWindow() external view returns (uint256) {
        return _hot.challengeWindow;
    }

    function bondMultiplierBps() external view returns (uint256) {
        return _hot.bondMultiplierBps;
    }

    function challengeBond() external view returns (uint256) {
        return _hot.challengeBond;
    }

    function protocolFeeBps() external view returns (uint256) {
        return _hot.protocolFeeBps;
    }

    function zeroFeeCreditBps() external view returns (uint256) {
        return _hot.zeroFeeCreditBps;
    }

    function policyModelId() external view returns (uint32) {
        return _hot.policyModelId;
    }

    /// @dev The model msg.sender was last found eligible for in this call (0: none). A slash in
    ///      the call (a lapsed claim) clears it, since it can change whether a keeper is active.
    struct Eligibility {
        uint32 modelId;
    }

    /// @dev Checks and records a claim by msg.sender; returns the bond to lock.
    function _claim(uint256 id, Task calldata task, Hot memory h, Eligibility memory e) internal returns (uint96) {
        Task memory t = _take(id, task, h, e);
        _tasks[id] = TaskLib.commitment(t, TaskStatus.Claimed);
        emit TaskClaimed(id, msg.sender, t.bond, t.since);
        return t.bond;
    }

    /// @dev A claim by msg.sender and its inline result, recorded at once; returns the bond to lock.
    function _claimAndSubmit(uint256 id, Task calldata task, bytes calldata output, Hot memory h, Eligibility memory e)
        internal
        returns (uint96)
    {
        Task memory t = _take(id, task, h, e);
        emit TaskClaimed(id, msg.sender, t.bond, t.since);
        t.resultHash = keccak256(output);
        _tasks[id] = TaskLib.commitment(t, TaskStatus.Submitted);
        emit ResultSubmitted(id, msg.sender, t.resultHash, t.since, output, "");
        return t.bond;
    }

    /// @dev The checks of a claim by msg.sender; returns the task as claimed (keeper, bond, since),
    ///      which the caller records. A lapsed claim is released here.
    function _take(uint256 id, Task calldata task, Hot memory h, Eligibility memory e) internal returns (Task memory t) {
        TaskStatus status;
        (t, status) = _load(id, task);
        if (block.timestamp > t.deadline) revert DeadlinePassed(id, t.deadline);
        if (status == TaskStatus.Open) {
            if (block.timestamp < uint256(t.postedAt) + h.assignWindow) {
                if (block.number <= uint256(t.postBlock) + 1) revert AssignmentPending(id, t.postBlock + 1);
                address assignee = _assignee(id, t.postBlock, t.modelId);
                if (assignee != address(0)) {
                    if (msg.sender != assignee) revert NotAssignee(msg.sender, assignee);
                } else {
                    _checkEligible(msg.sender, t.modelId, e);
                }
            } else {
                _checkEligible(msg.sender, t.modelId, e);
            }
        } else if (status == TaskStatus.Claimed) {
            uint256 lapsesAt = uint256(t.since) + h.claimTimeout;
            if (block.timestamp <= lapsesAt) revert ClaimNotLapsed(id, lapsesAt);
            _checkEligible(msg.sender, t.modelId, e);
            uint256 penalty = _release(t.keeper, t.bond, _cold.livenessPenaltyBps, t.requester);
            e.modelId = 0;
            emit ClaimLapsed(id, t.keeper, penalty);
        } else {
            revert WrongStatus(id, status);
        }
        t.keeper = msg.sender;
        t.bond = TaskLib.bond(t.fee, h.bondMultiplierBps, h.challengeBond);
        t.since = uint40(block.timestamp);
        t.resultHash = bytes32(0);
    }

    function _submit(uint256 id, Task calldata task, bytes32 resultHash, bytes memory output, string memory uri)
        internal
    {
        (Task memory t, TaskStatus status) = _load(id, task);
        if (status != TaskStatus.Claimed) revert WrongStatus(id, status);
        if (msg.sender != t.keeper) revert NotClaimant(msg.sender, t.keeper);
        if (block.timestamp > t.deadline) revert DeadlinePassed(id, t.deadline);
        t.since = uint40(block.timestamp);
        t.resultHash = resultHash;
        _tasks[id] = TaskLib.commitment(t, TaskStatus.Submitted);
        emit ResultSubmitted(id, msg.sender, resultHash, t.since, output, uri);
    }

    /// @dev Finalizes one task into the running per-keeper totals (flushed when the keeper changes).
    function _finalizeOne(uint256 id, Task calldata task, Hot memory h, Run memory run) internal {
        (Task memory t, TaskStatus status) = _load(id, task);
        if (status != TaskStatus.Submitted) revert WrongStatus(id, status);
        uint256 endsAt = uint256(t.since) + h.challengeWindow;
        if (block.timestamp < endsAt) revert ChallengeWindowOpen(id, endsAt);
        delete _tasks[id];
        if (t.keeper != run.keeper) {
            _closeRun(run);
            (run.keeper, run.pay, run.bond, run.credit, run.zeroFeeCredit, run.protocol) = (t.keeper, 0, 0, 0, 0, 0);
            run.tasks = 0;
        }
        (uint256 pay, uint256 fee, uint256 credit) = _split(t, h);
        run.pay += pay;
        run.protocol += fee;
        ++run.tasks;
        run.bond += t.bond;
        if (t.fee == 0) run.zeroFeeCredit += credit;
        else run.credit += credit;
        if (t.callback != address(0) || _isPolicy(t, h)) run.anyCallback = true;
        emit TaskFinalized(id, t.keeper, t.resultHash, pay, fee, credit);
    }

    /// @dev Unlocks a keeper run's bonds and adds its totals to the keeper's account.
    function _closeRun(Run memory run) internal {
        if (run.keeper == address(0)) return;
        _tally(run.tasks, run.pay + run.protocol);
        if (run.bond != 0) keepers.unlockBond(run.keeper, run.bond);
        _accrue(run.keeper, run.pay, run.protocol, run.credit, run.zeroFeeCredit);
    }

    function _spec(PostParams calldata p, uint256 minFeePerCU) internal pure returns (Spec memory) {
        return Spec({
            modelId: p.modelId,
            items: p.items,
            fee: p.fee,
            deadline: p.deadline,
            callback: p.callback,
            callbackGas: p.callbackGas,
            inputHash: p.inputHash,
            minFeePerCU: minFeePerCU
        });
    }

    function _checkEligible(address keeper, uint32 modelId, Eligibility memory e) internal view {
        if (modelId == e.modelId) return;
        if (!keepers.isActive(keeper) || !keepers.serves(keeper, modelId)) revert NotEligible(keeper, modelId);
        e.modelId = modelId;
    }

    /// @dev Stake-weighted draw among the keepers that served the model at the end of the post
    ///      block, seeded by the next block's hash: the stake it weighs was fixed before the seed
    ///      was known. A keeper drawn that is no longer active (unavailable, or below a raised
    ///      minStake) is passed over for the next draw.
    function _assignee(uint256 id, uint64 postBlock, uint32 modelId) internal view returns (address) {
        uint256 seedBlock = uint256(postBlock) + 1;
        bytes32 seed = blockhash(seedBlock);
        if (seed == bytes32(0)) return address(0);
        for (uint256 i; i < MAX_ASSIGN_DRAWS; ++i) {
            address k = keepers.draw(modelId, uint256(keccak256(abi.encode(seed, id, i))), seedBlock);
            if (k == address(0)) return address(0);
            if (keepers.isActive(k)) return k;
        }
        return address(0);
    }
}
