// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IGoverned} from "./IGoverned.sol";
import {ITaskMarket} from "./ITaskMarket.sol";
import {IKeeperRegistry} from "./IKeeperRegistry.sol";
import {ISealedRoles} from "./ISealedRoles.sol";

/// @title The emission pool: the only source of new PAR
/// @notice Time is cut into epochs of `epochLength` seconds from `genesis`. Each closed epoch
///         emits an amount steered by the policy model and clamped by guardrails, shared among
///         contributors by the work credited to them during that epoch. Claims are pulled.
interface IEmissionPool is IGoverned, ISealedRoles {
    /// @notice Verified work was credited to `contributor` in `epoch`: `units` of paid work backed
    ///         by `backing` (the most that paid work may earn: the protocol fees it paid), and
    ///         `zeroFeeUnits` of zero-fee work, which shares the epoch's `zeroFeeBudget`.
    event WorkCredited(uint64 indexed epoch, address indexed contributor, uint256 units, uint256 zeroFeeUnits, uint256 backing);
    /// @notice The policy proposed a multiplier and a fee floor for `epoch` (before clamping).
    event PolicyProposed(uint64 indexed epoch, uint32 multiplierBps, uint96 minFeePerCU);
    /// @notice `epoch` closed: `amount` is shared among `totalWork` units of work.
    /// @param baseline the even-schedule amount (remaining budget / remaining epochs of the year)
    /// @param multiplierBps the clamped multiplier applied to the baseline (10_000 = 1.0)
    /// @param amount what the epoch allocates to contributors (0 when nobody worked)
    /// @param fromPolicy false when no proposal arrived and the baseline multiplier was the target
    event EpochClosed(
        uint64 indexed epoch, uint256 baseline, uint32 multiplierBps, uint256 amount, uint256 totalWork, bool fromPolicy
    );
    /// @notice `contributor` claimed `amount` for epochs [fromEpoch, toEpoch].
    event Claimed(address indexed contributor, uint64 fromEpoch, uint64 toEpoch, uint256 amount);
    /// @notice `amount` of `epoch` went back to the budget: a share above the per-address cap, or
    ///         the whole computed amount of an epoch without work.
    event Rollover(uint64 indexed epoch, uint256 amount);
    /// @notice A new emission year began with epoch `firstEpoch`.
    /// @param budget the year's nominal budget (previous × yearDecayBps)
    /// @param available what the year may emit: carried-over remainder + budget, bounded by the cap
    event YearStarted(uint64 indexed year, uint64 firstEpoch, uint256 budget, uint256 available);

    /// @notice Only the task market may credit work.
    error NotMarket(address caller);
    /// @notice Only the policy oracle (the market, when a policy task finalizes) may propose.
    error NotPolicyOracle(address caller);
    /// @notice A proposal must target an epoch that has not started yet (`earliest` or later).
    error ProposalTooLate(uint64 epoch, uint64 earliest);
    /// @notice `epoch` has not ended yet; it can be closed from `endsAt`.
    error EpochNotEnded(uint64 epoch, uint256 endsAt);
    /// @notice `epoch` is not closed yet, so it cannot be claimed.
    error EpochNotClosed(uint64 epoch);
    /// @notice The claimed epoch range is empty or reversed.
    error InvalidEpochRange(uint64 fromEpoch, uint64 toEpoch);
    /// @notice `contributor` already claimed `epoch`.
    error AlreadyClaimed(address contributor, uint64 epoch);
    /// @notice The epoch length must lie in [1 minute, 365 days].
    error InvalidEpochLength(uint256 epochLength);
    /// @notice A constructor address argument was zero.
    error ZeroAddress();
    /// @notice `epoch` cannot close while `count` deferred work credits for it are unsettled.
    error WorkDeferred(uint64 epoch, uint256 count);
    /// @notice A deferred credit targets `epoch`, which is closed, not started, or has no open deferral.
    error InvalidDeferredEpoch(uint64 epoch);

    /// @notice The keeper registry that vests keepers' emission was set (once, at deployment).
    event KeepersSet(address indexed keepers);
    /// @notice `closeEpoch` now has `market` record each closed epoch's metrics and post its policy task.
    event MarketSet(address indexed market);
    /// @notice The keeper registry is already set.
    error KeepersAlreadySet(address keepers);
    /// @notice The market that records epoch metrics and posts policy tasks is set once.
    error MarketAlreadySet(address market);
    /// @notice `closeEpoch` needs `needed` gas left to post the policy task; it had `left`.
    error InsufficientGas(uint256 left, uint256 needed);

    /// @notice The market deferred one contributor's work credit for `epoch` (settled by `settleWork`).
    event WorkDeferral(uint64 indexed epoch);

    /// @notice Credits verified work (a finalized task, or jury duty) to `contributor` in the
    ///         current epoch: `units` of paid work with its `backing`, and `zeroFeeUnits` of
    ///         zero-fee work. Only the market and the court (MARKET_ROLE).
    /// @dev An epoch's emission goes first to zero-fee work, at most `zeroFeeBudget` × the epoch's
    ///      multiplier / 10,000 (the policy steers the genesis faucet), shared by
    ///      zero-fee units; the rest to paid work, shared by units, each contributor's share capped
    ///      at its backing. What caps hold back stays in the budget.
    function creditWork(address contributor, uint256 units, uint256 zeroFeeUnits, uint256 backing) external;

    /// @notice Announces that the caller will credit one contributor's work for the current epoch
    ///         later (the market accrues a keeper's work in its own storage and flushes it once);
    ///         `closeEpoch` for that epoch waits until the deferral is settled. Only the market.
    /// @return epoch the current epoch
    function deferWork() external returns (uint64 epoch);

    /// @notice Settles one deferral of `epoch` (not closed yet) by crediting work to
    ///         `contributor` in that epoch, as `creditWork` does. Only the market (MARKET_ROLE).
    function settleWork(uint64 epoch, address contributor, uint256 units, uint256 zeroFeeUnits, uint256 backing)
        external;

    /// @notice Records the policy model's proposal for `epoch` (a future epoch; a later proposal
    ///         for the same epoch replaces an earlier one). Guardrails apply when the epoch closes
    ///         (multiplier) and when it runs (fee floor). Only the policy oracle (POLICY_ROLE).
    /// @param multiplierBps the emission multiplier in basis points (10_000 = the baseline)
    /// @param minFeePerCU the proposed fee floor per compute unit, in PAR base units
    function proposePolicy(uint64 epoch, uint32 multiplierBps, uint96 minFeePerCU) external;

    /// @notice Closes the oldest open epoch that has ended and fixes its emission. Anyone.
    function closeEpoch() external returns (uint64 epoch, uint256 amount);

    /// @notice Claims the caller's share of every closed epoch in [fromEpoch, toEpoch], skipping
    ///         epochs without work; reverts `AlreadyClaimed` if one of them was claimed before and
    ///         `EpochNotClosed` if one is still open. Mints to the caller; while `genesisVesting`
    ///         is nonzero, a registered keeper's claim is minted into its own slashable pool
    ///         stake instead, vesting linearly over `genesisVesting` (KeeperRegistry.vest).
    function claim(uint64 fromEpoch, uint64 toEpoch) external returns (uint256 amount);

    /// @notice Sets the keeper registry that vests keepers' emission (DEFAULT_ADMIN_ROLE, once;
    ///         the deployment does it before renouncing). Reverts `KeepersAlreadySet`.
    function setKeepers(address keepers) external;

    /// @notice Sets, once, the task market that each `closeEpoch` asks to record the epoch's
    ///         metrics and post the protocol's policy task (admin; the deployment does it).
    ///         Reverts `MarketAlreadySet`.
    function setMarket(address market) external;

    /// @notice The market that records epoch metrics and posts policy tasks (0 before `setMarket`).
    function market() external view returns (ITaskMarket);

    /// @notice Distinct contributors credited with work in `epoch`.
    function contributorsOf(uint64 epoch) external view returns (uint256);

    /// @notice The budget left against the time left in the emission year, in bps:
    ///         remaining × epochsPerYear / (yearBudget × epochs left). 10,000 = on schedule,
    ///         more = under-spent (a policy metric, keepers/src/policy-io.ts).
    function scheduleBps() external view returns (uint256);

    /// @notice Sets governance parameter `name` (DEFAULT_ADMIN_ROLE, the timelock), within bounds:
    ///         "maxShareBps" [100, 10000], "bootstrapEpochs" [0, 10 years of epochs],
    ///         "yearDecayBps" [0, 10000], "minFeePerCUFloor" [0, ceiling],
    ///         "minFeePerCUCeiling" [floor, MAX_FEE_PER_CU], "genesisVesting" [0, 730 days]
    ///         (seconds; 0 ends genesis vesting), "zeroFeeBudget" [0, MAX_ZERO_FEE_BUDGET].
    function setParameter(bytes32 name, uint256 value) external;

    /// @notice The keeper registry that vests keepers' emission (0 until set).
    function keepers() external view returns (IKeeperRegistry);
    /// @notice Seconds over which a keeper's claimed emission vests in its stake (0: paid out).
    function genesisVesting() external view returns (uint256);
    /// @notice Start of epoch 0 (unix seconds).
    function genesis() external view returns (uint256);
    /// @notice Seconds per epoch.
    function epochLength() external view returns (uint256);
    /// @notice Deferred work credits of `epoch` not yet settled.
    function deferredOf(uint64 epoch) external view returns (uint256);
    /// @notice The epoch that is running now.
    function currentEpoch() external view returns (uint64);

    /// @notice The oldest epoch not closed yet.
    function nextEpochToClose() external view returns (uint64);
    /// @notice The fee floor per compute unit in force now: the current epoch's proposal clamped
    ///         into [minFeePerCUFloor, minFeePerCUCeiling], or the floor without a proposal.
    function minFeePerCU() external view returns (uint96);
    /// @notice Work credited to `contributor` in `epoch`: paid units, zero-fee units, and the
    ///         backing of its paid work.
    function creditOf(uint64 epoch, address contributor)
        external
        view
        returns (uint256 units, uint256 zeroFeeUnits, uint256 backing);
    /// @notice The most of an epoch's emission that its zero-fee work shares at the baseline
    ///         multiplier (PAR base units); an epoch's multiplier scales it.
    function zeroFeeBudget() external view returns (uint256);
    /// @notice What `contributor` could claim for `epoch` now (0 if claimed, open or no work),
    ///         after its backing and the per-address cap.
    function claimable(address contributor, uint64 epoch) external view returns (uint256);
}
