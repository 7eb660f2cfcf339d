// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title The genesis guardian
/// @notice At genesis no PAR exists, so nobody can vote. The founders' multisig (the guardian)
///         may schedule timelock operations through this contract while PAR's voting supply is
///         below `threshold`; after that it may only cancel pending operations. The timelock
///         removes it for good by revoking this contract's PROPOSER_ROLE and CANCELLER_ROLE.
interface IGenesisGuardian {
    /// @notice Only the guardian (the founders' multisig) may call this.
    error NotGuardian(address caller);
    /// @notice The voting supply reached the threshold: the guardian may no longer propose.
    error GenesisOver(uint256 votingSupply, uint256 threshold);
    /// @notice A constructor argument was the zero address.
    error ZeroAddress();

    /// @notice Schedules one operation on the timelock. Only the guardian, only during genesis.
    function schedule(address target, uint256 value, bytes calldata data, bytes32 predecessor, bytes32 salt, uint256 delay)
        external;

    /// @notice Schedules a batch of operations on the timelock. Only the guardian, only during genesis.
    function scheduleBatch(
        address[] calldata targets,
        uint256[] calldata values,
        bytes[] calldata payloads,
        bytes32 predecessor,
        bytes32 salt,
        uint256 delay
    ) external;

    /// @notice Cancels a pending timelock operation. Only the guardian, until governance removes it.
    function cancel(bytes32 id) external;

    /// @notice PAR's total supply checkpointed one second ago (flash-mint and same-block proof).
    function votingSupply() external view returns (uint256);

    /// @notice True while the guardian may still propose (votingSupply() < threshold).
    function inGenesis() external view returns (bool);
}
