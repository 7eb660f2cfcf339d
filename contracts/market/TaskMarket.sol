// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";

import {ITaskMarket} from "../interfaces/ITaskMarket.sol";
import {ITaskCourt} from "../interfaces/ITaskCourt.sol";
import {IKeeperRegistry} from "../interfaces/IKeeperRegistry.sol";
import {IModelRegistry} from "../interfaces/IModelRegistry.sol";
import {IEmissionPool} from "../interfaces/IEmissionPool.sol";
import {IParadigmCallback} from "../interfaces/IParadigmCallback.sol";
import {TaskLib} from "../libraries/TaskLib.sol";

/// @title The task market
/// @notice See ITaskMarket and docs/market.md. One storage word per live task (a commitment to the
///         full `Task` passed as calldata), parameters packed in one hot slot.
contract TaskMarket is ITaskMarket, AccessControl, ReentrancyGuardTransient, EIP712 {
    using SafeERC20 for IERC20;
    using TaskLib for Task;

    /// @inheritdoc ITaskMarket
    bytes32 public constant POLICY_REQUESTER_ROLE = keccak256("POLICY_REQUESTER_ROLE");
    /// @notice EIP-712 typehash of a signed `Request`.
    bytes32 public constant REQUEST_TYPEHASH = keccak256(
        "Request(address requester,uint32 modelId,uint96 fee,uint40 deadline,address callback,uint32 callbackGas,bytes32 inputHash,uint96 relayerFee,uint256 nonce,uint40 expiry)"
    );
    /// @notice Longest time between post and deadline.
    uint256 public constant MAX_TASK_DURATION = 30 days;
    /// @notice Draws tried for an assignee that serves the model before the task is open to all.
    uint256 public constant MAX_ASSIGN_DRAWS = 4;
    /// @dev Gas kept back around a callback for the rest of the finalize (EIP-150 margin included).
    uint256 internal constant CALLBACK_RESERVE = 10_000;
    /// @dev Model status Approved in IModelRegistry.
    uint8 internal constant APPROVED = 2;

    IERC20 public immutable token;
    IModelRegistry public immutable models;
    IKeeperRegistry public immutable keepers;
    IEmissionPool public immutable pool;

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
    }

    /// @dev Next id and accrued protocol fees, one slot.
    struct Counters {
        uint64 nextTaskId;
        uint96 protocolFees;
    }

    /// @dev What `_open` needs besides the requester and the input.
    struct Spec {
        uint32 modelId;
        uint96 fee;
        uint40 deadline;
        address callback;
        uint32 callbackGas;
        bytes32 inputHash;
        uint256 minFeePerCU;
    }

    /// @dev Running totals of a finalize batch for one keeper.
    struct Run {
        address keeper;
        uint256 pay;
        uint256 bond;
        uint256 credit;
        uint256 protocol;
        bool anyCallback;
    }

    Hot internal _hot;
    Cold internal _cold;
    Counters internal _counters;
    /// @inheritdoc ITaskMarket
    address public treasury;
    /// @inheritdoc ITaskMarket
    address public court;

    mapping(uint256 id => bytes32 word) internal _tasks;
    /// @dev Zero-fee usage: period start (low 40 bits) and count (next 32 bits).
    mapping(address requester => uint256 packed) internal _zeroFee;
    /// @dev Unordered nonces of signed requests: one bit per nonce.
    mapping(address requester => mapping(uint256 word => uint256 bits)) internal _nonces;

    modifier onlyCourt() {
        if (msg.sender != court) revert NotCourt(msg.sender);
        _;
    }

    /// @param timelock DEFAULT_ADMIN_ROLE holder and treasury
    constructor(address token_, address models_, address keepers_, address pool_, address timelock)
        EIP712("ParadigmTaskMarket", "1")
    {
        if (
            token_ == address(0) || models_ == address(0) || keepers_ == address(0) || pool_ == address(0)
                || timelock == address(0)
        ) revert ZeroAddress();
        token = IERC20(token_);
        models = IModelRegistry(models_);
        keepers = IKeeperRegistry(keepers_);
        pool = IEmissionPool(pool_);
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
        _cold = Cold({zeroFeeLimit: 10, zeroFeePeriod: 1 days, livenessPenaltyBps: 1000, maxCallbackGas: 500_000});
    }

    // ------------------------------------------------------------------ requesters

    /// @inheritdoc ITaskMarket
    function post(PostParams calldata p) external nonReentrant returns (uint256 id) {
        id = _nextId();
        _open(id, msg.sender, _spec(p, _minFee(p.fee)), p.input, p.inputURI);
        if (p.fee != 0) token.safeTransferFrom(msg.sender, address(this), p.fee);
    }

    /// @inheritdoc ITaskMarket
    function postWithPermit(PostParams calldata p, Permit calldata permit) external nonReentrant returns (uint256 id) {
        _permit(msg.sender, permit);
        id = _nextId();
        _open(id, msg.sender, _spec(p, _minFee(p.fee)), p.input, p.inputURI);
        if (p.fee != 0) token.safeTransferFrom(msg.sender, address(this), p.fee);
    }

    /// @inheritdoc ITaskMarket
    function postBatch(PostParams[] calldata ps) external nonReentrant returns (uint256 firstId) {
        uint256 n = ps.length;
        if (n == 0) revert InvalidBatch();
        firstId = _counters.nextTaskId;
        _counters.nextTaskId = uint64(firstId + n);
        uint256 total;
        uint256 minFeePerCU = type(uint256).max; // read lazily, once
        for (uint256 i; i < n; ++i) {
            PostParams calldata p = ps[i];
            if (p.fee != 0 && minFeePerCU == type(uint256).max) minFeePerCU = pool.minFeePerCU();
            _open(firstId + i, msg.sender, _spec(p, minFeePerCU), p.input, p.inputURI);
            total += p.fee;
        }
        if (total != 0) token.safeTransferFrom(msg.sender, address(this), total);
    }

    /// @inheritdoc ITaskMarket
    function postSigned(
        Request calldata req,
        bytes calldata input,
        string calldata inputURI,
        bytes calldata signature,
        Permit calldata permit
    ) external nonReentrant returns (uint256 id) {
        _verifyRequest(req, input, signature);
        if (permit.deadline != 0) _permit(req.requester, permit);
        id = _nextId();
        _open(id, req.requester, _requestSpec(req), input, inputURI);
        uint256 total = uint256(req.fee) + req.relayerFee;
        if (total != 0) token.safeTransferFrom(req.requester, address(this), total);
        if (req.relayerFee != 0) token.safeTransfer(msg.sender, req.relayerFee);
    }

    /// @inheritdoc ITaskMarket
    function expire(uint256[] calldata ids, Task[] calldata tasks) external nonReentrant {
        uint256 n = ids.length;
        if (n == 0 || n != tasks.length) revert InvalidBatch();
        uint256 penaltyBps = _cold.livenessPenaltyBps;
        for (uint256 i; i < n; ++i) {
            uint256 id = ids[i];
            (Task memory t, TaskStatus status) = _load(id, tasks[i]);
            if (status != TaskStatus.Open && status != TaskStatus.Claimed) revert WrongStatus(id, status);
            if (block.timestamp <= t.deadline) revert NotExpired(id, t.deadline);
            delete _tasks[id];
            uint256 penalty;
            if (status == TaskStatus.Claimed) penalty = _release(t.keeper, t.bond, penaltyBps, t.requester);
            if (t.fee != 0) token.safeTransfer(t.requester, t.fee);
            emit TaskExpired(id, t.requester, t.fee, penalty);
        }
    }

    // ------------------------------------------------------------------ keepers

    /// @inheritdoc ITaskMarket
    function claim(uint256 id, Task calldata task) external nonReentrant {
        Hot memory h = _hot;
        uint96 bond = _claim(id, task, h);
        if (bond != 0) keepers.lockBond(msg.sender, bond);
    }

    /// @inheritdoc ITaskMarket
    function claimBatch(uint256[] calldata ids, Task[] calldata tasks) external nonReentrant {
        uint256 n = ids.length;
        if (n == 0 || n != tasks.length) revert InvalidBatch();
        Hot memory h = _hot;
        uint256 total;
        for (uint256 i; i < n; ++i) {
            total += _claim(ids[i], tasks[i], h);
        }
        if (total != 0) keepers.lockBond(msg.sender, total);
    }

    /// @inheritdoc ITaskMarket
    function submit(uint256 id, Task calldata task, bytes calldata output) external nonReentrant {
        _submit(id, task, keccak256(output), output, "");
    }

    /// @inheritdoc ITaskMarket
    function submitHash(uint256 id, Task calldata task, bytes32 resultHash, string calldata uri)
        external
        nonReentrant
    {
        if (resultHash == bytes32(0)) revert InvalidResult();
        _submit(id, task, resultHash, "", uri);
    }

    /// @inheritdoc ITaskMarket
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

    /// @inheritdoc ITaskMarket
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
        if (!keepers.isActive(msg.sender)) revert NotEligible(msg.sender, t.modelId);
        uint96 bond = t.bond > h.challengeBond ? t.bond : h.challengeBond;
        _tasks[id] = TaskLib.commitment(t, TaskStatus.Challenged);
        emit TaskChallenged(id, msg.sender, resultHash, bond, output, uri);
        if (bond != 0) keepers.lockBond(msg.sender, bond);
        ITaskCourt(court).open(id, task, msg.sender, resultHash, bond);
    }

    /// @inheritdoc ITaskMarket
    function finalize(uint256[] calldata ids, Task[] calldata tasks, bytes[] calldata outputs) external nonReentrant {
        uint256 n = ids.length;
        if (n == 0 || n != tasks.length || (outputs.length != 0 && outputs.length != n)) revert InvalidBatch();
        Hot memory h = _hot;
        Run memory run;
        for (uint256 i; i < n; ++i) {
            _finalizeOne(ids[i], tasks[i], h, run);
        }
        _flush(run.keeper, run.pay, run.bond, run.credit);
        if (run.protocol != 0) _counters.protocolFees += uint96(run.protocol);
        if (!run.anyCallback) return;
        for (uint256 i; i < n; ++i) {
            Task memory t = tasks[i];
            bool policy = _isPolicy(t, h);
            if (t.callback == address(0) && !policy) continue;
            bytes calldata output = outputs.length == 0 ? msg.data[0:0] : outputs[i];
            _afterResult(ids[i], t, t.resultHash, output, policy);
        }
    }

    /// @inheritdoc ITaskMarket
    function withdrawProtocolFees() external nonReentrant returns (uint256 amount) {
        amount = _counters.protocolFees;
        if (amount == 0) return 0;
        _counters.protocolFees = 0;
        address to = treasury;
        token.safeTransfer(to, amount);
        emit ProtocolFeesWithdrawn(to, amount);
    }

    // ------------------------------------------------------------------ court

    /// @inheritdoc ITaskMarket
    function settle(uint256 id, Task calldata task, address keeper, bytes32 resultHash, bytes calldata output)
        external
        onlyCourt
        nonReentrant
    {
        (Task memory t, TaskStatus status) = _load(id, task);
        if (status != TaskStatus.Challenged) revert WrongStatus(id, status);
        delete _tasks[id];
        if (keeper == address(0)) {
            if (t.fee != 0) token.safeTransfer(t.requester, t.fee);
            emit TaskRefunded(id, t.requester, t.fee);
            return;
        }
        Hot memory h = _hot;
        (uint256 pay, uint256 fee, uint256 credit) = _split(t, h);
        _flush(keeper, pay, 0, credit);
        if (fee != 0) _counters.protocolFees += uint96(fee);
        emit TaskFinalized(id, keeper, resultHash, pay, fee, credit);
        bool policy = _isPolicy(t, h);
        if (t.callback != address(0) || policy) _afterResult(id, t, resultHash, output, policy);
    }

    // ------------------------------------------------------------------ governance

    /// @inheritdoc ITaskMarket
    function setCourt(address court_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (court != address(0)) revert CourtAlreadySet(court);
        if (court_ == address(0)) revert ZeroAddress();
        court = court_;
        emit CourtSet(court_);
    }

    /// @inheritdoc ITaskMarket
    function setTreasury(address treasury_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (treasury_ == address(0)) revert ZeroAddress();
        treasury = treasury_;
        emit TreasurySet(treasury_);
    }

    /// @inheritdoc ITaskMarket
    function setParameter(bytes32 name, uint256 value) external onlyRole(DEFAULT_ADMIN_ROLE) {
        uint256 previous;
        if (name == "assignWindow") {
            _bounds(name, value, 1, 1 hours);
            (previous, _hot.assignWindow) = (_hot.assignWindow, uint24(value));
        } else if (name == "claimTimeout") {
            _bounds(name, value, 10, 1 days);
            (previous, _hot.claimTimeout) = (_hot.claimTimeout, uint24(value));
        } else if (name == "challengeWindow") {
            _bounds(name, value, 1, 7 days);
            (previous, _hot.challengeWindow) = (_hot.challengeWindow, uint24(value));
        } else if (name == "bondMultiplierBps") {
            _bounds(name, value, 10_000, 1_000_000);
            (previous, _hot.bondMultiplierBps) = (_hot.bondMultiplierBps, uint24(value));
        } else if (name == "challengeBond") {
            _bounds(name, value, 0, 1e14);
            (previous, _hot.challengeBond) = (_hot.challengeBond, uint96(value));
        } else if (name == "protocolFeeBps") {
            _bounds(name, value, 0, 2000);
            (previous, _hot.protocolFeeBps) = (_hot.protocolFeeBps, uint16(value));
        } else if (name == "zeroFeeCreditBps") {
            _bounds(name, value, 0, 10_000);
            (previous, _hot.zeroFeeCreditBps) = (_hot.zeroFeeCreditBps, uint16(value));
        } else if (name == "policyModelId") {
            _bounds(name, value, 0, type(uint32).max);
            (previous, _hot.policyModelId) = (_hot.policyModelId, uint32(value));
        } else if (name == "zeroFeeLimit") {
            _bounds(name, value, 0, 1000);
            (previous, _cold.zeroFeeLimit) = (_cold.zeroFeeLimit, uint32(value));
        } else if (name == "zeroFeePeriod") {
            _bounds(name, value, 60, 30 days);
            (previous, _cold.zeroFeePeriod) = (_cold.zeroFeePeriod, uint32(value));
        } else if (name == "livenessPenaltyBps") {
            _bounds(name, value, 0, 10_000);
            (previous, _cold.livenessPenaltyBps) = (_cold.livenessPenaltyBps, uint16(value));
        } else if (name == "maxCallbackGas") {
            _bounds(name, value, 10_000, 5_000_000);
            (previous, _cold.maxCallbackGas) = (_cold.maxCallbackGas, uint32(value));
        } else {
            revert UnknownParameter(name);
        }
        emit ParameterSet(name, previous, value);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc ITaskMarket
    function commitmentOf(Task calldata task, TaskStatus status) external pure returns (bytes32) {
        return TaskLib.commitment(task, status);
    }

    /// @inheritdoc ITaskMarket
    function statusOf(uint256 id) external view returns (TaskStatus) {
        return TaskLib.statusOf(_tasks[id]);
    }

    /// @inheritdoc ITaskMarket
    function taskWord(uint256 id) external view returns (bytes32) {
        return _tasks[id];
    }

    /// @inheritdoc ITaskMarket
    function assigneeOf(uint256 id, Task calldata task) external view returns (address) {
        return _assignee(id, task.postBlock, task.modelId);
    }

    /// @inheritdoc ITaskMarket
    function bondFor(uint256 fee) external view returns (uint256) {
        Hot memory h = _hot;
        return TaskLib.bond(fee, h.bondMultiplierBps, h.challengeBond);
    }

    /// @inheritdoc ITaskMarket
    function quote(uint32 modelId) external view returns (uint256 minFee, uint32 computeUnits) {
        (, computeUnits,,) = models.taskSpec(modelId);
        minFee = uint256(pool.minFeePerCU()) * computeUnits;
    }

    /// @inheritdoc ITaskMarket
    function nextTaskId() external view returns (uint256) {
        return _counters.nextTaskId;
    }

    /// @inheritdoc ITaskMarket
    function protocolFees() external view returns (uint256) {
        return _counters.protocolFees;
    }

    /// @inheritdoc ITaskMarket
    function nonceUsed(address requester, uint256 nonce) external view returns (bool) {
        return _nonces[requester][nonce >> 8] & (1 << (nonce & 0xff)) != 0;
    }

    /// @inheritdoc ITaskMarket
    function zeroFeeAllowance(address requester) external view returns (uint256) {
        Cold memory c = _cold;
        uint256 packed = _zeroFee[requester];
        uint256 count = block.timestamp >= uint40(packed) + uint256(c.zeroFeePeriod) ? 0 : uint32(packed >> 40);
        return count >= c.zeroFeeLimit ? 0 : c.zeroFeeLimit - count;
    }

    /// @inheritdoc ITaskMarket
    function requestDigest(Request calldata req) external view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(REQUEST_TYPEHASH, req)));
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

    function zeroFeeLimit() external view returns (uint256) {
        return _cold.zeroFeeLimit;
    }

    function zeroFeePeriod() external view returns (uint256) {
        return _cold.zeroFeePeriod;
    }

    function livenessPenaltyBps() external view returns (uint256) {
        return _cold.livenessPenaltyBps;
    }

    function maxCallbackGas() external view returns (uint256) {
        return _cold.maxCallbackGas;
    }

    // ------------------------------------------------------------------ internal: post

    function _nextId() internal returns (uint256 id) {
        id = _counters.nextTaskId;
        _counters.nextTaskId = uint64(id + 1);
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
            fee: req.fee,
            deadline: req.deadline,
            callback: req.callback,
            callbackGas: req.callbackGas,
            inputHash: req.inputHash,
            minFeePerCU: _minFee(req.fee)
        });
    }

    function _spec(PostParams calldata p, uint256 minFeePerCU) internal pure returns (Spec memory) {
        return Spec({
            modelId: p.modelId,
            fee: p.fee,
            deadline: p.deadline,
            callback: p.callback,
            callbackGas: p.callbackGas,
            inputHash: p.inputHash,
            minFeePerCU: minFeePerCU
        });
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
        string calldata inputURI
    ) internal {
        (uint8 status, uint32 cu, uint32 maxInputBytes,) = models.taskSpec(s.modelId);
        if (status != APPROVED) revert ModelNotApproved(s.modelId, status);
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
        if (s.fee == 0) {
            _useZeroFee(requester);
        } else {
            uint256 minimum = s.minFeePerCU * cu;
            if (s.fee < minimum) revert FeeBelowMinimum(s.fee, minimum);
        }
        Task memory t;
        t.requester = requester;
        t.fee = s.fee;
        t.modelId = s.modelId;
        t.computeUnits = cu;
        t.deadline = s.deadline;
        t.postedAt = uint40(block.timestamp);
        t.postBlock = uint64(block.number);
        t.callback = s.callback;
        t.callbackGas = s.callbackGas;
        _tasks[id] = TaskLib.commitment(t, TaskStatus.Open);
        _emitPosted(id, t, s.inputHash, input, inputURI);
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

    function _useZeroFee(address requester) internal {
        Cold memory c = _cold;
        uint256 packed = _zeroFee[requester];
        uint256 start = uint40(packed);
        uint256 count = uint32(packed >> 40);
        if (block.timestamp >= start + c.zeroFeePeriod) (start, count) = (block.timestamp, 0);
        if (count >= c.zeroFeeLimit) revert ZeroFeeRateLimited(requester, start + c.zeroFeePeriod);
        _zeroFee[requester] = start | ((count + 1) << 40);
    }

    function _useNonce(address requester, uint256 nonce) internal {
        uint256 bit = 1 << (nonce & 0xff);
        uint256 bits = _nonces[requester][nonce >> 8];
        if (bits & bit != 0) revert NonceUsed(requester, nonce);
        _nonces[requester][nonce >> 8] = bits | bit;
    }

    /// @dev Applies a permit; a failed permit is ignored (it may have been front-run), the
    ///      transfer that follows checks the allowance.
    function _permit(address owner, Permit calldata p) internal {
        try IERC20Permit(address(token)).permit(owner, address(this), p.value, p.deadline, p.v, p.r, p.s) {} catch {}
    }

    // ------------------------------------------------------------------ internal: claim / submit

    /// @dev Checks and records a claim by msg.sender; returns the bond to lock.
    function _claim(uint256 id, Task calldata task, Hot memory h) internal returns (uint96 bond) {
        (Task memory t, TaskStatus status) = _load(id, task);
        if (block.timestamp > t.deadline) revert DeadlinePassed(id, t.deadline);
        if (status == TaskStatus.Open) {
            if (block.timestamp < uint256(t.postedAt) + h.assignWindow) {
                if (block.number <= uint256(t.postBlock) + 1) revert AssignmentPending(id, t.postBlock + 1);
                address assignee = _assignee(id, t.postBlock, t.modelId);
                if (assignee != address(0)) {
                    if (msg.sender != assignee) revert NotAssignee(msg.sender, assignee);
                } else {
                    _checkEligible(msg.sender, t.modelId);
                }
            } else {
                _checkEligible(msg.sender, t.modelId);
            }
        } else if (status == TaskStatus.Claimed) {
            uint256 lapsesAt = uint256(t.since) + h.claimTimeout;
            if (block.timestamp <= lapsesAt) revert ClaimNotLapsed(id, lapsesAt);
            _checkEligible(msg.sender, t.modelId);
            uint256 penalty = _release(t.keeper, t.bond, _cold.livenessPenaltyBps, t.requester);
            emit ClaimLapsed(id, t.keeper, penalty);
        } else {
            revert WrongStatus(id, status);
        }
        bond = TaskLib.bond(t.fee, h.bondMultiplierBps, h.challengeBond);
        t.keeper = msg.sender;
        t.bond = bond;
        t.since = uint40(block.timestamp);
        t.resultHash = bytes32(0);
        _tasks[id] = TaskLib.commitment(t, TaskStatus.Claimed);
        emit TaskClaimed(id, msg.sender, bond, t.since);
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

    // ------------------------------------------------------------------ internal: settlement

    /// @dev Finalizes one task into the running per-keeper totals (flushed when the keeper changes).
    function _finalizeOne(uint256 id, Task calldata task, Hot memory h, Run memory run) internal {
        (Task memory t, TaskStatus status) = _load(id, task);
        if (status != TaskStatus.Submitted) revert WrongStatus(id, status);
        uint256 endsAt = uint256(t.since) + h.challengeWindow;
        if (block.timestamp < endsAt) revert ChallengeWindowOpen(id, endsAt);
        delete _tasks[id];
        if (t.keeper != run.keeper) {
            _flush(run.keeper, run.pay, run.bond, run.credit);
            (run.keeper, run.pay, run.bond, run.credit) = (t.keeper, 0, 0, 0);
        }
        (uint256 pay, uint256 fee, uint256 credit) = _split(t, h);
        run.pay += pay;
        run.protocol += fee;
        run.bond += t.bond;
        run.credit += credit;
        if (t.callback != address(0) || _isPolicy(t, h)) run.anyCallback = true;
        emit TaskFinalized(id, t.keeper, t.resultHash, pay, fee, credit);
    }

    /// @dev Keeper pay, protocol fee and work credit of a finalized task.
    function _split(Task memory t, Hot memory h) internal pure returns (uint256 pay, uint256 fee, uint256 credit) {
        fee = TaskLib.bps(t.fee, h.protocolFeeBps);
        pay = t.fee - fee;
        credit = t.fee == 0 ? TaskLib.bps(t.computeUnits, h.zeroFeeCreditBps) : t.computeUnits;
    }

    /// @dev Pays a keeper's pool, unlocks its bonds and credits its work, in one call each.
    function _flush(address keeper, uint256 pay, uint256 bond, uint256 credit) internal {
        if (keeper == address(0)) return;
        if (pay != 0) {
            token.safeTransfer(address(keepers), pay);
            keepers.reward(keeper, pay);
        }
        if (bond != 0) keepers.unlockBond(keeper, bond);
        if (credit != 0) pool.creditWork(keeper, credit);
    }

    /// @dev Slashes `penaltyBps` of a lapsed claimant's bond to `to` and unlocks the rest.
    function _release(address keeper, uint256 bond, uint256 penaltyBps, address to) internal returns (uint256 penalty) {
        if (bond == 0) return 0;
        penalty = TaskLib.bps(bond, penaltyBps);
        if (penalty != 0) penalty = keepers.slash(keeper, penalty, to);
        if (bond > penalty) keepers.unlockBond(keeper, bond - penalty);
    }

    function _isPolicy(Task memory t, Hot memory h) internal view returns (bool) {
        return h.policyModelId != 0 && t.modelId == h.policyModelId && hasRole(POLICY_REQUESTER_ROLE, t.requester);
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
        uint256 needed = gasLimit + gasLimit / 63 + CALLBACK_RESERVE;
        if (gasleft() < needed) revert InsufficientCallbackGas(id, needed, gasleft());
        bytes memory data = abi.encodeCall(IParadigmCallback.onParadigmResult, (id, output));
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

    function _checkEligible(address keeper, uint32 modelId) internal view {
        if (!keepers.isActive(keeper) || !keepers.serves(keeper, modelId)) revert NotEligible(keeper, modelId);
    }

    /// @dev Stake-weighted draw among active keepers, retried until one serves the model.
    function _assignee(uint256 id, uint64 postBlock, uint32 modelId) internal view returns (address) {
        bytes32 seed = blockhash(uint256(postBlock) + 1);
        if (seed == bytes32(0)) return address(0);
        for (uint256 i; i < MAX_ASSIGN_DRAWS; ++i) {
            address k = keepers.draw(uint256(keccak256(abi.encode(seed, id, i))));
            if (k == address(0)) return address(0);
            if (keepers.serves(k, modelId)) return k;
        }
        return address(0);
    }

    function _bounds(bytes32 name, uint256 value, uint256 min, uint256 max) internal pure {
        if (value < min || value > max) revert ParameterOutOfBounds(name, value, min, max);
    }
}
