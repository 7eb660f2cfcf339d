// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IGoverned} from "./IGoverned.sol";

/// @title The emission policy, evaluated by Chainlink Functions
/// @notice The second policy oracle (docs/policy-functions.md). Once per epoch anyone may ask the
///         Chainlink Functions DON to run the pinned JavaScript source of the policy model on the
///         metrics the chain computed (IPolicyMetrics); the DON's answer is proposed to the
///         EmissionPool for the next epoch, whose guardrails then clamp it. Governance (the
///         timelock) pins the source by its keccak256 hash and sets the DON, the subscription and
///         the callback gas. Whether this oracle or the task market steers the pool is
///         governance's choice: see docs/policy-functions.md.
interface IPolicyFunctionsOracle is IGoverned {
    /// @notice Why a fulfilment proposed nothing.
    /// @param DonError the DON reported an error (the script threw, timed out, or did not parse)
    /// @param Malformed the response is not two ABI-encoded 256-bit words
    /// @param OutOfRange the multiplier lies outside [5 000, 15 000] bps or the fee outside
    ///        [0, 1 000 000]: the pinned policy never produces it
    /// @param PoolRefused the pool reverted (the target epoch already started, or this oracle does
    ///        not hold POLICY_ROLE); `detail` is the revert data
    /// @param UnknownRequest the request id is not one of this oracle's pending requests
    enum Rejection {
        DonError,
        Malformed,
        OutOfRange,
        PoolRefused,
        UnknownRequest
    }

    /// @notice Governance pinned the policy source `sourceHash` (keccak256 of its bytes), replacing
    ///         `previous`; requests wait until the matching source is uploaded (`setSource`).
    ///         A zero hash switches the oracle off.
    event SourcePinned(bytes32 indexed sourceHash, bytes32 previous);
    /// @notice The source matching the pinned hash was stored (as the code of `pointer`).
    event SourceSet(bytes32 indexed sourceHash, address pointer, uint256 length);
    /// @notice `requestId` asks the DON for the policy of epoch `forEpoch`, on the metrics of
    ///         `forEpoch − 2` and `forEpoch − 3` (the last ended epoch and the one before), with
    ///         source `sourceHash`.
    event PolicyRequested(bytes32 indexed requestId, uint64 indexed forEpoch, bytes32 sourceHash, int64[16] input);
    /// @notice The DON answered `requestId` and its decision was proposed to the pool for `forEpoch`.
    event PolicyDelivered(bytes32 indexed requestId, uint64 indexed forEpoch, uint32 multiplierBps, uint96 minFeePerCU);
    /// @notice The DON's answer to `requestId` proposed nothing, for `reason`; `detail` is the
    ///         DON's error, the response, or the pool's revert data.
    event PolicyRejected(bytes32 indexed requestId, uint64 indexed forEpoch, Rejection reason, bytes detail);

    /// @notice The policy was already requested in `epoch`, by `requestId`.
    error AlreadyRequested(uint64 epoch, bytes32 requestId);
    /// @notice Epoch `epoch`, the last that ended, is not closed in the pool yet, so the chain has
    ///         not measured it: close it (EmissionPool.closeEpoch), then request.
    error EpochNotMeasured(uint64 epoch);
    /// @notice Only the Functions router may fulfil a request.
    error OnlyRouter(address caller);
    /// @notice The source's keccak256 hash `actual` is not the pinned `pinned` hash.
    error SourceHashMismatch(bytes32 pinned, bytes32 actual);
    /// @notice No source is stored for the pinned hash `pinned` (zero: the oracle is off).
    error SourceNotSet(bytes32 pinned);
    /// @notice The source is longer than `max` bytes (what one data contract holds).
    error SourceTooLarge(uint256 length, uint256 max);
    /// @notice Storing the source failed.
    error SourceStoreFailed();
    /// @notice A constructor address argument was zero.
    error ZeroAddress();

    /// @notice Pins the policy source by its keccak256 hash (DEFAULT_ADMIN_ROLE, the timelock).
    ///         The stored source is dropped until the matching one is uploaded; zero switches the
    ///         oracle off (requests revert `SourceNotSet`). Requests already sent are still
    ///         fulfilled.
    function pinSource(bytes32 sourceHash) external;

    /// @notice Stores the JavaScript source whose keccak256 hash is pinned. Anyone: the hash, set
    ///         by governance, decides what is accepted. Reverts `SourceHashMismatch` otherwise.
    function setSource(string calldata source_) external;

    /// @notice Asks the DON for the next epoch's policy on the metrics of the last ended epoch and
    ///         the one before. Anyone, at most once per epoch; the subscription pays.
    /// @return requestId the Functions request id
    function requestPolicy() external returns (bytes32 requestId);

    /// @notice The router's callback with the DON's report. Only the router; never reverts for
    ///         its content: a decision inside the declared ranges is proposed to the pool for the
    ///         request's next epoch (`PolicyDelivered`), anything else emits `PolicyRejected`.
    /// @param response the source's return value: abi.encode(int256 multiplierBps, int256 minFeePerCU)
    /// @param err the DON's error, empty on success
    function handleOracleFulfillment(bytes32 requestId, bytes memory response, bytes memory err) external;

    /// @notice Sets governance parameter `name` (DEFAULT_ADMIN_ROLE, the timelock), within bounds:
    ///         "donId" (nonzero; the bytes32 DON id as a uint256), "subscriptionId" [1, 2^64 − 1],
    ///         "callbackGasLimit" [MIN_CALLBACK_GAS, MAX_CALLBACK_GAS].
    function setParameter(bytes32 name, uint256 value) external;

    /// @notice The pinned source hash (zero: the oracle is off).
    function sourceHash() external view returns (bytes32);
    /// @notice The stored source matching the pinned hash ("" until uploaded).
    function source() external view returns (string memory);
    /// @notice The request sent in `epoch`, zero if none.
    function requestOf(uint64 epoch) external view returns (bytes32);
    /// @notice The epoch a pending request `requestId` decides, zero if it is not pending.
    function pendingEpochOf(bytes32 requestId) external view returns (uint64);
}
