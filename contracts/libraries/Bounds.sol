// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IGoverned} from "../interfaces/IGoverned.sol";

/// @title Bounds of governed parameters
/// @notice The one check every governed contract runs before setting a parameter (IGoverned).
library Bounds {
    /// @notice Reverts with `IGoverned.ParameterOutOfBounds(name, value, min, max)` unless
    ///         `min <= value <= max`.
    /// @param name the parameter's name, e.g. "minStake"
    /// @param value the proposed value
    /// @param min the least value allowed
    /// @param max the greatest value allowed
    function check(bytes32 name, uint256 value, uint256 min, uint256 max) internal pure {
        if (value < min || value > max) revert IGoverned.ParameterOutOfBounds(name, value, min, max);
    }
}
