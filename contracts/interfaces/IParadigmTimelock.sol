// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title The Paradigm timelock
/// @notice Stakers can always leave before a governance change takes effect: the timelock's
///         minimum delay stays above the keeper registry's unbonding period. The registry refuses
///         an unbonding period >= the delay; the timelock refuses a delay <= the unbonding period.
interface IParadigmTimelock {
    /// @notice The keeper registry whose unbonding period the delay must exceed was set (once, at
    ///         deployment).
    event KeepersSet(address indexed keepers);

    /// @notice The keeper registry is already set.
    error KeepersAlreadySet(address keepers);
    /// @notice The zero address was given for the keeper registry.
    error ZeroAddress();
    /// @notice `delay` is not above the keeper registry's unbonding period `unbondingPeriod`: a
    ///         staker who sees an operation scheduled could not leave before it executes.
    error DelayNotAboveUnbonding(uint256 delay, uint256 unbondingPeriod);

    /// @notice Sets the keeper registry, once; the current minimum delay must already exceed its
    ///         unbonding period. Only DEFAULT_ADMIN_ROLE: the deployer, before it renounces.
    function setKeepers(address keepers_) external;

    /// @notice The keeper registry (address(0) until set).
    function keepers() external view returns (address);
}
