// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

/// @title ParadigmTimelock
/// @notice Holds every protocol role. Proposers: the Governor and, during genesis, the
///         GenesisGuardian; cancellers: the same two; executors: anyone (address(0)).
///         The timelock administers itself: role changes go through a delayed operation.
contract ParadigmTimelock is TimelockController {
    /// @param minDelay the minimum delay of an operation, in seconds
    /// @param proposers granted PROPOSER_ROLE and CANCELLER_ROLE
    /// @param executors granted EXECUTOR_ROLE (address(0) opens execution to anyone)
    /// @param admin optional deployer admin, to renounce at the end of deployment (address(0): none)
    constructor(uint256 minDelay, address[] memory proposers, address[] memory executors, address admin)
        TimelockController(minDelay, proposers, executors, admin)
    {}
}
