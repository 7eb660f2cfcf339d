// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {Governor} from "@openzeppelin/contracts/governance/Governor.sol";
import {GovernorSettings} from "@openzeppelin/contracts/governance/extensions/GovernorSettings.sol";
import {GovernorCountingSimple} from "@openzeppelin/contracts/governance/extensions/GovernorCountingSimple.sol";
import {GovernorVotes} from "@openzeppelin/contracts/governance/extensions/GovernorVotes.sol";
import {GovernorVotesQuorumFraction} from
    "@openzeppelin/contracts/governance/extensions/GovernorVotesQuorumFraction.sol";
import {GovernorTimelockControl} from "@openzeppelin/contracts/governance/extensions/GovernorTimelockControl.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title ParadigmGovernor
/// @notice PAR holders govern through this contract; passed proposals are queued on and executed
///         by the timelock. PAR checkpoints votes by timestamp, so the voting delay and period are
///         in seconds. Quorum is a fraction of the votable supply: PAR's supply minus what is
///         staked in the keeper registry, whose balance is checkpointed as its own votes and never
///         cast. So emission that vests into stake cannot push the quorum out of reach.
contract ParadigmGovernor is
    Governor,
    GovernorSettings,
    GovernorCountingSimple,
    GovernorVotes,
    GovernorVotesQuorumFraction,
    GovernorTimelockControl
{
    /// @notice The keeper registry: its votes (staked PAR) count neither for nor toward quorum.
    address public immutable keepers;

    /// @param token_ PAR (IVotes, timestamp clock)
    /// @param timelock_ the ParadigmTimelock that executes passed proposals
    /// @param votingDelay_ seconds between proposal and the vote snapshot
    /// @param votingPeriod_ seconds the vote stays open
    /// @param proposalThreshold_ votes (base units) needed to propose
    /// @param quorumPercent quorum as a percentage of the votable supply at the snapshot
    /// @param keepers_ the keeper registry, which delegates its PAR to itself (address(0): none,
    ///        quorum is then a fraction of the total supply)
    constructor(
        IVotes token_,
        TimelockController timelock_,
        uint48 votingDelay_,
        uint32 votingPeriod_,
        uint256 proposalThreshold_,
        uint256 quorumPercent,
        address keepers_
    )
        Governor("ParadigmGovernor")
        GovernorSettings(votingDelay_, votingPeriod_, proposalThreshold_)
        GovernorVotes(token_)
        GovernorVotesQuorumFraction(quorumPercent)
        GovernorTimelockControl(timelock_)
    {
        keepers = keepers_;
    }

    /// @notice PAR that can vote at `timepoint`: the total supply minus the keeper registry's votes.
    function votableSupply(uint256 timepoint) public view returns (uint256) {
        IVotes votes = token();
        uint256 supply = votes.getPastTotalSupply(timepoint);
        // the registry's votes are part of its balance, so of the supply
        return keepers == address(0) ? supply : supply - votes.getPastVotes(keepers, timepoint);
    }

    /// @notice `quorumNumerator` percent of the votable supply at `timepoint`.
    function quorum(uint256 timepoint)
        public
        view
        override(Governor, GovernorVotesQuorumFraction)
        returns (uint256)
    {
        return Math.mulDiv(votableSupply(timepoint), quorumNumerator(timepoint), quorumDenominator());
    }

    function state(uint256 proposalId)
        public
        view
        override(Governor, GovernorTimelockControl)
        returns (ProposalState)
    {
        return super.state(proposalId);
    }

    function proposalNeedsQueuing(uint256 proposalId)
        public
        view
        override(Governor, GovernorTimelockControl)
        returns (bool)
    {
        return super.proposalNeedsQueuing(proposalId);
    }

    function proposalThreshold() public view override(Governor, GovernorSettings) returns (uint256) {
        return super.proposalThreshold();
    }

    function _queueOperations(
        uint256 proposalId,
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(Governor, GovernorTimelockControl) returns (uint48) {
        return super._queueOperations(proposalId, targets, values, calldatas, descriptionHash);
    }

    function _executeOperations(
        uint256 proposalId,
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(Governor, GovernorTimelockControl) {
        super._executeOperations(proposalId, targets, values, calldatas, descriptionHash);
    }

    function _cancel(
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(Governor, GovernorTimelockControl) returns (uint256) {
        return super._cancel(targets, values, calldatas, descriptionHash);
    }

    function _executor() internal view override(Governor, GovernorTimelockControl) returns (address) {
        return super._executor();
    }
}
