// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IParadigmCallback} from "../interfaces/IParadigmCallback.sol";
import {ITaskMarketTypes} from "../interfaces/ITaskMarketTypes.sol";

/// @notice Test callback target: mode 0 records, 1 reverts, 2 burns all gas, 3 returns a huge
///         returndata, 4 tries to reenter the market (finalize).
contract MaliciousConsumer is IParadigmCallback {
    uint8 public mode;
    address public immutable market;
    uint256 public lastTaskId;
    bytes public lastOutput;

    constructor(address market_, uint8 mode_) {
        market = market_;
        mode = mode_;
    }

    function onParadigmResult(uint256 taskId, bytes calldata output) external {
        if (mode == 1) revert("no");
        if (mode == 2) {
            while (true) {}
        }
        if (mode == 3) {
            assembly {
                return(0, 1000000)
            }
        }
        if (mode == 4) {
            uint256[] memory ids = new uint256[](0);
            ITaskMarketTypes.Task[] memory tasks = new ITaskMarketTypes.Task[](0);
            bytes[] memory outs = new bytes[](0);
            (bool ok,) = market.call(abi.encodeWithSignature(
                "finalize(uint256[],(address,uint96,uint32,uint32,uint40,uint40,uint64,address,uint32,address,uint96,uint40,bytes32)[],bytes[])",
                ids, tasks, outs
            ));
            require(ok, "reentry blocked");
        }
        lastTaskId = taskId;
        lastOutput = output;
    }
}
