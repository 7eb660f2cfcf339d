// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title EmissionMath
/// @notice Pure arithmetic of the emission pool: guardrails, epoch amounts, shares and caps.
///         All rounding is down; callers route every remainder back into the budget.
library EmissionMath {
    /// @notice 100% in basis points.
    uint256 internal constant BPS = 10_000;
    /// @notice The multiplier never goes below 0.5 × baseline.
    uint32 internal constant MIN_MULTIPLIER_BPS = 5_000;
    /// @notice The multiplier never goes above 1.5 × baseline.
    uint32 internal constant MAX_MULTIPLIER_BPS = 15_000;
    /// @notice The multiplier moves by at most ±20% (relative) from one epoch to the next.
    uint32 internal constant MAX_STEP_BPS = 2_000;

    /// @notice Clamps a proposed multiplier into the band [0.5, 1.5] and into ±20% of `previous`.
    /// @param proposed the policy's multiplier (any value)
    /// @param previous the multiplier applied to the previous epoch (itself inside the band)
    function clampMultiplier(uint256 proposed, uint256 previous) internal pure returns (uint32) {
        uint256 lo = (previous * (BPS - MAX_STEP_BPS)) / BPS;
        uint256 hi = (previous * (BPS + MAX_STEP_BPS)) / BPS;
        if (lo < MIN_MULTIPLIER_BPS) lo = MIN_MULTIPLIER_BPS;
        if (hi > MAX_MULTIPLIER_BPS) hi = MAX_MULTIPLIER_BPS;
        if (proposed < lo) return uint32(lo);
        if (proposed > hi) return uint32(hi);
        return uint32(proposed);
    }

    /// @notice The baseline (even schedule) and the amount an epoch emits.
    /// @param remaining what is left of the year's budget
    /// @param epochsLeft epochs left in the year, this one included (>= 1)
    /// @param multiplierBps the clamped multiplier
    /// @return baseline remaining / epochsLeft
    /// @return amount baseline × multiplier, never above `remaining`
    function epochAmount(uint256 remaining, uint256 epochsLeft, uint256 multiplierBps)
        internal
        pure
        returns (uint256 baseline, uint256 amount)
    {
        baseline = remaining / epochsLeft;
        amount = (baseline * multiplierBps) / BPS;
        if (amount > remaining) amount = remaining;
    }

    /// @notice One contributor's share of what is still unclaimed in an epoch. Shares are taken
    ///         from the unclaimed remainder, so the last claimant receives the rounding dust and
    ///         the epoch pays out exactly its amount.
    function share(uint256 unclaimedAmount, uint256 units, uint256 unclaimedUnits) internal pure returns (uint256) {
        return (unclaimedAmount * units) / unclaimedUnits;
    }

    /// @notice Splits a share into what is paid and what exceeds the per-address cap.
    /// @param amount the epoch's whole emission
    /// @param capBps the cap in basis points of `amount`, or BPS for no cap
    function capShare(uint256 shareAmount, uint256 amount, uint256 capBps)
        internal
        pure
        returns (uint256 paid, uint256 excess)
    {
        uint256 limit = (amount * capBps) / BPS;
        if (shareAmount <= limit) return (shareAmount, 0);
        return (limit, shareAmount - limit);
    }

    /// @dev Bits of a packed work entry: paid units (64), zero-fee units (64), backing (96); the
    ///      top bit marks a claim.
    uint256 internal constant UNITS_MASK = type(uint64).max;

    /// @notice Packs one contributor's work in an epoch: `units` of paid work, `zeroFeeUnits` of
    ///         zero-fee work, and `backing`, the most that its paid work may earn (the protocol
    ///         fees that work paid).
    function packWork(uint256 units, uint256 zeroFeeUnits, uint256 backing) internal pure returns (uint256) {
        return units | (zeroFeeUnits << 64) | (backing << 128);
    }

    /// @notice The parts of a packed work entry (the claim bit ignored).
    function unpackWork(uint256 w)
        internal
        pure
        returns (uint256 units, uint256 zeroFeeUnits, uint256 backing)
    {
        units = w & UNITS_MASK;
        zeroFeeUnits = (w >> 64) & UNITS_MASK;
        backing = (w >> 128) & type(uint96).max;
    }

    /// @notice Next year's nominal budget: `previous` × `decayBps`.
    function nextYearBudget(uint256 previous, uint256 decayBps) internal pure returns (uint256) {
        return (previous * decayBps) / BPS;
    }
}
