// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ParadigmConsumer} from "../market/ParadigmConsumer.sol";

/// @notice Test consumer: requests inference and stores the last result.
contract EchoConsumer is ParadigmConsumer {
    uint256 public lastTaskId;
    bytes public lastOutput;

    constructor(address market, address token) ParadigmConsumer(market, token) {}

    function ask(uint32 modelId, bytes calldata input, uint256 maxFee) external returns (uint256) {
        return requestInference(modelId, input, maxFee);
    }

    function onResult(uint256 taskId, bytes calldata output) internal override {
        lastTaskId = taskId;
        lastOutput = output;
    }
}
