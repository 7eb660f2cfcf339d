// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";
import {IERC6372} from "@openzeppelin/contracts/interfaces/IERC6372.sol";
import {IGenesisGuardian} from "../interfaces/IGenesisGuardian.sol";

/// @title GenesisGuardian
/// @notice Lets the founders' multisig bootstrap governance before any PAR exists, with powers
///         that shrink on-chain: propose while the voting supply < threshold, then only cancel,
///         then nothing once the timelock revokes this contract's roles. PAR has no burn, so the
///         supply never falls back below the threshold.
contract GenesisGuardian is IGenesisGuardian {
    /// @notice The timelock this contract proposes to and cancels on.
    TimelockController public immutable timelock;
    /// @notice PAR (votes checkpointed by timestamp).
    IVotes public immutable token;
    /// @notice The founders' multisig.
    address public immutable guardian;
    /// @notice Voting supply (base units) from which the guardian can no longer propose.
    uint256 public immutable threshold;

    modifier onlyGuardian() {
        if (msg.sender != guardian) revert NotGuardian(msg.sender);
        _;
    }

    modifier onlyGenesis() {
        uint256 supply = votingSupply();
        if (supply >= threshold) revert GenesisOver(supply, threshold);
        _;
    }

    constructor(TimelockController timelock_, IVotes token_, address guardian_, uint256 threshold_) {
        if (address(timelock_) == address(0) || address(token_) == address(0) || guardian_ == address(0)) {
            revert ZeroAddress();
        }
        timelock = timelock_;
        token = token_;
        guardian = guardian_;
        threshold = threshold_;
    }

    /// @inheritdoc IGenesisGuardian
    function schedule(address target, uint256 value, bytes calldata data, bytes32 predecessor, bytes32 salt, uint256 delay)
        external
        onlyGuardian
        onlyGenesis
    {
        timelock.schedule(target, value, data, predecessor, salt, delay);
    }

    /// @inheritdoc IGenesisGuardian
    function scheduleBatch(
        address[] calldata targets,
        uint256[] calldata values,
        bytes[] calldata payloads,
        bytes32 predecessor,
        bytes32 salt,
        uint256 delay
    ) external onlyGuardian onlyGenesis {
        timelock.scheduleBatch(targets, values, payloads, predecessor, salt, delay);
    }

    /// @inheritdoc IGenesisGuardian
    function cancel(bytes32 id) external onlyGuardian {
        timelock.cancel(id);
    }

    /// @inheritdoc IGenesisGuardian
    function votingSupply() public view returns (uint256) {
        uint48 now_ = IERC6372(address(token)).clock();
        return token.getPastTotalSupply(now_ - 1);
    }

    /// @inheritdoc IGenesisGuardian
    function inGenesis() external view returns (bool) {
        return votingSupply() < threshold;
    }
}
