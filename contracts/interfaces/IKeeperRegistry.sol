// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IGoverned} from "./IGoverned.sol";
import {ISealedRoles} from "./ISealedRoles.sol";

/// @title The keeper registry: PAR staking, delegation pools, bonds, slashing and sortition
/// @notice Each keeper (operator) runs a pool. The operator and its delegators hold shares of the
///         pool's stake; slashes lower the value of every share pro rata, rewards accrue per share
///         through an accumulator after the operator's commission. Part of the pool's stake can be
///         locked as task bonds by the market. Unbonding stake waits `unbondingPeriod` and stays
///         slashable until withdrawn. Sortition draws active keepers weighted by stake.
/// @dev Amounts are PAR base units (8 decimals). Governance parameters (names for `setParameter`
///      and `ParameterSet`): "minStake", "unbondingPeriod", "maxCommissionBps", "commissionDelay",
///      "rewardStreamPeriod".
interface IKeeperRegistry is IGoverned, ISealedRoles {
    /// @notice A keeper as the SDK reads it.
    /// @param stake pool stake (operator + delegators), locked bonds included, unbonding excluded
    /// @param lockedBond part of `stake` locked by the market as task bonds
    /// @param unbonding pool stake waiting out the unbonding period (still slashable)
    /// @param totalShares shares of `stake` held by the operator and delegators
    /// @param commissionBps commission in force now
    /// @param pendingCommissionBps queued commission, in force from `commissionEffectiveAt` (0: none queued)
    struct KeeperView {
        address keeper;
        bool registered;
        bool active;
        bool available;
        string endpoint;
        bytes32 hardwareClass;
        uint32[] modelIds;
        uint256 stake;
        uint256 lockedBond;
        uint256 unbonding;
        uint256 totalShares;
        uint16 commissionBps;
        uint16 pendingCommissionBps;
        uint64 commissionEffectiveAt;
    }

    /// @notice One account's position in one keeper's pool.
    /// @param stake current value of `shares`
    /// @param unbonding current value of its unbonding shares
    /// @param unbondReadyAt when `unbonding` can be withdrawn
    /// @param rewards claimable rewards
    struct Position {
        uint256 shares;
        uint256 stake;
        uint256 unbondingShares;
        uint256 unbonding;
        uint64 unbondReadyAt;
        uint256 rewards;
    }

    /// @notice `keeper` registered with its profile, models, self-stake and commission.
    event KeeperRegistered(
        address indexed keeper,
        string endpoint,
        bytes32 hardwareClass,
        uint32[] modelIds,
        uint256 stake,
        uint16 commissionBps
    );
    /// @notice `keeper` changed its endpoint or hardware class.
    event ProfileUpdated(address indexed keeper, string endpoint, bytes32 hardwareClass);
    /// @notice `keeper` now serves exactly `modelIds`.
    event ModelsUpdated(address indexed keeper, uint32[] modelIds);
    /// @notice `keeper` became available (takes tasks when staked enough) or unavailable.
    event AvailabilitySet(address indexed keeper, bool available);
    /// @notice `account` added `amount` to `keeper`'s pool for `shares` (the operator itself or a delegator).
    event Staked(address indexed keeper, address indexed account, uint256 amount, uint256 shares);
    /// @notice `account` started unbonding `amount` (`shares`) of `keeper`'s pool until `readyAt`.
    event UnbondRequested(
        address indexed keeper, address indexed account, uint256 amount, uint256 shares, uint64 readyAt
    );
    /// @notice `account` withdrew `amount` of matured unbonding stake from `keeper`'s pool.
    event Withdrawn(address indexed keeper, address indexed account, uint256 amount);
    /// @notice `keeper` queued commission `bps`, in force from `effectiveAt`.
    event CommissionQueued(address indexed keeper, uint16 bps, uint64 effectiveAt);
    /// @notice `keeper`'s pool was rewarded `amount`, of which `commission` went to the operator.
    event Rewarded(address indexed keeper, uint256 amount, uint256 commission);
    /// @notice `account` claimed `amount` of rewards from `keeper`'s pool.
    event RewardsClaimed(address indexed keeper, address indexed account, uint256 amount);
    /// @notice `keeper` was slashed `amount` in total, sent to `to`: `fromBond` out of its locked
    ///         bond, `fromStake` out of its free pool stake, `fromUnbonding` out of unbonding stake.
    event Slashed(
        address indexed keeper, address indexed to, uint256 amount, uint256 fromBond, uint256 fromStake, uint256 fromUnbonding
    );

    /// @notice `amount` of emission was staked into `keeper`'s own position; `unvested` of its
    ///         position now vests linearly until `vestedAt`.
    event Vested(address indexed keeper, uint256 amount, uint256 unvested, uint64 vestedAt);

    /// @notice The attestor (the contract that runs benchmarks: `attest`) was set, once.
    event AttestorSet(address indexed attestor);
    /// @notice `keeper` answered its benchmark task right and in time: it may now be active.
    event KeeperAttested(address indexed keeper);

    /// @notice `keeper` is already registered.
    error AlreadyRegistered(address keeper);
    /// @notice The attestor is set already (to `attestor`) and cannot change.
    error AttestorAlreadySet(address attestor);
    /// @notice Only the attestor attests keepers; `caller` is not it.
    error NotAttestor(address caller);
    /// @notice The attestor cannot be the zero address.
    error ZeroAddress();
    /// @notice `keeper`'s own position cannot drop below its unvested emission (`unvested`).
    error StakeVesting(address keeper, uint256 unvested);
    /// @notice `keeper` is not registered.
    error NotRegistered(address keeper);
    /// @notice The registration stake is below `minStake`.
    error StakeBelowMinimum(uint256 stake, uint256 minStake);
    /// @notice The commission is above `maxCommissionBps`.
    error CommissionTooHigh(uint256 bps, uint256 maxBps);
    /// @notice The endpoint is empty or longer than `maxLength` bytes.
    error InvalidEndpoint(uint256 length, uint256 maxLength);
    /// @notice The model list is empty or longer than `max`.
    error InvalidModelCount(uint256 count, uint256 max);
    /// @notice Model id 0 does not exist.
    error InvalidModelId(uint32 modelId);
    /// @notice The amount is zero.
    error ZeroAmount();
    /// @notice `keeper`'s pool has `available` free stake, `needed` was asked for.
    error InsufficientStake(address keeper, uint256 available, uint256 needed);
    /// @notice `account` holds stake worth `available` in `keeper`'s pool, `needed` was asked for.
    error InsufficientPosition(address keeper, address account, uint256 available, uint256 needed);
    /// @notice `account` has nothing unbonding in `keeper`'s pool.
    error NothingUnbonding(address keeper, address account);
    /// @notice `keeper` is the submitter in `disputes` open disputes: its pool's unbonding stake
    ///         backs the slash it may owe, so nobody withdraws from it until they end.
    error UnbondingHeld(address keeper, uint256 disputes);
    /// @notice The unbonding stake becomes withdrawable at `readyAt`.
    error UnbondingNotReady(uint64 readyAt);
    /// @notice `account` has no rewards to claim in `keeper`'s pool.
    error NothingToClaim(address keeper, address account);
    /// @notice `modelId` appears twice in a model list.
    error DuplicateModel(uint32 modelId);
    /// @notice A draw asked about block `blockNumber`, after the current block `current` or more
    ///         than 256 blocks before it (as far as a block hash seed reaches).
    error DrawOutOfRange(uint256 blockNumber, uint256 current);
    /// @notice The unbonding period `unbondingPeriod` is not below the timelock's minimum delay
    ///         `timelockDelay`: stakers could not leave before a scheduled change takes effect.
    error UnbondingNotBelowDelay(uint256 unbondingPeriod, uint256 timelockDelay);

    // ----------------------------------------------------------------- keepers

    /// @notice Registers the caller as a keeper with a self-stake of `stake` (>= minStake, may be 0),
    ///         pulled from the caller (approve first). The keeper is available at once.
    /// @param endpoint how requesters or peers reach the keeper (URL), 1..256 bytes
    /// @param hardwareClass declared hardware class, e.g. "cpu-x86-avx2", "gpu-h100"
    /// @param modelIds the model ids it serves, 1..64 of them
    /// @param commissionBps operator commission on pool rewards, <= maxCommissionBps
    function register(
        string calldata endpoint,
        bytes32 hardwareClass,
        uint32[] calldata modelIds,
        uint256 stake,
        uint16 commissionBps
    ) external;

    /// @notice Replaces the caller's endpoint and hardware class.
    function updateProfile(string calldata endpoint, bytes32 hardwareClass) external;

    /// @notice Replaces the set of models the caller serves.
    function updateModels(uint32[] calldata modelIds) external;

    /// @notice The caller marks itself available (takes tasks, may be drawn) or not.
    function setAvailable(bool available) external;

    /// @notice Queues a new commission for the caller's pool, in force after `commissionDelay`.
    function setCommission(uint16 bps) external;

    /// @notice Adds `amount` to the caller's own pool (pulled from the caller).
    function addStake(uint256 amount) external;

    /// @notice `addStake` with an EIP-2612 permit for the transfer.
    function stakeWithPermit(uint256 amount, uint256 deadline, uint8 v, bytes32 r, bytes32 s) external;

    /// @notice The operator starts unbonding `amount` of its own stake (out of the pool's free stake).
    function requestUnbond(uint256 amount) external;

    // ----------------------------------------------------------------- delegators

    /// @notice Adds `amount` (pulled from the caller) to `keeper`'s pool on behalf of the caller.
    function delegate(address keeper, uint256 amount) external;

    /// @notice `delegate` with an EIP-2612 permit for the transfer.
    function delegateWithPermit(address keeper, uint256 amount, uint256 deadline, uint8 v, bytes32 r, bytes32 s)
        external;

    /// @notice Starts unbonding `amount` of the caller's stake in `keeper`'s pool. A new request
    ///         adds to the caller's unbonding stake there and restarts its unbonding period.
    function undelegate(address keeper, uint256 amount) external;

    /// @notice Withdraws the caller's matured unbonding stake from `keeper`'s pool (what is left
    ///         of it after slashes). Anyone: operators use it for their own pool too. Reverts
    ///         `UnbondingHeld` while `keeper` is the submitter in an open dispute (`holdUnbonding`).
    function withdraw(address keeper) external returns (uint256 amount);

    /// @notice Claims the caller's rewards (commission included, for the operator) in `keeper`'s pool.
    ///         Pool rewards stream to shares over `rewardStreamPeriod`; what has streamed so far
    ///         is claimable.
    function claimRewards(address keeper) external returns (uint256 amount);

    /// @notice Recomputes `keeper`'s sortition weight (e.g. after `minStake` changed). Anyone.
    function sync(address keeper) external;

    // ----------------------------------------------------------------- market (MARKET_ROLE)

    // ----------------------------------------------------------------- attestation

    /// @notice Sets the attestor, once (DEFAULT_ADMIN_ROLE, at deployment). From then on a keeper
    ///         registers unattested and is not active, so never drawn, until the attestor
    ///         `attest`s it (it answered a benchmark task with a known answer in its declared
    ///         time: IAttestor). Keepers registered before stay attested.
    function setAttestor(address attestor) external;

    /// @notice Marks `keeper` attested: active from now on when available and staked. Only the attestor.
    function attest(address keeper) external;

    /// @notice Whether `keeper` is attested (always true while no attestor is set).
    function isAttested(address keeper) external view returns (bool);

    /// @notice Holds `keeper`'s pool's unbonding stake (no withdrawals) until `releaseUnbonding`:
    ///         the court calls it when a dispute over `keeper`'s result opens, so the slash, sized
    ///         on stake + unbonding, cannot shrink by a withdrawal before the verdict. Counted.
    function holdUnbonding(address keeper) external;

    /// @notice Ends one `holdUnbonding` of `keeper` (its dispute ended).
    function releaseUnbonding(address keeper) external;

    /// @notice Open disputes over `keeper`'s results: while nonzero, its pool's unbonding stake cannot be withdrawn.
    function heldDisputesOf(address keeper) external view returns (uint256);

    /// @notice Moves `amount` of `keeper`'s free pool stake into its locked bond.
    ///         Reverts `InsufficientStake(keeper, available, needed)`.
    function lockBond(address keeper, uint256 amount) external;

    /// @notice Releases up to `amount` of `keeper`'s locked bond (saturating: a slash may already
    ///         have consumed part of it).
    function unlockBond(address keeper, uint256 amount) external;

    /// @notice Stakes `amount` of emission (already transferred here) into `keeper`'s own
    ///         position, vesting linearly until `duration` from now: the unvested part cannot be
    ///         unbonded, and like all stake it is slashable. A new tranche merges with what is
    ///         still unvested and restarts the clock. If the pool cannot take stake (depleted by
    ///         slashes), the PAR goes to the keeper's wallet. Only the emission pool (VESTER_ROLE).
    function vest(address keeper, uint256 amount, uint256 duration) external;

    /// @notice Takes up to `amount` from `keeper` and transfers it to `to`; shared pro rata by the
    ///         pool. It takes the locked `bond` that backs the case first (the caller's own lock,
    ///         0 for none), then the pool's free and unbonding stake pro rata, and the bonds that
    ///         back the keeper's other tasks only when those run out, so a slash leaves other
    ///         in-flight tasks backed whenever the pool can pay. An unused part of `bond` stays
    ///         locked (the caller unlocks it).
    /// @return slashed the amount actually taken (<= amount)
    function slash(address keeper, uint256 amount, uint256 bond, address to) external returns (uint256 slashed);

    /// @notice Credits `amount` PAR, already transferred to the registry by the caller, to
    ///         `keeper`'s pool: the operator's commission at once, the rest to its shares pro
    ///         rata, streamed linearly over `rewardStreamPeriod` (with what is still streaming).
    function reward(address keeper, uint256 amount) external;

    /// @notice `unlockBond(keeper, bond)` then `reward(keeper, amount)` in one call: the market's
    ///         finalize path, saving a second call and role check.
    function unlockAndReward(address keeper, uint256 bond, uint256 amount) external;

    // ----------------------------------------------------------------- governance

    /// @notice Sets governance parameter `name` to `value` within its bounds. Only the timelock.
    ///         "unbondingPeriod" must also stay below the timelock's minimum delay
    ///         (UnbondingNotBelowDelay), so stakers can leave before a scheduled change executes.
    function setParameter(bytes32 name, uint256 value) external;

    // ----------------------------------------------------------------- views

    /// @notice The role the task market holds.
    function MARKET_ROLE() external view returns (bytes32);
    /// @notice Minimum stake to register and to be active.
    function minStake() external view returns (uint256);
    /// @notice Seconds between an unbond request and its withdrawal.
    function unbondingPeriod() external view returns (uint256);
    /// @notice Highest commission an operator may set.
    function maxCommissionBps() external view returns (uint256);
    /// @notice Seconds before a commission change takes effect.
    function commissionDelay() external view returns (uint256);

    /// @notice Registered, available and with pool stake >= minStake.
    function isActive(address keeper) external view returns (bool);
    /// @notice The attestor (address(0): none, every keeper counts as attested).
    function attestor() external view returns (address);
    /// @notice Whether `keeper` is registered.
    function isRegistered(address keeper) external view returns (bool);
    /// @notice `keeper`'s emission still vesting in its own position.
    function unvestedOf(address keeper) external view returns (uint256);
    /// @notice Whether `keeper` listed `modelId` among the models it serves.
    function serves(address keeper, uint32 modelId) external view returns (bool);
    /// @notice Pool stake incl. delegations and locked bonds, excl. unbonding.
    function stakeOf(address keeper) external view returns (uint256);
    /// @notice Pool stake not locked as bonds.
    function freeStakeOf(address keeper) external view returns (uint256);
    /// @notice Pool stake locked as bonds.
    function lockedBondOf(address keeper) external view returns (uint256);
    /// @notice Pool stake unbonding (still slashable).
    function unbondingOf(address keeper) external view returns (uint256);
    /// @notice Commission in force now for `keeper`'s pool.
    function commissionOf(address keeper) external view returns (uint16);
    /// @notice Seconds over which a pool reward (net of commission) reaches the pool's shares.
    function rewardStreamPeriod() external view returns (uint256);
    /// @notice Stake of the active keepers.
    function totalStake() external view returns (uint256);
    /// @notice The Herfindahl index of active pools' stakes, Σ stake² / (Σ stake)², in bps (one
    ///         pool: 10,000; n equal pools: 10,000 / n; no stake: 0). Kept in O(1).
    function stakeConcentrationBps() external view returns (uint256);
    /// @notice The sortition weight of `modelId` now: Σ (stake + 1) over the active keepers that
    ///         serve it.
    function modelWeight(uint32 modelId) external view returns (uint256);
    /// @notice A random keeper among those that served `modelId` and were active at the start of
    ///         block `blockNumber` (the state the previous block left), in O(log n): weighted by
    ///         stake + 1, so uniform while nobody has stake. `seed` picks the point. address(0) if
    ///         no keeper served the model then. Nobody can change the answer after that block,
    ///         so a seed taken from block `blockNumber`'s hash cannot be steered by stake moves.
    ///         `blockNumber` is at most 256 blocks back (`DrawOutOfRange`).
    ///         The keeper drawn may have become inactive since: callers check `isActive`.
    function draw(uint32 modelId, uint256 seed, uint256 blockNumber) external view returns (address keeper);
    /// @notice The full record of `keeper`.
    function keeperOf(address keeper) external view returns (KeeperView memory);
    /// @notice `account`'s position in `keeper`'s pool.
    function positionOf(address keeper, address account) external view returns (Position memory);
    /// @notice Number of keepers ever registered.
    function keeperCount() external view returns (uint256);
    /// @notice Keeper number `index` (registration order).
    function keeperAt(uint256 index) external view returns (address);
    /// @notice PAR the registry owes: all pool stakes, unbonding stakes and unclaimed rewards.
    ///         Equals the registry's PAR balance (invariant). O(keepers); for tests and monitors.
    function owed() external view returns (uint256);
}
