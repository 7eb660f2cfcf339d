// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ITaskCourt} from "../interfaces/ITaskCourt.sol";

/// @title Pure dispute logic: tally, slash size, split
library DisputeLib {
    /// @notice The option holding a strict majority of `seats` (votes >= seats / 2 + 1), or None.
    function tally(uint256 forSubmitter, uint256 forChallenger, uint256 forNeither, uint256 forRival, uint256 seats)
        internal
        pure
        returns (ITaskCourt.Outcome)
    {
        uint256 quorum = seats / 2 + 1;
        if (forSubmitter >= quorum) return ITaskCourt.Outcome.Submitter;
        if (forChallenger >= quorum) return ITaskCourt.Outcome.Challenger;
        if (forNeither >= quorum) return ITaskCourt.Outcome.Neither;
        if (forRival >= quorum) return ITaskCourt.Outcome.Rival;
        return ITaskCourt.Outcome.None;
    }

    /// @notice What a lying submitter loses: max(bond, stake × slashBps / 10_000).
    function submitterSlash(uint256 bond, uint256 stake, uint256 slashBps) internal pure returns (uint256) {
        uint256 s = stake * slashBps / 10_000;
        return s > bond ? s : bond;
    }

    /// @notice Splits `slashed`: jurors' and burn shares by bps, the rest to the winner.
    function split(uint256 slashed, uint256 jurorShareBps, uint256 burnBps)
        internal
        pure
        returns (uint256 toWinner, uint256 toJurors, uint256 burned)
    {
        toJurors = slashed * jurorShareBps / 10_000;
        burned = slashed * burnBps / 10_000;
        toWinner = slashed - toJurors - burned;
    }
}
