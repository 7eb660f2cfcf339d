// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title Governed parameters
/// @notice Every protocol parameter is set only by the timelock, inside on-chain bounds, and every
///         change emits `ParameterSet`, so one indexer handler follows all of them.
interface IGoverned {
    /// @notice Parameter `name` (e.g. "minStake") changed from `previous` to `value`.
    event ParameterSet(bytes32 indexed name, uint256 previous, uint256 value);

    /// @notice `value` for parameter `name` lies outside its bounds [min, max].
    error ParameterOutOfBounds(bytes32 name, uint256 value, uint256 min, uint256 max);
    /// @notice `name` is not a parameter of this contract.
    error UnknownParameter(bytes32 name);
}
