// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

import {IParadigmCallback} from "../interfaces/IParadigmCallback.sol";
import {ITaskMarket} from "../interfaces/ITaskMarket.sol";
import {ITaskMarketTypes} from "../interfaces/ITaskMarketTypes.sol";

/// @title Base for contracts that buy inference
/// @notice Inherit, hold PAR, call `requestInference(modelId, input, maxFee)`, and implement
///         `onResult(taskId, output)`. The fee is the market's floor (minFeePerCU × CU) and must
///         not exceed `maxFee`. Refunds of expired tasks come back to this contract as PAR.
abstract contract ParadigmConsumer is IParadigmCallback {
    using SafeERC20 for IERC20;

    /// @notice The market this consumer posts to (and the only caller of `onParadigmResult`).
    ITaskMarket public immutable paradigmMarket;
    IERC20 public immutable paradigmToken;

    /// @notice The floor fee for the model is above the caller's `maxFee`.
    error FeeAboveMax(uint256 fee, uint256 maxFee);
    /// @notice Only the market delivers results.
    error NotParadigmMarket(address caller);

    constructor(address market, address token) {
        paradigmMarket = ITaskMarket(market);
        paradigmToken = IERC20(token);
    }

    /// @inheritdoc IParadigmCallback
    function onParadigmResult(uint256 taskId, bytes calldata output) external {
        if (msg.sender != address(paradigmMarket)) revert NotParadigmMarket(msg.sender);
        onResult(taskId, output);
    }

    /// @notice Posts a task for `input` paying the current floor fee (<= maxFee) from this contract.
    function requestInference(uint32 modelId, bytes memory input, uint256 maxFee) internal returns (uint256 taskId) {
        (uint256 fee,) = paradigmMarket.quote(modelId);
        if (fee > maxFee) revert FeeAboveMax(fee, maxFee);
        if (fee != 0) paradigmToken.forceApprove(address(paradigmMarket), fee);
        taskId = paradigmMarket.post(
            ITaskMarketTypes.PostParams({
                modelId: modelId,
                items: 1,
                fee: uint96(fee),
                deadline: uint40(block.timestamp + requestTimeout()),
                callback: address(this),
                callbackGas: callbackGasLimit(),
                input: input,
                inputHash: bytes32(0),
                inputURI: ""
            })
        );
    }

    /// @notice Called once with the verified canonical output of `taskId`. Runs with
    ///         `callbackGasLimit()` gas while the market is locked: record, don't call the market.
    function onResult(uint256 taskId, bytes calldata output) internal virtual;

    /// @notice Gas the market gives `onResult` (<= the market's maxCallbackGas).
    function callbackGasLimit() internal view virtual returns (uint32) {
        return 200_000;
    }

    /// @notice Seconds until a request expires and can be refunded.
    function requestTimeout() internal view virtual returns (uint256) {
        return 1 hours;
    }
}
