// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title Share and reward arithmetic of keeper pools
/// @notice A pool's stake is split into shares: slashes lower the stake, not the shares, so every
///         holder loses pro rata. Rewards accrue per share through an accumulator scaled by
///         `PRECISION`. Every rounding favours the pool over the individual holder.
library PoolMath {
    /// @notice Scale of the reward-per-share accumulator.
    uint256 internal constant PRECISION = 1e18;
    uint256 internal constant BPS = 10_000;

    /// @notice Shares minted for depositing `amount` into a bucket holding `stake` for `shares`
    ///         (1:1 into an empty bucket). Rounds down. Requires stake > 0 when shares > 0.
    function sharesForDeposit(uint256 amount, uint256 stake, uint256 shares) internal pure returns (uint256) {
        return shares == 0 ? amount : Math.mulDiv(amount, shares, stake);
    }

    /// @notice Shares burnt to take `amount` out of a bucket holding `stake` for `shares`. Rounds up.
    function sharesForWithdrawal(uint256 amount, uint256 stake, uint256 shares) internal pure returns (uint256) {
        return Math.mulDiv(amount, shares, stake, Math.Rounding.Ceil);
    }

    /// @notice The value of `held` shares in a bucket holding `stake` for `shares`. Rounds down;
    ///         the last holder (held == shares) gets the whole stake.
    function valueOf(uint256 held, uint256 stake, uint256 shares) internal pure returns (uint256) {
        if (held == shares) return stake;
        return Math.mulDiv(held, stake, shares);
    }

    /// @notice Splits a reward of `amount` into the operator's commission and the increase of the
    ///         accumulator for `shares` shares. With no shares, the operator takes all.
    function splitReward(uint256 amount, uint256 commissionBps, uint256 shares)
        internal
        pure
        returns (uint256 commission, uint256 accIncrease)
    {
        if (shares == 0) return (amount, 0);
        commission = amount * commissionBps / BPS;
        accIncrease = (amount - commission) * PRECISION / shares;
    }

    /// @notice Rewards accrued by `held` shares since the holder's debt was set. Rounds down.
    function pending(uint256 held, uint256 acc, uint256 debt) internal pure returns (uint256) {
        uint256 accrued = held * acc / PRECISION;
        return accrued > debt ? accrued - debt : 0;
    }

    /// @notice The reward debt of `held` shares at accumulator `acc`. Rounds up, so that a holder
    ///         never collects more than its exact share.
    function debtOf(uint256 held, uint256 acc) internal pure returns (uint256) {
        return Math.mulDiv(held, acc, PRECISION, Math.Rounding.Ceil);
    }

    /// @notice What is left at `time` of `amount` vesting linearly from `start` to `end`.
    function unvested(uint256 amount, uint256 start, uint256 end, uint256 time) internal pure returns (uint256) {
        if (time >= end) return 0;
        if (time <= start) return amount;
        return amount * (end - time) / (end - start);
    }

    /// @notice Where a slash of `amount` comes from: first the locked `bond` that backs the case
    ///         being punished (at most `locked`), then free and unbonding stake pro rata
    ///         (`splitSlash`), and only then the bonds that back the keeper's other tasks.
    /// @return fromLocked taken from locked bonds (the case's bond, plus others as a last resort)
    function slashSources(uint256 amount, uint256 bond, uint256 locked, uint256 free, uint256 unbonding)
        internal
        pure
        returns (uint256 fromLocked, uint256 fromFree, uint256 fromUnbonding)
    {
        fromLocked = Math.min(amount, Math.min(bond, locked));
        (fromFree, fromUnbonding) = splitSlash(amount - fromLocked, free, unbonding);
        uint256 short = amount - fromLocked - fromFree - fromUnbonding;
        if (short != 0) fromLocked += Math.min(short, locked - fromLocked);
    }

    /// @notice Splits a slash of `amount` already net of the bond part between free stake and
    ///         unbonding stake, pro rata; takes everything when `amount` covers both.
    function splitSlash(uint256 amount, uint256 free, uint256 unbonding)
        internal
        pure
        returns (uint256 fromFree, uint256 fromUnbonding)
    {
        uint256 available = free + unbonding;
        if (amount >= available) return (free, unbonding);
        // Rounds the unbonding part down: dust in the unbonding bucket is never taken by rounding.
        fromUnbonding = Math.mulDiv(amount, unbonding, available);
        fromFree = amount - fromUnbonding;
    }

    /// @notice What a reward stream holding `left`, last released at `updated` and ending at
    ///         `end`, releases by `time`: linearly, all of it at `end`.
    function released(uint256 left, uint256 updated, uint256 end, uint256 time) internal pure returns (uint256) {
        if (left == 0 || time <= updated) return 0;
        if (time >= end) return left;
        return left * (time - updated) / (end - updated);
    }
}
