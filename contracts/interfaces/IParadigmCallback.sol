// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title What a task's callback contract implements
/// @notice The market calls it once, when the task finalizes (or its dispute settles) with a result,
///         with `callbackGas` gas. A revert, or running out of gas, is recorded (`CallbackResult`) and
///         never blocks the finalize or moves funds. The market is locked (nonReentrant) during the call.
interface IParadigmCallback {
    /// @notice Task `taskId` finalized with the canonical output `output` (keccak256(output) = resultHash).
    function onParadigmResult(uint256 taskId, bytes calldata output) external;
}
