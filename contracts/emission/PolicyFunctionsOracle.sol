// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IEmissionPool} from "../interfaces/IEmissionPool.sol";
import {IFunctionsRouter} from "../interfaces/IFunctionsRouter.sol";
import {IPolicyFunctionsOracle} from "../interfaces/IPolicyFunctionsOracle.sol";
import {IPolicyMetrics} from "../interfaces/IPolicyMetrics.sol";
import {Bounds} from "../libraries/Bounds.sol";
import {FunctionsCBOR} from "../libraries/FunctionsCBOR.sol";
import {TaskLib} from "../libraries/TaskLib.sol";

/// @title PolicyFunctionsOracle
/// @notice The emission policy evaluated by Chainlink Functions: the DON runs the pinned
///         JavaScript source (the policy's forward pass and weights, keepers/policy/functions)
///         on the chain's own metrics and this contract proposes its decision to the EmissionPool.
/// @dev A minimal Functions consumer (no @chainlink/contracts): the request is CBOR-encoded here
///      (FunctionsCBOR) and sent through the router; the router alone calls back. The source is
///      kept as the code of a data contract (written once for 200 gas a byte, read for a few
///      thousand), and only the source whose keccak256 hash governance pinned is accepted.
contract PolicyFunctionsOracle is IPolicyFunctionsOracle, AccessControl {
    /// @notice The Functions request encoding version.
    uint16 public constant REQUEST_DATA_VERSION = 1;
    /// @notice Callback gas bounds: enough to decode and propose, at most what routers allow.
    uint256 public constant MIN_CALLBACK_GAS = 100_000;
    uint256 public constant MAX_CALLBACK_GAS = 2_500_000;
    /// @notice The longest source: what one data contract holds (EIP-170, less the STOP byte).
    uint256 public constant MAX_SOURCE_LENGTH = 24_575;

    bytes32 internal constant DON_ID = "donId";
    bytes32 internal constant SUBSCRIPTION_ID = "subscriptionId";
    bytes32 internal constant CALLBACK_GAS_LIMIT = "callbackGasLimit";

    /// @notice The Chainlink Functions router.
    IFunctionsRouter public immutable router;
    /// @notice The pool the decisions are proposed to.
    IEmissionPool public immutable pool;
    /// @notice Where the policy input comes from.
    IPolicyMetrics public immutable metrics;

    /// @notice The DON the requests go to.
    bytes32 public donId;
    /// @inheritdoc IPolicyFunctionsOracle
    bytes32 public sourceHash;
    /// @dev The data contract holding the pinned source (0 until uploaded).
    address internal _sourcePointer;
    /// @notice The subscription that pays for the requests (this contract must be its consumer).
    uint64 public subscriptionId;
    /// @notice Gas for the fulfilment callback.
    uint32 public callbackGasLimit;

    /// @inheritdoc IPolicyFunctionsOracle
    mapping(uint64 epoch => bytes32 requestId) public requestOf;
    /// @inheritdoc IPolicyFunctionsOracle
    mapping(bytes32 requestId => uint64 forEpoch) public pendingEpochOf;

    /// @param admin receives DEFAULT_ADMIN_ROLE: the timelock
    /// @param router_ the Chainlink Functions router of this chain
    /// @param pool_ the EmissionPool (this contract needs its POLICY_ROLE to propose)
    /// @param metrics_ the policy input (the task market)
    /// @param donId_ the DON id, e.g. "fun-ethereum-mainnet-1"
    /// @param subscriptionId_ the Functions subscription (may be set later; 0 until then)
    /// @param callbackGasLimit_ in [MIN_CALLBACK_GAS, MAX_CALLBACK_GAS]
    constructor(
        address admin,
        address router_,
        address pool_,
        address metrics_,
        bytes32 donId_,
        uint64 subscriptionId_,
        uint32 callbackGasLimit_
    ) {
        if (admin == address(0) || router_ == address(0) || pool_ == address(0) || metrics_ == address(0)) {
            revert ZeroAddress();
        }
        Bounds.check(CALLBACK_GAS_LIMIT, callbackGasLimit_, MIN_CALLBACK_GAS, MAX_CALLBACK_GAS);
        router = IFunctionsRouter(router_);
        pool = IEmissionPool(pool_);
        metrics = IPolicyMetrics(metrics_);
        donId = donId_;
        subscriptionId = subscriptionId_;
        callbackGasLimit = callbackGasLimit_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    // ---------------------------------------------------------------- governance

    /// @inheritdoc IPolicyFunctionsOracle
    function pinSource(bytes32 sourceHash_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        emit SourcePinned(sourceHash_, sourceHash);
        sourceHash = sourceHash_;
        delete _sourcePointer;
    }

    /// @inheritdoc IPolicyFunctionsOracle
    function setSource(string calldata source_) external {
        bytes32 pinned = sourceHash;
        bytes32 actual = keccak256(bytes(source_));
        if (pinned == bytes32(0) || actual != pinned) revert SourceHashMismatch(pinned, actual);
        uint256 length = bytes(source_).length;
        if (length > MAX_SOURCE_LENGTH) revert SourceTooLarge(length, MAX_SOURCE_LENGTH);
        // Init code that returns everything after its own 11 bytes as the runtime code: a STOP
        // byte (so the data contract cannot be called into anything) and the source.
        bytes memory init = abi.encodePacked(hex"600b5981380380925939f3", hex"00", source_);
        address pointer;
        assembly ("memory-safe") {
            pointer := create(0, add(init, 0x20), mload(init))
        }
        if (pointer == address(0)) revert SourceStoreFailed();
        _sourcePointer = pointer;
        emit SourceSet(pinned, pointer, length);
    }

    /// @inheritdoc IPolicyFunctionsOracle
    function setParameter(bytes32 name, uint256 value) external onlyRole(DEFAULT_ADMIN_ROLE) {
        uint256 previous;
        if (name == DON_ID) {
            Bounds.check(name, value, 1, type(uint256).max);
            (previous, donId) = (uint256(donId), bytes32(value));
        } else if (name == SUBSCRIPTION_ID) {
            Bounds.check(name, value, 1, type(uint64).max);
            (previous, subscriptionId) = (subscriptionId, uint64(value));
        } else if (name == CALLBACK_GAS_LIMIT) {
            Bounds.check(name, value, MIN_CALLBACK_GAS, MAX_CALLBACK_GAS);
            (previous, callbackGasLimit) = (callbackGasLimit, uint32(value));
        } else {
            revert UnknownParameter(name);
        }
        emit ParameterSet(name, previous, value);
    }

    // ---------------------------------------------------------------- requests

    /// @inheritdoc IPolicyFunctionsOracle
    function requestPolicy() external returns (bytes32 requestId) {
        uint64 epoch = pool.currentEpoch();
        if (epoch == 0 || pool.nextEpochToClose() < epoch) revert EpochNotMeasured(epoch == 0 ? 0 : epoch - 1);
        bytes32 previous = requestOf[epoch];
        if (previous != bytes32(0)) revert AlreadyRequested(epoch, previous);
        address pointer = _sourcePointer;
        if (pointer == address(0)) revert SourceNotSet(sourceHash);

        int64[16] memory input = metrics.policyInput(epoch - 1);
        string[] memory args = new string[](16);
        for (uint256 i; i < 16; ++i) {
            args[i] = FunctionsCBOR.decimal(input[i]);
        }
        bytes memory data = FunctionsCBOR.encodeInlineJavaScript(_readSource(pointer), args);
        requestId = router.sendRequest(subscriptionId, data, REQUEST_DATA_VERSION, callbackGasLimit, donId);

        uint64 forEpoch = epoch + 1;
        requestOf[epoch] = requestId;
        pendingEpochOf[requestId] = forEpoch;
        emit PolicyRequested(requestId, forEpoch, sourceHash, input);
    }

    /// @inheritdoc IPolicyFunctionsOracle
    function handleOracleFulfillment(bytes32 requestId, bytes memory response, bytes memory err) external {
        if (msg.sender != address(router)) revert OnlyRouter(msg.sender);
        uint64 forEpoch = pendingEpochOf[requestId];
        if (forEpoch == 0) return _reject(requestId, 0, Rejection.UnknownRequest, "");
        delete pendingEpochOf[requestId];
        if (err.length != 0) return _reject(requestId, forEpoch, Rejection.DonError, err);
        if (response.length != 64) return _reject(requestId, forEpoch, Rejection.Malformed, response);
        (int256 multiplier, int256 fee) = abi.decode(response, (int256, int256));
        if (
            multiplier < int256(TaskLib.POLICY_MIN_MULTIPLIER_BPS) || multiplier > int256(TaskLib.POLICY_MAX_MULTIPLIER_BPS)
                || fee < 0 || fee > int256(TaskLib.POLICY_MAX_FEE_PER_CU)
        ) return _reject(requestId, forEpoch, Rejection.OutOfRange, response);
        // In range, so both casts are exact.
        uint32 multiplierBps = uint32(uint256(multiplier));
        uint96 minFeePerCU = uint96(uint256(fee));
        try pool.proposePolicy(forEpoch, multiplierBps, minFeePerCU) {
            emit PolicyDelivered(requestId, forEpoch, multiplierBps, minFeePerCU);
        } catch (bytes memory reason) {
            _reject(requestId, forEpoch, Rejection.PoolRefused, reason);
        }
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IPolicyFunctionsOracle
    function source() external view returns (string memory) {
        address pointer = _sourcePointer;
        return pointer == address(0) ? "" : _readSource(pointer);
    }

    // ---------------------------------------------------------------- internal

    /// @dev The source stored as `pointer`'s code, without its leading STOP byte.
    function _readSource(address pointer) internal view returns (string memory text) {
        bytes memory code = pointer.code;
        assembly ("memory-safe") {
            // Drop the first byte: move the length word one byte up, over it.
            let length := mload(code)
            text := add(code, 1)
            mstore(text, sub(length, 1))
        }
    }

    function _reject(bytes32 requestId, uint64 forEpoch, Rejection reason, bytes memory detail) internal {
        emit PolicyRejected(requestId, forEpoch, reason, detail);
    }
}
