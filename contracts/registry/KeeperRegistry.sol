// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Arrays} from "@openzeppelin/contracts/utils/Arrays.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";
import {IKeeperRegistry} from "../interfaces/IKeeperRegistry.sol";
import {SealedRoles} from "../governance/SealedRoles.sol";
import {Bounds} from "../libraries/Bounds.sol";
import {PoolMath} from "../libraries/PoolMath.sol";
import {SortitionSumTree} from "../libraries/SortitionSumTree.sol";

/// @title KeeperRegistry
/// @notice PAR staking for keepers, delegation pools, task bonds, slashing and stake-weighted
///         sortition. See IKeeperRegistry and docs/staking.md.
/// @dev Storage is laid out for the market's hot path: `lockBond`/`unlockBond` touch one slot of
///      the pool (`stake`, `locked`), `reward` reads one slot (`totalShares`, commission) and
///      writes the accumulator slot plus, for a non-zero commission, the operator's reward slot.
///      MARKET_ROLE and VESTER_ROLE move stake: the deployment grants them and seals them
///      (SealedRoles) before it renounces its admin role.
contract KeeperRegistry is SealedRoles, ReentrancyGuard, IKeeperRegistry {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;
    using SortitionSumTree for SortitionSumTree.Tree;

    struct Pool {
        // slot 0: stake and bonds
        uint96 stake; // active pool stake, locked bond included
        uint96 locked; // part of `stake` locked as task bonds
        bool available; // set by the operator
        bool active; // cached: whether the pool's weight is in the sortition trees
        bool attested; // answered its benchmark (set at registration while no attestor is set)
        // slot 1: shares and commission
        uint96 totalShares;
        uint16 commissionBps;
        uint16 pendingCommissionBps;
        uint40 commissionEffectiveAt; // 0: no change queued
        bool registered;
        uint32 shareEra; // bumped when a slash takes the whole stake: older shares are worth 0
        // slot 2: rewards
        uint160 accRewardPerShare; // scaled by PoolMath.PRECISION
        uint96 rewardsOwed; // rewards received and not yet claimed (commission included)
        // slot 3: unbonding bucket (slashable, earns nothing)
        uint96 unbondingStake;
        uint96 unbondingShares;
        uint24 unbondEra; // bumped when a slash takes the whole bucket: older shares are worth 0
        // slot 4: rewards still streaming to the shares (see `rewardStreamPeriod`)
        uint96 streamLeft;
        uint40 streamEnd;
        uint40 streamUpdated;
    }

    struct Member {
        // slot 0
        uint96 shares;
        uint96 unbondingShares;
        uint40 unbondReadyAt;
        uint24 unbondEra; // era of `unbondingShares`
        // slot 1
        uint96 rewards; // settled, unclaimed
        uint128 rewardDebt;
        uint32 shareEra; // era of `shares`
    }

    struct Profile {
        string endpoint;
        bytes32 hardwareClass;
        uint32[] modelIds;
    }

    /// @dev Emission vesting in the operator's own position: `amount` unvested at `start`,
    ///      falling linearly to 0 at `end`.
    struct Vesting {
        uint96 amount;
        uint40 start;
        uint40 end;
    }

    struct Params {
        uint96 minStake;
        uint32 unbondingPeriod;
        uint16 maxCommissionBps;
        uint32 commissionDelay;
        uint32 rewardStreamPeriod;
    }

    /// @inheritdoc IKeeperRegistry
    bytes32 public constant MARKET_ROLE = keccak256("MARKET_ROLE");
    /// @notice May vest emission into keepers' stake: the emission pool.
    bytes32 public constant VESTER_ROLE = keccak256("VESTER_ROLE");

    uint256 public constant MAX_MIN_STAKE = 10_000_000 * 1e8;
    uint256 public constant MIN_UNBONDING_PERIOD = 1;
    uint256 public constant MAX_UNBONDING_PERIOD = 60 days;
    uint256 public constant MAX_COMMISSION_BPS = 5_000;
    uint256 public constant MAX_COMMISSION_DELAY = 30 days;
    uint256 public constant MAX_ENDPOINT_LENGTH = 256;
    uint256 public constant MAX_MODELS = 64;
    uint256 public constant MAX_REWARD_STREAM_PERIOD = 30 days;

    /// @notice PAR.
    IERC20 public immutable token;
    /// @notice The timelock: the unbonding period stays below its minimum delay.
    address public immutable timelock;

    Params private _params;
    /// @dev Active stake of all keepers (the sum of the pools that are active).
    uint256 private _totalStake;
    /// @dev Σ stake² over the same pools: the stake concentration in O(1).
    uint256 private _stakeSquares;
    /// @dev One sortition tree per model, over the keepers that serve it: weight stake + 1 while
    ///      active (so that zero-stake keepers of genesis are drawn uniformly), 0 otherwise.
    mapping(uint32 modelId => SortitionSumTree.Tree) private _trees;
    mapping(uint32 modelId => address[]) private _treeKeepers;
    mapping(address keeper => mapping(uint32 modelId => uint256 leaf)) private _leaves;
    /// @dev The accumulator at the end of each share era, for holders of an era that a slash ended.
    mapping(address keeper => mapping(uint32 era => uint256 acc)) private _eraAcc;
    address[] private _keepers;
    mapping(address keeper => Pool) private _pools;
    mapping(address keeper => Profile) private _profiles;
    mapping(address keeper => mapping(uint32 modelId => bool)) private _serves;
    mapping(address keeper => mapping(address account => Member)) private _members;
    mapping(address keeper => Vesting) private _vesting;
    /// @inheritdoc IKeeperRegistry
    address public attestor;
    /// @dev Open disputes over each keeper's results (`holdUnbonding`): no withdrawals meanwhile.
    mapping(address keeper => uint256 disputes) private _heldDisputes;

    /// @param token_ PAR (ERC20Votes: the registry delegates its balance to itself)
    /// @param timelock_ receives DEFAULT_ADMIN_ROLE, as does the deployer until it renounces
    constructor(
        address token_,
        address timelock_,
        uint256 minStake_,
        uint256 unbondingPeriod_,
        uint256 maxCommissionBps_,
        uint256 commissionDelay_
    ) {
        token = IERC20(token_);
        timelock = timelock_;
        // Staked PAR is checkpointed as the registry's own votes, which it never casts: the
        // Governor's quorum is a fraction of the supply minus these votes (ParadigmGovernor).
        IVotes(token_).delegate(address(this));
        _grantRole(DEFAULT_ADMIN_ROLE, timelock_);
        _grantRole(DEFAULT_ADMIN_ROLE, msg.sender);
        _setParameter("minStake", minStake_);
        _setParameter("unbondingPeriod", unbondingPeriod_);
        _setParameter("maxCommissionBps", maxCommissionBps_);
        _setParameter("commissionDelay", commissionDelay_);
        _setParameter("rewardStreamPeriod", 1 days);
    }

    // ------------------------------------------------------------------ keepers

    /// @inheritdoc IKeeperRegistry
    function register(
        string calldata endpoint,
        bytes32 hardwareClass,
        uint32[] calldata modelIds,
        uint256 stake,
        uint16 commissionBps
    ) external nonReentrant {
        Pool storage pool = _pools[msg.sender];
        if (pool.registered) revert AlreadyRegistered(msg.sender);
        Params memory params = _params;
        if (stake < params.minStake) revert StakeBelowMinimum(stake, params.minStake);
        if (commissionBps > params.maxCommissionBps) revert CommissionTooHigh(commissionBps, params.maxCommissionBps);
        _checkEndpoint(endpoint);

        _keepers.push(msg.sender);
        pool.available = true;
        pool.registered = true;
        pool.attested = attestor == address(0);
        pool.commissionBps = commissionBps;
        Profile storage profile = _profiles[msg.sender];
        profile.endpoint = endpoint;
        profile.hardwareClass = hardwareClass;
        _setModels(msg.sender, modelIds, 0);
        emit KeeperRegistered(msg.sender, endpoint, hardwareClass, modelIds, stake, commissionBps);

        if (stake == 0) _sync(msg.sender, pool, 0);
        else _stake(msg.sender, msg.sender, stake);
    }

    /// @inheritdoc IKeeperRegistry
    function updateProfile(string calldata endpoint, bytes32 hardwareClass) external {
        _requireRegistered(msg.sender);
        _checkEndpoint(endpoint);
        Profile storage profile = _profiles[msg.sender];
        profile.endpoint = endpoint;
        profile.hardwareClass = hardwareClass;
        emit ProfileUpdated(msg.sender, endpoint, hardwareClass);
    }

    /// @inheritdoc IKeeperRegistry
    function updateModels(uint32[] calldata modelIds) external {
        Pool storage pool = _requireRegistered(msg.sender);
        _setModels(msg.sender, modelIds, _weight(pool.active, pool.stake));
        emit ModelsUpdated(msg.sender, modelIds);
    }

    /// @inheritdoc IKeeperRegistry
    function setAvailable(bool available) external {
        Pool storage pool = _requireRegistered(msg.sender);
        pool.available = available;
        _sync(msg.sender, pool, pool.stake);
        emit AvailabilitySet(msg.sender, available);
    }

    /// @inheritdoc IKeeperRegistry
    function setCommission(uint16 bps) external {
        Pool storage pool = _requireRegistered(msg.sender);
        Params memory params = _params;
        if (bps > params.maxCommissionBps) revert CommissionTooHigh(bps, params.maxCommissionBps);
        pool.commissionBps = _commission(pool);
        uint64 effectiveAt = uint64(block.timestamp + params.commissionDelay);
        pool.pendingCommissionBps = bps;
        pool.commissionEffectiveAt = uint40(effectiveAt);
        emit CommissionQueued(msg.sender, bps, effectiveAt);
    }

    /// @inheritdoc IKeeperRegistry
    function addStake(uint256 amount) external nonReentrant {
        _stake(msg.sender, msg.sender, amount);
    }

    /// @inheritdoc IKeeperRegistry
    function stakeWithPermit(uint256 amount, uint256 deadline, uint8 v, bytes32 r, bytes32 s) external nonReentrant {
        _permit(amount, deadline, v, r, s);
        _stake(msg.sender, msg.sender, amount);
    }

    /// @inheritdoc IKeeperRegistry
    function requestUnbond(uint256 amount) external nonReentrant {
        _unbond(msg.sender, msg.sender, amount);
    }

    // ------------------------------------------------------------------ delegators

    /// @inheritdoc IKeeperRegistry
    function delegate(address keeper, uint256 amount) external nonReentrant {
        _stake(keeper, msg.sender, amount);
    }

    /// @inheritdoc IKeeperRegistry
    function delegateWithPermit(address keeper, uint256 amount, uint256 deadline, uint8 v, bytes32 r, bytes32 s)
        external
        nonReentrant
    {
        _permit(amount, deadline, v, r, s);
        _stake(keeper, msg.sender, amount);
    }

    /// @inheritdoc IKeeperRegistry
    function undelegate(address keeper, uint256 amount) external nonReentrant {
        _unbond(keeper, msg.sender, amount);
    }

    /// @inheritdoc IKeeperRegistry
    function withdraw(address keeper) external nonReentrant returns (uint256 amount) {
        Member storage member = _members[keeper][msg.sender];
        uint256 held = member.unbondingShares;
        if (held == 0) revert NothingUnbonding(keeper, msg.sender);
        uint256 disputes = _heldDisputes[keeper];
        if (disputes != 0) revert UnbondingHeld(keeper, disputes);
        uint64 readyAt = member.unbondReadyAt;
        if (block.timestamp < readyAt) revert UnbondingNotReady(readyAt);

        Pool storage pool = _pools[keeper];
        member.unbondingShares = 0;
        member.unbondReadyAt = 0;
        if (member.unbondEra == pool.unbondEra) {
            uint256 bucketShares = pool.unbondingShares;
            uint256 bucketStake = pool.unbondingStake;
            amount = PoolMath.valueOf(held, bucketStake, bucketShares);
            pool.unbondingShares = uint96(bucketShares - held);
            pool.unbondingStake = uint96(bucketStake - amount);
        } // else a slash took the whole bucket these shares were in: they are worth 0
        emit Withdrawn(keeper, msg.sender, amount);
        if (amount != 0) token.safeTransfer(msg.sender, amount);
    }

    /// @inheritdoc IKeeperRegistry
    function claimRewards(address keeper) external nonReentrant returns (uint256 amount) {
        Pool storage pool = _pools[keeper];
        Member storage member = _members[keeper][msg.sender];
        uint256 acc = _settle(keeper, pool, member);
        member.rewardDebt = PoolMath.debtOf(member.shares, acc).toUint128();
        amount = member.rewards;
        if (amount == 0) revert NothingToClaim(keeper, msg.sender);
        member.rewards = 0;
        pool.rewardsOwed -= uint96(amount);
        emit RewardsClaimed(keeper, msg.sender, amount);
        token.safeTransfer(msg.sender, amount);
    }

    /// @inheritdoc IKeeperRegistry
    function sync(address keeper) external {
        Pool storage pool = _requireRegistered(keeper);
        _sync(keeper, pool, pool.stake);
    }

    // ------------------------------------------------------------------ market

    /// @inheritdoc IKeeperRegistry
    function setAttestor(address attestor_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (attestor != address(0)) revert AttestorAlreadySet(attestor);
        if (attestor_ == address(0)) revert ZeroAddress();
        attestor = attestor_;
        emit AttestorSet(attestor_);
    }

    /// @inheritdoc IKeeperRegistry
    function attest(address keeper) external {
        if (msg.sender != attestor) revert NotAttestor(msg.sender);
        Pool storage pool = _requireRegistered(keeper);
        if (pool.attested) return;
        pool.attested = true;
        _sync(keeper, pool, pool.stake);
        emit KeeperAttested(keeper);
    }

    /// @inheritdoc IKeeperRegistry
    function holdUnbonding(address keeper) external onlyRole(MARKET_ROLE) {
        ++_heldDisputes[keeper];
    }

    /// @inheritdoc IKeeperRegistry
    function releaseUnbonding(address keeper) external onlyRole(MARKET_ROLE) {
        --_heldDisputes[keeper];
    }

    /// @inheritdoc IKeeperRegistry
    function heldDisputesOf(address keeper) external view returns (uint256) {
        return _heldDisputes[keeper];
    }

    /// @inheritdoc IKeeperRegistry
    function lockBond(address keeper, uint256 amount) external onlyRole(MARKET_ROLE) {
        if (amount == 0) return;
        Pool storage pool = _pools[keeper];
        uint256 locked = pool.locked;
        uint256 free = pool.stake - locked;
        if (amount > free) revert InsufficientStake(keeper, free, amount);
        pool.locked = uint96(locked + amount);
    }

    /// @inheritdoc IKeeperRegistry
    function unlockBond(address keeper, uint256 amount) external onlyRole(MARKET_ROLE) {
        _unlock(keeper, amount);
    }

    /// @inheritdoc IKeeperRegistry
    function vest(address keeper, uint256 amount, uint256 duration) external onlyRole(VESTER_ROLE) nonReentrant {
        if (amount == 0) return;
        Pool storage pool = _pools[keeper];
        if (!pool.registered) revert NotRegistered(keeper);
        if (PoolMath.sharesForDeposit(amount, pool.stake, pool.totalShares) == 0) {
            token.safeTransfer(keeper, amount); // the pool cannot take stake: pay out instead
            return;
        }
        _mintShares(pool, keeper, keeper, amount);
        uint256 unvested = _unvested(_vesting[keeper]) + amount;
        uint64 end = uint64(block.timestamp + duration);
        _vesting[keeper] = Vesting({amount: unvested.toUint96(), start: uint40(block.timestamp), end: uint40(end)});
        emit Vested(keeper, amount, unvested, end);
    }

    /// @inheritdoc IKeeperRegistry
    function slash(address keeper, uint256 amount, uint256 bond, address to)
        external
        onlyRole(MARKET_ROLE)
        nonReentrant
        returns (uint256 slashed)
    {
        Pool storage pool = _pools[keeper];
        uint256 stake = pool.stake;
        uint256 locked = pool.locked;
        (uint256 fromBond, uint256 fromStake, uint256 fromUnbonding) =
            PoolMath.slashSources(amount, bond, locked, stake - locked, pool.unbondingStake);
        slashed = fromBond + fromStake + fromUnbonding;
        if (slashed == 0) return 0;

        uint256 left = stake - fromBond - fromStake;
        pool.stake = uint96(left);
        pool.locked = uint96(locked - fromBond);
        if (left == 0 && pool.totalShares != 0) _endShareEra(keeper, pool);
        if (fromUnbonding != 0) {
            uint256 unbonding = pool.unbondingStake - fromUnbonding;
            pool.unbondingStake = uint96(unbonding);
            if (unbonding == 0) (pool.unbondingShares, pool.unbondEra) = (0, pool.unbondEra + 1);
        }
        _sync(keeper, pool, stake);
        emit Slashed(keeper, to, slashed, fromBond, fromStake, fromUnbonding);
        token.safeTransfer(to, slashed);
    }

    /// @inheritdoc IKeeperRegistry
    function reward(address keeper, uint256 amount) external onlyRole(MARKET_ROLE) {
        _reward(keeper, amount);
    }

    /// @inheritdoc IKeeperRegistry
    function unlockAndReward(address keeper, uint256 bond, uint256 amount) external onlyRole(MARKET_ROLE) {
        _unlock(keeper, bond);
        _reward(keeper, amount);
    }

    // ------------------------------------------------------------------ governance

    /// @inheritdoc IKeeperRegistry
    function setParameter(bytes32 name, uint256 value) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setParameter(name, value);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IKeeperRegistry
    function minStake() external view returns (uint256) {
        return _params.minStake;
    }

    /// @inheritdoc IKeeperRegistry
    function unbondingPeriod() external view returns (uint256) {
        return _params.unbondingPeriod;
    }

    /// @inheritdoc IKeeperRegistry
    function maxCommissionBps() external view returns (uint256) {
        return _params.maxCommissionBps;
    }

    /// @inheritdoc IKeeperRegistry
    function commissionDelay() external view returns (uint256) {
        return _params.commissionDelay;
    }

    /// @inheritdoc IKeeperRegistry
    function rewardStreamPeriod() external view returns (uint256) {
        return _params.rewardStreamPeriod;
    }

    /// @inheritdoc IKeeperRegistry
    function isActive(address keeper) public view returns (bool) {
        Pool storage pool = _pools[keeper];
        return pool.available && pool.attested && pool.stake >= _params.minStake;
    }

    /// @inheritdoc IKeeperRegistry
    function isAttested(address keeper) external view returns (bool) {
        return _pools[keeper].attested;
    }

    /// @inheritdoc IKeeperRegistry
    function isRegistered(address keeper) external view returns (bool) {
        return _pools[keeper].registered;
    }

    /// @inheritdoc IKeeperRegistry
    function unvestedOf(address keeper) external view returns (uint256) {
        return _unvested(_vesting[keeper]);
    }

    /// @inheritdoc IKeeperRegistry
    function serves(address keeper, uint32 modelId) external view returns (bool) {
        return _serves[keeper][modelId];
    }

    /// @inheritdoc IKeeperRegistry
    function stakeOf(address keeper) external view returns (uint256) {
        return _pools[keeper].stake;
    }

    /// @inheritdoc IKeeperRegistry
    function freeStakeOf(address keeper) external view returns (uint256) {
        Pool storage pool = _pools[keeper];
        return pool.stake - pool.locked;
    }

    /// @inheritdoc IKeeperRegistry
    function lockedBondOf(address keeper) external view returns (uint256) {
        return _pools[keeper].locked;
    }

    /// @inheritdoc IKeeperRegistry
    function unbondingOf(address keeper) external view returns (uint256) {
        return _pools[keeper].unbondingStake;
    }

    /// @inheritdoc IKeeperRegistry
    function commissionOf(address keeper) external view returns (uint16) {
        return _commission(_pools[keeper]);
    }

    /// @inheritdoc IKeeperRegistry
    function totalStake() external view returns (uint256) {
        return _totalStake;
    }

    /// @inheritdoc IKeeperRegistry
    function stakeConcentrationBps() external view returns (uint256) {
        uint256 total = _totalStake;
        return total == 0 ? 0 : _stakeSquares * 10_000 / (total * total);
    }

    /// @inheritdoc IKeeperRegistry
    function draw(uint32 modelId, uint256 seed, uint256 blockNumber) external view returns (address) {
        if (blockNumber > block.number || blockNumber + SortitionSumTree.HORIZON < block.number) {
            revert DrawOutOfRange(blockNumber, block.number);
        }
        SortitionSumTree.Tree storage tree = _trees[modelId];
        (uint256 size, uint256 total) = tree.metaAt(blockNumber);
        if (total == 0) return address(0);
        // A leaf found in a tree is in [1, size]: the bounds check (an SLOAD) is skipped.
        return Arrays.unsafeAccess(_treeKeepers[modelId], tree.find(seed % total, size, blockNumber) - 1).value;
    }

    /// @inheritdoc IKeeperRegistry
    function modelWeight(uint32 modelId) external view returns (uint256) {
        return _trees[modelId].totalWeight();
    }

    /// @inheritdoc IKeeperRegistry
    function keeperOf(address keeper) external view returns (KeeperView memory view_) {
        Pool storage pool = _pools[keeper];
        Profile storage profile = _profiles[keeper];
        view_ = KeeperView({
            keeper: keeper,
            registered: pool.registered,
            active: isActive(keeper),
            available: pool.available,
            endpoint: profile.endpoint,
            hardwareClass: profile.hardwareClass,
            modelIds: profile.modelIds,
            stake: pool.stake,
            lockedBond: pool.locked,
            unbonding: pool.unbondingStake,
            totalShares: pool.totalShares,
            commissionBps: _commission(pool),
            pendingCommissionBps: 0,
            commissionEffectiveAt: 0
        });
        if (pool.commissionEffectiveAt > block.timestamp) {
            view_.pendingCommissionBps = pool.pendingCommissionBps;
            view_.commissionEffectiveAt = pool.commissionEffectiveAt;
        }
    }

    /// @inheritdoc IKeeperRegistry
    function positionOf(address keeper, address account) external view returns (Position memory position) {
        Pool storage pool = _pools[keeper];
        Member storage member = _members[keeper][account];
        (uint256 acc, uint256 toOperator,) = _streamed(pool);
        uint256 shares = member.shares;
        uint256 rewards = member.rewards + (account == keeper ? toOperator : 0);
        if (member.shareEra == pool.shareEra) {
            rewards += PoolMath.pending(shares, acc, member.rewardDebt);
        } else {
            rewards += PoolMath.pending(shares, _eraAcc[keeper][member.shareEra], member.rewardDebt);
            shares = 0;
        }
        uint256 unbondingShares = member.unbondEra == pool.unbondEra ? member.unbondingShares : 0;
        position = Position({
            shares: shares,
            stake: shares == 0 ? 0 : PoolMath.valueOf(shares, pool.stake, pool.totalShares),
            unbondingShares: unbondingShares,
            unbonding: unbondingShares == 0
                ? 0
                : PoolMath.valueOf(unbondingShares, pool.unbondingStake, pool.unbondingShares),
            unbondReadyAt: member.unbondReadyAt,
            rewards: rewards
        });
    }

    /// @inheritdoc IKeeperRegistry
    function keeperCount() external view returns (uint256) {
        return _keepers.length;
    }

    /// @inheritdoc IKeeperRegistry
    function keeperAt(uint256 index) external view returns (address) {
        return _keepers[index];
    }

    /// @inheritdoc IKeeperRegistry
    function owed() external view returns (uint256 total) {
        uint256 count = _keepers.length;
        for (uint256 i; i < count; ++i) {
            Pool storage pool = _pools[_keepers[i]];
            total += uint256(pool.stake) + pool.unbondingStake + pool.rewardsOwed;
        }
    }

    // ------------------------------------------------------------------ internals

    /// @dev Mints shares of `keeper`'s pool to `account` for `amount`, pulled from the caller.
    function _stake(address keeper, address account, uint256 amount) private {
        if (amount == 0) revert ZeroAmount();
        _mintShares(_requireRegistered(keeper), keeper, account, amount);
        token.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @dev Mints shares of `keeper`'s pool to `account` for `amount` of new stake (the caller
    ///      brings the PAR).
    function _mintShares(Pool storage pool, address keeper, address account, uint256 amount) private {
        Member storage member = _members[keeper][account];
        uint256 acc = _settle(keeper, pool, member);
        uint256 stake = pool.stake;
        uint256 totalShares = pool.totalShares;
        uint256 shares = PoolMath.sharesForDeposit(amount, stake, totalShares);
        if (shares == 0) revert ZeroAmount();

        uint256 held = member.shares + shares;
        member.shares = held.toUint96();
        member.rewardDebt = PoolMath.debtOf(held, acc).toUint128();
        pool.stake = (stake + amount).toUint96();
        pool.totalShares = (totalShares + shares).toUint96();
        _sync(keeper, pool, stake);
        emit Staked(keeper, account, amount, shares);
    }

    /// @dev What is still unvested of `v` now.
    function _unvested(Vesting memory v) private view returns (uint256) {
        return PoolMath.unvested(v.amount, v.start, v.end, block.timestamp);
    }

    /// @dev Moves `amount` of `account`'s stake in `keeper`'s pool into the unbonding bucket.
    function _unbond(address keeper, address account, uint256 amount) private {
        if (amount == 0) revert ZeroAmount();
        Pool storage pool = _pools[keeper];
        Member storage member = _members[keeper][account];
        uint256 acc = _settle(keeper, pool, member);
        uint256 stake = pool.stake;
        uint256 totalShares = pool.totalShares;
        uint256 held = member.shares;
        uint256 burn = stake == 0 ? type(uint256).max : PoolMath.sharesForWithdrawal(amount, stake, totalShares);
        if (burn > held) {
            uint256 value = held == 0 ? 0 : PoolMath.valueOf(held, stake, totalShares);
            revert InsufficientPosition(keeper, account, value, amount);
        }
        if (burn == totalShares) amount = stake; // the last holder takes the remainder
        uint256 free = stake - pool.locked;
        if (amount > free) revert InsufficientStake(keeper, free, amount);
        if (account == keeper) {
            uint256 unvested = _unvested(_vesting[keeper]);
            if (unvested != 0 && PoolMath.valueOf(held - burn, stake - amount, totalShares - burn) < unvested) {
                revert StakeVesting(keeper, unvested);
            }
        }

        held -= burn;
        member.shares = uint96(held);
        member.rewardDebt = PoolMath.debtOf(held, acc).toUint128();
        pool.stake = uint96(stake - amount);
        pool.totalShares = uint96(totalShares - burn);
        uint64 readyAt = _addUnbonding(pool, member, amount);
        _sync(keeper, pool, stake);
        emit UnbondRequested(keeper, account, amount, burn, readyAt);
    }

    /// @dev Adds `amount` to the pool's unbonding bucket for `member`; returns when it matures.
    ///      A slash that empties the bucket starts a new era (`slash`), so a bucket with shares
    ///      always has stake: its share price never reaches 0.
    function _addUnbonding(Pool storage pool, Member storage member, uint256 amount) private returns (uint64 readyAt) {
        uint256 bucketStake = pool.unbondingStake;
        uint256 bucketShares = pool.unbondingShares;
        uint256 shares = PoolMath.sharesForDeposit(amount, bucketStake, bucketShares);
        if (shares == 0) revert ZeroAmount();
        uint24 era = pool.unbondEra;
        uint256 previous = member.unbondEra == era ? member.unbondingShares : 0;
        readyAt = uint64(block.timestamp + _params.unbondingPeriod);
        member.unbondingShares = (previous + shares).toUint96();
        member.unbondReadyAt = uint40(readyAt);
        member.unbondEra = era;
        pool.unbondingStake = (bucketStake + amount).toUint96();
        pool.unbondingShares = (bucketShares + shares).toUint96();
    }

    function _unlock(address keeper, uint256 amount) private {
        if (amount == 0) return;
        Pool storage pool = _pools[keeper];
        uint256 locked = pool.locked;
        pool.locked = uint96(amount < locked ? locked - amount : 0);
    }

    /// @dev Takes the operator's commission of `amount` at once and streams the rest to the
    ///      pool's shares over `rewardStreamPeriod`, so that pay reaches shares in proportion to
    ///      stake × time: a delegation made just before a reward gets almost none of it.
    function _reward(address keeper, uint256 amount) private {
        if (amount == 0) return;
        Pool storage pool = _pools[keeper];
        if (!pool.registered) revert NotRegistered(keeper);
        uint256 totalShares = pool.totalShares;
        (uint256 commission,) = PoolMath.splitReward(amount, _commission(pool), totalShares);
        pool.rewardsOwed = (pool.rewardsOwed + amount).toUint96();
        uint256 period = _params.rewardStreamPeriod;
        uint256 toShares = amount - commission;
        if (toShares != 0 && period == 0) {
            pool.accRewardPerShare = (pool.accRewardPerShare + toShares * PoolMath.PRECISION / totalShares).toUint160();
        } else if (toShares != 0) {
            _release(keeper, pool);
            pool.streamLeft = (pool.streamLeft + toShares).toUint96();
            pool.streamEnd = uint40(block.timestamp + period);
            pool.streamUpdated = uint40(block.timestamp);
        }
        if (commission != 0) _members[keeper][keeper].rewards += uint96(commission);
        emit Rewarded(keeper, amount, commission);
    }

    /// @dev What the stream releases up to now (`released`): the accumulator after it, and what
    ///      goes to the operator for lack of shares.
    function _streamed(Pool storage pool) private view returns (uint256 acc, uint256 toOperator, uint256 released) {
        acc = pool.accRewardPerShare;
        released = PoolMath.released(pool.streamLeft, pool.streamUpdated, pool.streamEnd, block.timestamp);
        if (released == 0) return (acc, 0, 0);
        uint256 shares = pool.totalShares;
        if (shares == 0) return (acc, released, released);
        acc += released * PoolMath.PRECISION / shares;
    }

    /// @dev Moves what the stream released up to now into the accumulator (or, with no shares,
    ///      to the operator) and returns the accumulator.
    function _release(address keeper, Pool storage pool) private returns (uint256 acc) {
        uint256 toOperator;
        uint256 released;
        (acc, toOperator, released) = _streamed(pool);
        if (released == 0) return acc;
        pool.streamLeft -= uint96(released);
        pool.streamUpdated = uint40(block.timestamp);
        if (toOperator != 0) _members[keeper][keeper].rewards += uint96(toOperator);
        else pool.accRewardPerShare = acc.toUint160();
    }

    /// @dev Releases the stream, then moves the rewards accrued by `member`'s shares into its
    ///      settled rewards; shares of an era a slash ended are dropped (worth 0). Returns the
    ///      accumulator; the caller resets the debt after changing the shares.
    function _settle(address keeper, Pool storage pool, Member storage member) private returns (uint256 acc) {
        acc = _release(keeper, pool);
        uint32 era = pool.shareEra;
        uint256 shares = member.shares;
        uint256 accrued;
        if (member.shareEra == era) {
            accrued = PoolMath.pending(shares, acc, member.rewardDebt);
        } else {
            accrued = PoolMath.pending(shares, _eraAcc[keeper][member.shareEra], member.rewardDebt);
            member.shares = 0;
            member.rewardDebt = 0;
            member.shareEra = era;
        }
        if (accrued != 0) member.rewards = (member.rewards + accrued).toUint96();
    }

    /// @dev A slash took the whole pool stake while shares were outstanding: those shares are
    ///      worth 0 from now on. Their holders keep the rewards they accrued until now; the pool
    ///      takes new stake at 1 share per base unit instead of freezing.
    function _endShareEra(address keeper, Pool storage pool) private {
        uint32 era = pool.shareEra;
        _eraAcc[keeper][era] = _release(keeper, pool);
        pool.shareEra = era + 1;
        pool.totalShares = 0;
    }

    /// @dev Puts the pool's sortition weights in line with its state; `previousStake` is the pool
    ///      stake the trees were last synced with.
    function _sync(address keeper, Pool storage pool, uint256 previousStake) private {
        bool wasActive = pool.active;
        uint256 stake = pool.stake;
        bool active = pool.available && pool.attested && stake >= _params.minStake;
        uint256 before = _weight(wasActive, previousStake);
        uint256 weight = _weight(active, stake);
        if (before != weight) {
            uint32[] storage modelIds = _profiles[keeper].modelIds;
            for (uint256 i; i < modelIds.length; ++i) {
                uint32 id = modelIds[i];
                _trees[id].set(_leaves[keeper][id], before, weight);
            }
            _totalStake = _totalStake + (active ? stake : 0) - (wasActive ? previousStake : 0);
            _stakeSquares = _stakeSquares + (active ? stake * stake : 0) - (wasActive ? previousStake * previousStake : 0);
        }
        if (active != wasActive) pool.active = active;
    }

    /// @dev A pool's weight in the sortition trees of its models.
    function _weight(bool active, uint256 stake) private pure returns (uint256) {
        return active ? stake + 1 : 0;
    }

    /// @dev Replaces `keeper`'s models, moving its sortition `weight` from the old models' trees
    ///      to the new ones'.
    function _setModels(address keeper, uint32[] calldata modelIds, uint256 weight) private {
        uint256 count = modelIds.length;
        if (count == 0 || count > MAX_MODELS) revert InvalidModelCount(count, MAX_MODELS);
        uint32[] storage previous = _profiles[keeper].modelIds;
        for (uint256 i; i < previous.length; ++i) {
            uint32 id = previous[i];
            delete _serves[keeper][id];
            if (weight != 0) _trees[id].set(_leaves[keeper][id], weight, 0);
        }
        for (uint256 i; i < count; ++i) {
            uint32 id = modelIds[i];
            if (id == 0) revert InvalidModelId(id);
            if (_serves[keeper][id]) revert DuplicateModel(id);
            _serves[keeper][id] = true;
            uint256 leaf = _leaves[keeper][id];
            if (leaf == 0) {
                _leaves[keeper][id] = _trees[id].push(weight);
                _treeKeepers[id].push(keeper);
            } else if (weight != 0) {
                _trees[id].set(leaf, 0, weight);
            }
        }
        _profiles[keeper].modelIds = modelIds;
    }

    function _permit(uint256 amount, uint256 deadline, uint8 v, bytes32 r, bytes32 s) private {
        // A front-run permit is fine: the allowance is there either way.
        try IERC20Permit(address(token)).permit(msg.sender, address(this), amount, deadline, v, r, s) {} catch {}
    }

    function _setParameter(bytes32 name, uint256 value) private {
        Params storage params = _params;
        uint256 previous;
        if (name == "minStake") {
            Bounds.check(name, value, 0, MAX_MIN_STAKE);
            previous = params.minStake;
            params.minStake = uint96(value);
        } else if (name == "unbondingPeriod") {
            Bounds.check(name, value, MIN_UNBONDING_PERIOD, MAX_UNBONDING_PERIOD);
            _checkBelowDelay(value);
            previous = params.unbondingPeriod;
            params.unbondingPeriod = uint32(value);
        } else if (name == "maxCommissionBps") {
            Bounds.check(name, value, 0, MAX_COMMISSION_BPS);
            previous = params.maxCommissionBps;
            params.maxCommissionBps = uint16(value);
        } else if (name == "commissionDelay") {
            Bounds.check(name, value, 0, MAX_COMMISSION_DELAY);
            previous = params.commissionDelay;
            params.commissionDelay = uint32(value);
        } else if (name == "rewardStreamPeriod") {
            Bounds.check(name, value, 0, MAX_REWARD_STREAM_PERIOD);
            previous = params.rewardStreamPeriod;
            params.rewardStreamPeriod = uint32(value);
        } else {
            revert UnknownParameter(name);
        }
        emit ParameterSet(name, previous, value);
    }

    /// @dev The roles that move stake: sealed by `sealRoles()`.
    function _isProtectedRole(bytes32 role) internal pure override returns (bool) {
        return role == MARKET_ROLE || role == VESTER_ROLE;
    }

    function _requireRegistered(address keeper) private view returns (Pool storage pool) {
        pool = _pools[keeper];
        if (!pool.registered) revert NotRegistered(keeper);
    }

    function _commission(Pool storage pool) private view returns (uint16) {
        uint256 effectiveAt = pool.commissionEffectiveAt;
        return effectiveAt != 0 && block.timestamp >= effectiveAt ? pool.pendingCommissionBps : pool.commissionBps;
    }

    function _checkEndpoint(string calldata endpoint) private pure {
        uint256 length = bytes(endpoint).length;
        if (length == 0 || length > MAX_ENDPOINT_LENGTH) revert InvalidEndpoint(length, MAX_ENDPOINT_LENGTH);
    }

    /// @dev Stakers can always leave before a governance change takes effect: the unbonding
    ///      period stays below the timelock's minimum delay (ParadigmTimelock refuses the converse).
    ///      A timelock without code is an EOA standing in for it in test fixtures and is not
    ///      checked: an EOA admin acts at once, so no unbonding period could be below its delay,
    ///      and the deployment always passes ParadigmTimelock. A timelock with code must answer
    ///      `getMinDelay()`, or setting the period reverts (so does the constructor).
    function _checkBelowDelay(uint256 unbonding) private view {
        if (timelock.code.length == 0) return;
        uint256 delay = TimelockController(payable(timelock)).getMinDelay();
        if (unbonding >= delay) revert UnbondingNotBelowDelay(unbonding, delay);
    }
}
