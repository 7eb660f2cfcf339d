// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IPolicyMetrics} from "../interfaces/IPolicyMetrics.sol";

/// @notice Test metrics: the same policy input for every epoch, set by the test, and the last
///         epoch asked for.
contract FixedPolicyMetrics is IPolicyMetrics {
    int64[16] internal _input;

    constructor(int64[16] memory input) {
        _input = input;
    }

    function policyInput(uint64) external view returns (int64[16] memory) {
        return _input;
    }
}
