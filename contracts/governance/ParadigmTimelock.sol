// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {IKeeperRegistry} from "../interfaces/IKeeperRegistry.sol";
import {IParadigmTimelock} from "../interfaces/IParadigmTimelock.sol";

/// @title ParadigmTimelock
/// @notice Holds every protocol role. Proposers: the Governor and, during genesis, the
///         GenesisGuardian; cancellers: the same two; executors: anyone (address(0)).
///         The timelock administers itself: role changes go through a delayed operation.
///         Its minimum delay stays above the keeper registry's unbonding period, so a staker who
///         sees an operation scheduled can unbond and withdraw before it executes.
contract ParadigmTimelock is TimelockController, IParadigmTimelock {
    /// @inheritdoc IParadigmTimelock
    address public keepers;

    /// @param minDelay the minimum delay of an operation, in seconds
    /// @param proposers granted PROPOSER_ROLE and CANCELLER_ROLE
    /// @param executors granted EXECUTOR_ROLE (address(0) opens execution to anyone)
    /// @param admin optional deployer admin, to renounce at the end of deployment (address(0): none)
    constructor(uint256 minDelay, address[] memory proposers, address[] memory executors, address admin)
        TimelockController(minDelay, proposers, executors, admin)
    {}

    /// @inheritdoc IParadigmTimelock
    function setKeepers(address keepers_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (keepers != address(0)) revert KeepersAlreadySet(keepers);
        if (keepers_ == address(0)) revert ZeroAddress();
        keepers = keepers_;
        _checkAboveUnbonding(getMinDelay());
        emit KeepersSet(keepers_);
    }

    /// @notice Changes the minimum delay (only the timelock itself, through an operation); the
    ///         new delay must exceed the keeper registry's unbonding period (DelayNotAboveUnbonding).
    function updateDelay(uint256 newDelay) public override {
        super.updateDelay(newDelay);
        _checkAboveUnbonding(newDelay);
    }

    /// @dev No registry set yet (a bare governance deployment): nothing to stay above.
    function _checkAboveUnbonding(uint256 delay) private view {
        address registry = keepers;
        if (registry == address(0)) return;
        uint256 unbonding = IKeeperRegistry(registry).unbondingPeriod();
        if (delay <= unbonding) revert DelayNotAboveUnbonding(delay, unbonding);
    }
}
