// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IParadigmCallback} from "../interfaces/IParadigmCallback.sol";

/// @notice Test callback target that needs nearly all of its callback gas: it records the task
///         and the output's hash and length, then burns gas until `burn` gas has been used since
///         it was entered. Given less than that (plus a little), it runs out of gas and records
///         nothing.
contract GasHungryConsumer is IParadigmCallback {
    address public immutable market;
    uint256 public immutable burn;
    uint256 public lastTaskId;
    bytes32 public lastOutputHash;
    uint256 public lastOutputLength;
    uint256 public calls;

    constructor(address market_, uint256 burn_) {
        market = market_;
        burn = burn_;
    }

    function onParadigmResult(uint256 taskId, bytes calldata output) external {
        uint256 start = gasleft();
        require(msg.sender == market, "not the market");
        lastTaskId = taskId;
        lastOutputHash = keccak256(output);
        lastOutputLength = output.length;
        calls += 1;
        while (start - gasleft() < burn) {}
    }
}
