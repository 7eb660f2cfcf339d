// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";

import {Bounds} from "../libraries/Bounds.sol";
import {TaskLib} from "../libraries/TaskLib.sol";
import {TaskMarketBase} from "./TaskMarketBase.sol";

/// @title The task market's cold functions
/// @notice Runs only through `TaskMarket`'s fallback (delegatecall), on the market's storage.
///         Called directly it refuses (`NotDelegated`).
contract TaskMarketExtension is TaskMarketBase {
    using SafeERC20 for IERC20;

    address private immutable _self;

    /// @notice This contract was called directly instead of through the market.
    error NotDelegated();

    modifier onlyCourt() {
        if (msg.sender != court) revert NotCourt(msg.sender);
        _;
    }

    modifier onlyDelegated() {
        if (address(this) == _self) revert NotDelegated();
        _;
    }

    constructor(address token_, address models_, address keepers_, address pool_)
        TaskMarketBase(token_, models_, keepers_, pool_)
    {
        _self = address(this);
    }

    /// @notice See {ITaskMarket}.
    function postSigned(
        Request calldata req,
        bytes calldata input,
        string calldata inputURI,
        bytes calldata signature,
        Permit calldata permit
    ) external onlyDelegated nonReentrant returns (uint256 id) {
        _verifyRequest(req, input, signature);
        if (permit.deadline != 0) _permit(req.requester, permit);
        id = _nextId();
        _open(id, req.requester, _requestSpec(req), input, inputURI, ModelCache(0, 0, 0));
        _collect(req.requester, uint256(req.fee) + req.relayerFee);
        if (req.relayerFee != 0) token.safeTransfer(msg.sender, req.relayerFee);
    }

    /// @notice See {ITaskMarket}.
    function deposit(address requester, uint256 amount) external onlyDelegated nonReentrant {
        _deposit(requester, amount);
    }

    /// @notice See {ITaskMarket}.
    function depositWithPermit(address requester, uint256 amount, Permit calldata permit)
        external
        onlyDelegated
        nonReentrant
    {
        _permit(msg.sender, permit);
        _deposit(requester, amount);
    }

    /// @notice See {ITaskMarket}.
    function withdrawDeposit(uint256 amount) external onlyDelegated nonReentrant {
        Requester storage r = _requesters[msg.sender];
        uint256 available = r.deposit;
        if (amount > available) revert InsufficientDeposit(msg.sender, available, amount);
        r.deposit = uint96(available - amount);
        emit DepositWithdrawn(msg.sender, amount);
        token.safeTransfer(msg.sender, amount);
    }

    /// @notice See {ITaskMarket}.
    function commitChallenge(uint256 id, bytes32 commitment) external onlyDelegated {
        if (_challengeCommits[commitment] != 0) return;
        _challengeCommits[commitment] = block.number;
        emit ChallengeCommitted(id, commitment);
    }

    /// @notice See {ITaskMarket}.
    function expire(uint256[] calldata ids, Task[] calldata tasks) external onlyDelegated nonReentrant {
        uint256 n = ids.length;
        if (n == 0 || n != tasks.length) revert InvalidBatch();
        uint256 penaltyBps = _cold.livenessPenaltyBps;
        for (uint256 i; i < n; ++i) {
            uint256 id = ids[i];
            (Task memory t, TaskStatus status) = _load(id, tasks[i]);
            if (status == TaskStatus.Challenged) revert WrongStatus(id, status);
            uint256 endsAt = status == TaskStatus.Submitted ? _deliveryLapse(id, t) : t.deadline;
            if (block.timestamp <= endsAt) revert NotExpired(id, endsAt);
            delete _tasks[id];
            uint256 penalty;
            if (status != TaskStatus.Open) penalty = _release(t.keeper, t.bond, penaltyBps, t.requester);
            if (t.fee != 0) token.safeTransfer(t.requester, t.fee);
            emit TaskExpired(id, t.requester, t.fee, penalty);
        }
    }

    /// @notice See {ITaskMarket}.
    function flush(address[] calldata keepers_) external onlyDelegated nonReentrant {
        for (uint256 i; i < keepers_.length; ++i) {
            _flushAccount(keepers_[i]);
        }
    }

    /// @notice See {ITaskMarket}.
    function accountOf(address keeper)
        external
        view
        returns (uint256 pay, uint256 protocolFee, uint64 epoch, uint256 credit)
    {
        Account memory a = _accounts[keeper];
        return (a.pay, a.protocol, a.epoch, uint256(a.credit) + a.zeroFeeCredit);
    }

    /// @notice See {ITaskMarket}.
    function withdrawProtocolFees() external onlyDelegated nonReentrant returns (uint256 amount) {
        amount = _counters.protocolFees;
        if (amount == 0) return 0;
        _counters.protocolFees = 0;
        address to = treasury;
        token.safeTransfer(to, amount);
        emit ProtocolFeesWithdrawn(to, amount);
    }

    /// @notice See {ITaskMarket}.
    function settle(uint256 id, Task calldata task, address keeper, bytes32 resultHash, bytes calldata output)
        external
        onlyDelegated
        onlyCourt
        nonReentrant
    {
        (Task memory t, TaskStatus status) = _load(id, task);
        // Challenged, or Submitted: a canary lie convicted without a jury (TaskCourt.convict)
        if (status < TaskStatus.Submitted) revert WrongStatus(id, status);
        delete _tasks[id];
        if (keeper == address(0)) {
            if (t.fee != 0) token.safeTransfer(t.requester, t.fee);
            emit TaskRefunded(id, t.requester, t.fee);
            return;
        }
        Hot memory h = _hot;
        (uint256 pay, uint256 fee, uint256 credit) = _split(t, h);
        _accrue(keeper, pay, fee, t.fee == 0 ? 0 : credit, t.fee == 0 ? credit : 0);
        _tally(1, t.fee);
        emit TaskFinalized(id, keeper, resultHash, pay, fee, credit);
        bool policy = _isPolicy(t, h);
        if (t.callback != address(0) || policy) _afterResult(id, t, resultHash, output, policy);
    }

    /// @notice See {ITaskMarket}.
    function setCourt(address court_) external onlyDelegated onlyRole(DEFAULT_ADMIN_ROLE) {
        if (court != address(0)) revert CourtAlreadySet(court);
        if (court_ == address(0)) revert ZeroAddress();
        court = court_;
        emit CourtSet(court_);
    }

    /// @notice See {ITaskMarket}.
    function setTreasury(address treasury_) external onlyDelegated onlyRole(DEFAULT_ADMIN_ROLE) {
        if (treasury_ == address(0)) revert ZeroAddress();
        treasury = treasury_;
        emit TreasurySet(treasury_);
    }

    /// @notice See {ITaskMarket}.
    function setParameter(bytes32 name, uint256 value) external onlyDelegated onlyRole(DEFAULT_ADMIN_ROLE) {
        uint256 previous;
        if (name == "assignWindow") {
            Bounds.check(name, value, 1, 1 hours);
            (previous, _hot.assignWindow) = (_hot.assignWindow, uint24(value));
        } else if (name == "claimTimeout") {
            Bounds.check(name, value, 10, 1 days);
            (previous, _hot.claimTimeout) = (_hot.claimTimeout, uint24(value));
        } else if (name == "challengeWindow") {
            Bounds.check(name, value, MIN_CHALLENGE_WINDOW, 7 days);
            (previous, _hot.challengeWindow) = (_hot.challengeWindow, uint24(value));
        } else if (name == "bondMultiplierBps") {
            Bounds.check(name, value, 10_000, 1_000_000);
            (previous, _hot.bondMultiplierBps) = (_hot.bondMultiplierBps, uint24(value));
        } else if (name == "challengeBond") {
            Bounds.check(name, value, 0, 1e14);
            (previous, _hot.challengeBond) = (_hot.challengeBond, uint96(value));
        } else if (name == "protocolFeeBps") {
            Bounds.check(name, value, 0, 2000);
            (previous, _hot.protocolFeeBps) = (_hot.protocolFeeBps, uint16(value));
        } else if (name == "zeroFeeCreditBps") {
            Bounds.check(name, value, 0, 10_000);
            (previous, _hot.zeroFeeCreditBps) = (_hot.zeroFeeCreditBps, uint16(value));
        } else if (name == "policyModelId") {
            Bounds.check(name, value, 0, type(uint32).max);
            (previous, _hot.policyModelId) = (_hot.policyModelId, uint32(value));
        } else if (name == "zeroFeeLimit") {
            Bounds.check(name, value, 0, 1000);
            (previous, _cold.zeroFeeLimit) = (_cold.zeroFeeLimit, uint32(value));
        } else if (name == "zeroFeePeriod") {
            Bounds.check(name, value, 60, 30 days);
            (previous, _cold.zeroFeePeriod) = (_cold.zeroFeePeriod, uint32(value));
        } else if (name == "livenessPenaltyBps") {
            Bounds.check(name, value, 0, 10_000);
            (previous, _cold.livenessPenaltyBps) = (_cold.livenessPenaltyBps, uint16(value));
        } else if (name == "backingBps") {
            Bounds.check(name, value, 0, 9_000);
            (previous, _cold.backingBps) = (_cold.backingBps, uint16(value));
        } else if (name == "maxCallbackGas") {
            Bounds.check(name, value, 10_000, 5_000_000);
            (previous, _cold.maxCallbackGas) = (_cold.maxCallbackGas, uint32(value));
        } else {
            revert UnknownParameter(name);
        }
        emit ParameterSet(name, previous, value);
    }

    /// @notice See {ITaskMarket}.
    function postPolicyTask(uint64 epoch, uint256 work, uint256 contributors, uint256 scheduleBps)
        external
        onlyDelegated
        nonReentrant
        returns (uint256 id)
    {
        if (msg.sender != address(pool)) revert NotPool(msg.sender);
        _closings[epoch] = Closing({
            work: SafeCast.toUint64(work),
            keepers: SafeCast.toUint32(contributors),
            herfindahlBps: uint32(keepers.stakeConcentrationBps()),
            scheduleBps: uint32(Math.min(scheduleBps, type(uint32).max))
        });
        int64[16] memory metrics = policyInput(epoch);
        uint32 modelId = _hot.policyModelId;
        if (modelId != 0) {
            (uint8 status, uint32 computeUnits,,) = models.taskSpec(modelId);
            if (status == APPROVED) id = _postPolicy(modelId, computeUnits, TaskLib.policyInputBundle(metrics));
        }
        emit EpochMeasured(epoch, metrics, id);
    }

    /// @notice See {ITaskMarket}.
    function policyInput(uint64 epoch) public view returns (int64[16] memory metrics) {
        _metricsOf(epoch, metrics, 0);
        if (epoch != 0) _metricsOf(epoch - 1, metrics, TaskLib.POLICY_METRICS);
    }

    /// @dev Writes `epoch`'s metrics into `metrics` from index `from`, in keepers/src/policy-io.ts's order.
    function _metricsOf(uint64 epoch, int64[16] memory metrics, uint256 from) internal view {
        Tally memory y = _tallies[epoch];
        Closing memory c = _closings[epoch];
        uint256 disputeRate = y.tasks == 0 ? (y.disputes == 0 ? 0 : 10_000) : uint256(y.disputes) * 10_000 / y.tasks;
        uint256[8] memory m =
            [uint256(y.tasks), c.work, y.fees, y.requesters, c.keepers, disputeRate, c.herfindahlBps, c.scheduleBps];
        for (uint256 i; i < 8; ++i) {
            metrics[from + i] = int64(uint64(m[i]));
        }
    }

    /// @dev Posts the protocol's policy task: zero-fee, the market its requester, so that only its
    ///      result reaches EmissionPool.proposePolicy (`_isPolicy`).
    function _postPolicy(uint32 modelId, uint32 computeUnits, bytes memory input) internal returns (uint256 id) {
        id = _nextId();
        Task memory t;
        t.requester = address(this);
        t.modelId = modelId;
        t.computeUnits = computeUnits;
        t.deadline = uint40(block.timestamp + Math.min(_epochLength, MAX_TASK_DURATION));
        t.postedAt = uint40(block.timestamp);
        t.postBlock = uint64(block.number);
        _tasks[id] = TaskLib.commitment(t, TaskStatus.Open);
        emit TaskPosted(
            id, t.requester, modelId, 0, computeUnits, t.deadline, t.postedAt, t.postBlock, address(0), 0, keccak256(input), input, ""
        );
    }

    /// @notice See {ITaskMarket}.
    function quote(uint32 modelId) external view returns (uint256 minFee, uint32 computeUnits) {
        (, computeUnits,,) = models.taskSpec(modelId);
        minFee = uint256(pool.minFeePerCU()) * computeUnits;
    }

    /// @notice See {ITaskMarket} (read here, beside `deposit` and `withdrawDeposit`).
    function depositOf(address requester) external view returns (uint256) {
        return _requesters[requester].deposit;
    }

    /// @notice See {ITaskMarket} (read here, beside `withdrawProtocolFees`).
    function protocolFees() external view returns (uint256) {
        return _counters.protocolFees;
    }

    /// @notice See {ITaskMarket}.
    function nonceUsed(address requester, uint256 nonce) external view returns (bool) {
        return _nonces[requester][nonce >> 8] & (1 << (nonce & 0xff)) != 0;
    }

    /// @notice See {ITaskMarket}.
    function zeroFeeAllowance(address requester) external view returns (uint256) {
        Cold memory c = _cold;
        Requester memory r = _requesters[requester];
        uint256 count = block.timestamp >= uint256(r.zeroFeeStart) + c.zeroFeePeriod ? 0 : r.zeroFeeCount;
        return count >= c.zeroFeeLimit ? 0 : c.zeroFeeLimit - count;
    }

    /// @notice See {ITaskMarket} (a cold parameter: read here, through the market's fallback).
    function zeroFeeLimit() external view returns (uint256) {
        return _cold.zeroFeeLimit;
    }

    /// @notice See {ITaskMarket} (a cold parameter: read here, through the market's fallback).
    function zeroFeePeriod() external view returns (uint256) {
        return _cold.zeroFeePeriod;
    }

    /// @notice See {ITaskMarket} (a cold parameter: read here, through the market's fallback).
    function livenessPenaltyBps() external view returns (uint256) {
        return _cold.livenessPenaltyBps;
    }

    /// @notice See {ITaskMarket} (a cold parameter: read here, through the market's fallback).
    function maxCallbackGas() external view returns (uint256) {
        return _cold.maxCallbackGas;
    }

    /// @notice See {ITaskMarket} (a cold parameter: read here, through the market's fallback).
    function backingBps() external view returns (uint256) {
        return _cold.backingBps;
    }

    /// @dev When a submitted task counts as undelivered, or reverts `WrongStatus` for one that is
    ///      neither open, claimed nor submitted. Only a task that needs its output on chain (a
    ///      callback or policy task) can be undelivered: its result may be a hash whose bytes
    ///      nobody has, so that `finalize` could never run. Its keeper had until the later of its
    ///      deadline and `DELIVERY_GRACE` after the challenge window to finalize it, long enough
    ///      that an honest keeper with its output inline is never penalised for being slow.
    function _deliveryLapse(uint256 id, Task memory t) internal view returns (uint256) {
        Hot memory h = _hot;
        if (t.callback == address(0) && !_isPolicy(t, h)) revert WrongStatus(id, TaskStatus.Submitted);
        uint256 lapse = uint256(t.since) + h.challengeWindow + DELIVERY_GRACE;
        return lapse > t.deadline ? lapse : t.deadline;
    }

    /// @dev Pulls `amount` from msg.sender into `requester`'s deposit.
    function _deposit(address requester, uint256 amount) internal {
        if (requester == address(0)) revert ZeroAddress();
        token.safeTransferFrom(msg.sender, address(this), amount);
        Requester storage r = _requesters[requester];
        r.deposit = SafeCast.toUint96(r.deposit + amount);
        emit Deposited(requester, msg.sender, amount);
    }

    /// @notice See {ITaskMarket}.
    function requestDigest(Request calldata req) external view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(REQUEST_TYPEHASH, req)));
    }

    function _verifyRequest(Request calldata req, bytes calldata input, bytes calldata signature) internal {
        if (block.timestamp > req.expiry) revert RequestExpired(req.expiry);
        _useNonce(req.requester, req.nonce);
        bytes32 digest = _hashTypedDataV4(keccak256(abi.encode(REQUEST_TYPEHASH, req)));
        if (!SignatureChecker.isValidSignatureNow(req.requester, digest, signature)) {
            revert InvalidSignature(req.requester);
        }
        if (input.length != 0 && keccak256(input) != req.inputHash) revert InputHashMismatch(req.inputHash);
    }

    function _requestSpec(Request calldata req) internal view returns (Spec memory) {
        return Spec({
            modelId: req.modelId,
            items: req.items,
            fee: req.fee,
            deadline: req.deadline,
            callback: req.callback,
            callbackGas: req.callbackGas,
            inputHash: req.inputHash,
            minFeePerCU: _minFee(req.fee)
        });
    }

    function _useNonce(address requester, uint256 nonce) internal {
        uint256 bit = 1 << (nonce & 0xff);
        uint256 bits = _nonces[requester][nonce >> 8];
        if (bits & bit != 0) revert NonceUsed(requester, nonce);
        _nonces[requester][nonce >> 8] = bits | bit;
    }
}
