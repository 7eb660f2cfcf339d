// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IEmissionPool} from "../interfaces/IEmissionPool.sol";
import {IKeeperRegistry} from "../interfaces/IKeeperRegistry.sol";
import {ITaskMarket} from "../interfaces/ITaskMarket.sol";
import {IParadigmToken} from "../interfaces/IParadigmToken.sol";
import {Bounds} from "../libraries/Bounds.sol";
import {EmissionMath} from "../libraries/EmissionMath.sol";
import {SealedRoles} from "../governance/SealedRoles.sol";

/// @title EmissionPool
/// @notice Emits PAR epoch by epoch to contributors of verified work. Year one emits at most
///         1,000,000,000 PAR; the policy steers each epoch inside on-chain guardrails; every
///         remainder (capped excess, epochs without work, rounding dust) flows back to the budget.
/// @dev Conservation: remaining + outstanding + minted-by-this-pool never exceeds what the years
///      made available, and remaining + outstanding + totalSupply <= cap after every year start.
///      MARKET_ROLE and POLICY_ROLE credit work and steer emission: the deployment grants them and
///      seals them (SealedRoles) before it renounces its admin role.
contract EmissionPool is IEmissionPool, SealedRoles, ReentrancyGuardTransient {
    using SafeCast for uint256;

    /// @notice May credit work: the task market.
    bytes32 public constant MARKET_ROLE = keccak256("MARKET_ROLE");
    /// @notice May propose policy: the task market, when a policy-model task finalizes.
    bytes32 public constant POLICY_ROLE = keccak256("POLICY_ROLE");

    /// @notice Year one's budget: 1,000,000,000 PAR in base units.
    uint256 public constant YEAR_ONE_BUDGET = 1_000_000_000 * 1e8;
    /// @notice The highest fee-floor ceiling governance may set: 10,000 PAR per compute unit.
    uint256 public constant MAX_FEE_PER_CU = 1e12;

    bytes32 internal constant MAX_SHARE_BPS = "maxShareBps";
    bytes32 internal constant BOOTSTRAP_EPOCHS = "bootstrapEpochs";
    bytes32 internal constant YEAR_DECAY_BPS = "yearDecayBps";
    bytes32 internal constant FEE_FLOOR = "minFeePerCUFloor";
    bytes32 internal constant FEE_CEILING = "minFeePerCUCeiling";
    bytes32 internal constant GENESIS_VESTING = "genesisVesting";
    bytes32 internal constant ZERO_FEE_BUDGET = "zeroFeeBudget";
    /// @notice The largest zero-fee budget governance may set: 10,000,000 PAR per epoch.
    uint256 public constant MAX_ZERO_FEE_BUDGET = 10_000_000 * 1e8;
    /// @notice Longest genesis vesting.
    uint256 public constant MAX_GENESIS_VESTING = 730 days;

    /// @notice Gas that `closeEpoch` gives the market to record the epoch's metrics and post the
    ///         policy task; a close with less gas left reverts, so no caller can starve the post.
    uint256 public constant POLICY_TASK_GAS = 300_000;

    /// @dev Top bit of a work entry: the contributor claimed that epoch.
    uint256 internal constant CLAIMED = 1 << 255;

    /// @dev One slot, read and written by every close.
    struct Schedule {
        uint64 nextEpoch; // oldest epoch not closed yet
        uint32 lastMultiplierBps; // multiplier applied to the last closed epoch
        uint96 remaining; // what the current year may still emit
        uint64 year; // year of `nextEpoch`
    }

    struct Totals {
        uint96 outstanding; // allocated to closed epochs, not yet claimed nor rolled over
        uint96 yearBudget; // nominal budget of the current year
    }

    struct Params {
        uint16 maxShareBps;
        uint16 yearDecayBps;
        uint64 bootstrapEpochs;
        uint32 genesisVesting; // seconds; 0 = claims are paid out
        uint96 zeroFeeBudget; // most of an epoch's emission that zero-fee work shares
    }

    struct FeeBounds {
        uint96 floor;
        uint96 ceiling;
    }

    /// @dev One slot per epoch and kind of work (paid, zero-fee): written by the first credit, by
    ///      close, and by each claim.
    struct EpochState {
        uint96 amount; // emission allocated at close
        uint96 unclaimedAmount; // amount not yet claimed nor rolled over
        uint64 unclaimedUnits; // total work until close; then work not yet claimed
    }

    struct Proposal {
        uint32 multiplierBps;
        uint96 minFeePerCU;
        bool set;
    }

    /// @notice PAR; this pool is its only minter.
    IParadigmToken public immutable token;
    /// @notice Start of epoch 0.
    uint256 public immutable genesis;
    /// @notice Seconds per epoch.
    uint256 public immutable epochLength;
    /// @notice Epochs per emission year: 365 days / epochLength, rounded down.
    uint256 public immutable epochsPerYear;

    /// @inheritdoc IEmissionPool
    IKeeperRegistry public keepers;
    /// @inheritdoc IEmissionPool
    ITaskMarket public market;
    Schedule internal _schedule;
    Totals internal _totals;
    Params internal _params;
    FeeBounds internal _fees;
    /// @dev Paid work of each epoch.
    mapping(uint64 epoch => EpochState) internal _epochs;
    /// @dev Zero-fee work of each epoch: it shares at most `zeroFeeBudget` (the faucet).
    mapping(uint64 epoch => EpochState) internal _faucets;
    /// @dev Work entries (EmissionMath.packWork), the top bit set once claimed.
    mapping(uint64 epoch => mapping(address contributor => uint256 work)) internal _work;
    mapping(uint64 epoch => Proposal) internal _proposals;
    /// @dev Per epoch, one slot: deferred work credits not yet settled (the epoch cannot close
    ///      before 0), the distinct contributors credited, and the backing of its paid work (the
    ///      most its paid work can be paid: the per-address cap is a share of what can be paid).
    struct Counts {
        uint64 deferred;
        uint64 contributors;
        uint128 backing;
    }

    mapping(uint64 epoch => Counts) internal _counts;

    /// @param token_ PAR
    /// @param timelock receives DEFAULT_ADMIN_ROLE (the deployer also holds it until it renounces)
    /// @param epochLength_ seconds per epoch, in [60, 365 days]
    constructor(address token_, address timelock, uint256 epochLength_) {
        if (token_ == address(0) || timelock == address(0)) revert ZeroAddress();
        if (epochLength_ < 60 || epochLength_ > 365 days) revert InvalidEpochLength(epochLength_);
        token = IParadigmToken(token_);
        genesis = block.timestamp;
        epochLength = epochLength_;
        uint256 perYear = 365 days / epochLength_;
        epochsPerYear = perYear;
        _schedule = Schedule({
            nextEpoch: 0, lastMultiplierBps: uint32(EmissionMath.BPS), remaining: uint96(YEAR_ONE_BUDGET), year: 0
        });
        _totals = Totals({outstanding: 0, yearBudget: uint96(YEAR_ONE_BUDGET)});
        _params = Params({
            maxShareBps: 500,
            yearDecayBps: 8_000,
            bootstrapEpochs: uint64(perYear),
            genesisVesting: 90 days,
            zeroFeeBudget: uint96(10_000 * 1e8)
        });
        _fees = FeeBounds({floor: 1e3, ceiling: 1e8});
        _grantRole(DEFAULT_ADMIN_ROLE, timelock);
        _grantRole(DEFAULT_ADMIN_ROLE, msg.sender);
    }

    // ---------------------------------------------------------------- market

    /// @inheritdoc IEmissionPool
    function creditWork(address contributor, uint256 units, uint256 zeroFeeUnits, uint256 backing) external {
        if (!hasRole(MARKET_ROLE, msg.sender)) revert NotMarket(msg.sender);
        _addWork(currentEpoch(), contributor, units, zeroFeeUnits, backing);
    }

    /// @inheritdoc IEmissionPool
    function deferWork() external returns (uint64 epoch) {
        if (!hasRole(MARKET_ROLE, msg.sender)) revert NotMarket(msg.sender);
        epoch = currentEpoch();
        ++_counts[epoch].deferred;
        emit WorkDeferral(epoch);
    }

    /// @inheritdoc IEmissionPool
    function settleWork(uint64 epoch, address contributor, uint256 units, uint256 zeroFeeUnits, uint256 backing)
        external
    {
        if (!hasRole(MARKET_ROLE, msg.sender)) revert NotMarket(msg.sender);
        uint256 open = _counts[epoch].deferred;
        // An open deferral implies the epoch has started and is not closed (closeEpoch waits).
        if (open == 0) revert InvalidDeferredEpoch(epoch);
        _counts[epoch].deferred = uint64(open - 1);
        _addWork(epoch, contributor, units, zeroFeeUnits, backing);
    }

    /// @dev Adds work to `contributor`'s entry of `epoch` and to the epoch's totals. The epoch
    ///      totals bound every entry, so its parts never overflow into each other.
    function _addWork(uint64 epoch, address contributor, uint256 units, uint256 zeroFeeUnits, uint256 backing)
        internal
    {
        if (units != 0) _epochs[epoch].unclaimedUnits += units.toUint64();
        if (zeroFeeUnits != 0) _faucets[epoch].unclaimedUnits += zeroFeeUnits.toUint64();
        uint256 w = _work[epoch][contributor];
        Counts storage c = _counts[epoch];
        if (w == 0) ++c.contributors;
        if (backing != 0) c.backing += backing.toUint128();
        (uint256 u, uint256 z, uint256 b) = EmissionMath.unpackWork(w);
        _work[epoch][contributor] = EmissionMath.packWork(u + units, z + zeroFeeUnits, (b + backing).toUint96());
        emit WorkCredited(epoch, contributor, units, zeroFeeUnits, backing);
    }

    /// @inheritdoc IEmissionPool
    function proposePolicy(uint64 epoch, uint32 multiplierBps, uint96 minFeePerCU_) external {
        if (!hasRole(POLICY_ROLE, msg.sender)) revert NotPolicyOracle(msg.sender);
        uint64 earliest = currentEpoch() + 1;
        if (epoch < earliest) revert ProposalTooLate(epoch, earliest);
        _proposals[epoch] = Proposal({multiplierBps: multiplierBps, minFeePerCU: minFeePerCU_, set: true});
        emit PolicyProposed(epoch, multiplierBps, minFeePerCU_);
    }

    // ---------------------------------------------------------------- epochs

    /// @inheritdoc IEmissionPool
    function closeEpoch() external returns (uint64 epoch, uint256 amount) {
        Schedule memory s = _schedule;
        epoch = s.nextEpoch;
        uint256 endsAt = genesis + (uint256(epoch) + 1) * epochLength;
        if (block.timestamp < endsAt) revert EpochNotEnded(epoch, endsAt);
        uint256 deferred = _counts[epoch].deferred;
        if (deferred != 0) revert WorkDeferred(epoch, deferred);

        Proposal memory p = _proposals[epoch];
        uint32 multiplier = EmissionMath.clampMultiplier(p.set ? p.multiplierBps : EmissionMath.BPS, s.lastMultiplierBps);
        uint256 baseline;
        (baseline, amount) =
            EmissionMath.epochAmount(s.remaining, epochsPerYear - (epoch % epochsPerYear), multiplier);

        uint256 totalWork;
        (amount, totalWork) = _allocate(epoch, amount, multiplier);
        s.remaining -= uint96(amount);
        emit EpochClosed(epoch, baseline, multiplier, amount, totalWork, p.set);

        s.nextEpoch = epoch + 1;
        s.lastMultiplierBps = multiplier;
        if (s.nextEpoch % epochsPerYear == 0) _startYear(s);
        _schedule = s;
        _postPolicyTask(epoch, totalWork);
    }

    /// @dev Has the market record the closed epoch's metrics and post the policy task on them,
    ///      with POLICY_TASK_GAS: a failure there (no approved policy model, a broken market) never
    ///      stops a close, and the next epoch then runs on the baseline.
    function _postPolicyTask(uint64 epoch, uint256 totalWork) internal {
        ITaskMarket m = market;
        if (address(m) == address(0)) return;
        uint256 needed = POLICY_TASK_GAS * 64 / 63 + 5_000;
        if (gasleft() < needed) revert InsufficientGas(gasleft(), needed);
        try m.postPolicyTask{gas: POLICY_TASK_GAS}(epoch, totalWork, _counts[epoch].contributors, scheduleBps()) {} catch {}
    }

    /// @dev Allocates up to `amount` to `epoch`'s work: zero-fee work shares at most
    ///      `zeroFeeBudget` scaled by the epoch's multiplier (so the policy steers the genesis
    ///      faucet too), paid work the rest; what no work takes stays in the budget.
    /// @return allocated what the epoch allocates
    /// @return totalWork its paid and zero-fee units
    function _allocate(uint64 epoch, uint256 amount, uint256 multiplierBps)
        internal
        returns (uint256 allocated, uint256 totalWork)
    {
        EpochState storage e = _epochs[epoch];
        EpochState storage f = _faucets[epoch];
        uint256 paidWork = e.unclaimedUnits;
        uint256 zeroFeeWork = f.unclaimedUnits;
        uint256 faucetCap = uint256(_params.zeroFeeBudget) * multiplierBps / EmissionMath.BPS;
        uint256 toFaucet = zeroFeeWork == 0 ? 0 : Math.min(amount, faucetCap);
        uint256 toWork = paidWork == 0 ? 0 : amount - toFaucet;
        allocated = toFaucet + toWork;
        totalWork = paidWork + zeroFeeWork;
        if (amount != allocated) emit Rollover(epoch, amount - allocated);
        if (allocated == 0) return (0, totalWork);
        (e.amount, e.unclaimedAmount) = (uint96(toWork), uint96(toWork));
        (f.amount, f.unclaimedAmount) = (uint96(toFaucet), uint96(toFaucet));
        _totals.outstanding += uint96(allocated);
    }

    /// @dev Opens the next year: nominal budget = previous × yearDecayBps; what the year may emit
    ///      is the carried remainder plus that budget, bounded by cap − supply − outstanding.
    function _startYear(Schedule memory s) internal {
        Totals memory t = _totals;
        uint256 budget = EmissionMath.nextYearBudget(t.yearBudget, _params.yearDecayBps);
        uint256 used = token.totalSupply() + t.outstanding;
        uint256 cap = token.cap();
        uint256 headroom = cap > used ? cap - used : 0;
        uint256 available = uint256(s.remaining) + budget;
        if (available > headroom) available = headroom;
        s.year += 1;
        s.remaining = available.toUint96();
        _totals.yearBudget = budget.toUint96();
        emit YearStarted(s.year, s.nextEpoch, budget, available);
    }

    // ---------------------------------------------------------------- claims

    /// @inheritdoc IEmissionPool
    function claim(uint64 fromEpoch, uint64 toEpoch) external nonReentrant returns (uint256 amount) {
        if (toEpoch < fromEpoch) revert InvalidEpochRange(fromEpoch, toEpoch);
        if (toEpoch >= _schedule.nextEpoch) revert EpochNotClosed(toEpoch);
        Params memory params = _params;
        uint256 rolled;
        for (uint64 epoch = fromEpoch; epoch <= toEpoch; ++epoch) {
            uint256 w = _work[epoch][msg.sender];
            if (w == 0) continue;
            if (w & CLAIMED != 0) revert AlreadyClaimed(msg.sender, epoch);
            _work[epoch][msg.sender] = w | CLAIMED;

            (uint256 units, uint256 zeroFeeUnits,) = EmissionMath.unpackWork(w);
            (uint256 fromWork, uint256 fromFaucet, uint256 paid, uint256 excess) = _shareOf(epoch, w, params);
            EpochState storage e = _epochs[epoch];
            EpochState storage f = _faucets[epoch];
            if (units != 0) (e.unclaimedAmount, e.unclaimedUnits) = (e.unclaimedAmount - uint96(fromWork), e.unclaimedUnits - uint64(units));
            if (zeroFeeUnits != 0) {
                (f.unclaimedAmount, f.unclaimedUnits) = (f.unclaimedAmount - uint96(fromFaucet), f.unclaimedUnits - uint64(zeroFeeUnits));
            }
            if (excess != 0) {
                rolled += excess;
                emit Rollover(epoch, excess);
            }
            amount += paid;
        }
        if (amount + rolled != 0) _totals.outstanding -= uint96(amount + rolled);
        if (rolled != 0) _schedule.remaining += uint96(rolled);
        emit Claimed(msg.sender, fromEpoch, toEpoch, amount);
        if (amount == 0) return 0;
        IKeeperRegistry k = keepers;
        if (params.genesisVesting != 0 && address(k) != address(0) && k.isRegistered(msg.sender)) {
            token.mint(address(k), amount);
            k.vest(msg.sender, amount, params.genesisVesting);
        } else {
            token.mint(msg.sender, amount);
        }
    }

    /// @dev One contributor's share of `epoch` (entry `w`, unclaimed): its shares of the paid
    ///      work's and of the faucet's unclaimed amounts, what it is paid, and what rolls back to
    ///      the budget: the part of its paid-work share above its backing (the protocol fees its
    ///      work paid: wash trading never earns more than it pays), then anything above the
    ///      per-address cap, a share of what the epoch can pay.
    function _shareOf(uint64 epoch, uint256 w, Params memory params)
        internal
        view
        returns (uint256 fromWork, uint256 fromFaucet, uint256 paid, uint256 excess)
    {
        uint256 backing;
        {
            uint256 units;
            uint256 zeroFeeUnits;
            (units, zeroFeeUnits, backing) = EmissionMath.unpackWork(w);
            EpochState memory e = _epochs[epoch];
            EpochState memory f = _faucets[epoch];
            if (units != 0) fromWork = EmissionMath.share(e.unclaimedAmount, units, e.unclaimedUnits);
            if (zeroFeeUnits != 0) fromFaucet = EmissionMath.share(f.unclaimedAmount, zeroFeeUnits, f.unclaimedUnits);
        }
        uint256 backed = Math.min(fromWork, backing);
        uint256 capBps = epoch < params.bootstrapEpochs ? params.maxShareBps : EmissionMath.BPS;
        (paid, excess) = EmissionMath.capShare(backed + fromFaucet, _payable(epoch), capBps);
        excess += fromWork - backed;
    }

    /// @dev What `epoch` can pay, of which the per-address cap is a share: its faucet, and its
    ///      paid-work allocation only as far as the paid work's backing reaches (the rest rolls
    ///      back whoever claims).
    function _payable(uint64 epoch) internal view returns (uint256) {
        return Math.min(_epochs[epoch].amount, _counts[epoch].backing) + _faucets[epoch].amount;
    }

    /// @inheritdoc IEmissionPool
    function setKeepers(address keepers_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (keepers_ == address(0)) revert ZeroAddress();
        if (address(keepers) != address(0)) revert KeepersAlreadySet(address(keepers));
        keepers = IKeeperRegistry(keepers_);
        emit KeepersSet(keepers_);
    }

    /// @inheritdoc IEmissionPool
    function setMarket(address market_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (market_ == address(0)) revert ZeroAddress();
        if (address(market) != address(0)) revert MarketAlreadySet(address(market));
        market = ITaskMarket(market_);
        emit MarketSet(market_);
    }

    // ---------------------------------------------------------------- governance

    /// @inheritdoc IEmissionPool
    function setParameter(bytes32 name, uint256 value) external onlyRole(DEFAULT_ADMIN_ROLE) {
        uint256 previous;
        if (name == MAX_SHARE_BPS) {
            Bounds.check(name, value, 100, EmissionMath.BPS);
            previous = _params.maxShareBps;
            _params.maxShareBps = uint16(value);
        } else if (name == BOOTSTRAP_EPOCHS) {
            Bounds.check(name, value, 0, 10 * epochsPerYear);
            previous = _params.bootstrapEpochs;
            _params.bootstrapEpochs = uint64(value);
        } else if (name == YEAR_DECAY_BPS) {
            Bounds.check(name, value, 0, EmissionMath.BPS);
            previous = _params.yearDecayBps;
            _params.yearDecayBps = uint16(value);
        } else if (name == FEE_FLOOR) {
            Bounds.check(name, value, 0, _fees.ceiling);
            previous = _fees.floor;
            _fees.floor = uint96(value);
        } else if (name == FEE_CEILING) {
            Bounds.check(name, value, _fees.floor, MAX_FEE_PER_CU);
            previous = _fees.ceiling;
            _fees.ceiling = uint96(value);
        } else if (name == GENESIS_VESTING) {
            Bounds.check(name, value, 0, MAX_GENESIS_VESTING);
            previous = _params.genesisVesting;
            _params.genesisVesting = uint32(value);
        } else if (name == ZERO_FEE_BUDGET) {
            Bounds.check(name, value, 0, MAX_ZERO_FEE_BUDGET);
            previous = _params.zeroFeeBudget;
            _params.zeroFeeBudget = uint96(value);
        } else {
            revert UnknownParameter(name);
        }
        emit ParameterSet(name, previous, value);
    }

    /// @dev The roles that credit work (and so mint) or steer emission: sealed by `sealRoles()`.
    function _isProtectedRole(bytes32 role) internal pure override returns (bool) {
        return role == MARKET_ROLE || role == POLICY_ROLE;
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IEmissionPool
    function genesisVesting() external view returns (uint256) {
        return _params.genesisVesting;
    }

    /// @inheritdoc IEmissionPool
    function currentEpoch() public view returns (uint64) {
        return uint64((block.timestamp - genesis) / epochLength);
    }

    /// @inheritdoc IEmissionPool
    function minFeePerCU() external view returns (uint96) {
        Proposal memory p = _proposals[currentEpoch()];
        FeeBounds memory b = _fees;
        if (!p.set || p.minFeePerCU < b.floor) return b.floor;
        return p.minFeePerCU > b.ceiling ? b.ceiling : p.minFeePerCU;
    }

    /// @inheritdoc IEmissionPool
    function claimable(address contributor, uint64 epoch) external view returns (uint256 paid) {
        uint256 w = _work[epoch][contributor];
        if (epoch >= _schedule.nextEpoch || w == 0 || w & CLAIMED != 0) return 0;
        (,, paid,) = _shareOf(epoch, w, _params);
    }

    /// @inheritdoc IEmissionPool
    function contributorsOf(uint64 epoch) external view returns (uint256) {
        return _counts[epoch].contributors;
    }

    /// @inheritdoc IEmissionPool
    function scheduleBps() public view returns (uint256) {
        Schedule memory s = _schedule;
        uint256 budget = _totals.yearBudget;
        if (budget == 0) return 0;
        uint256 left = epochsPerYear - (s.nextEpoch % epochsPerYear);
        return uint256(s.remaining) * epochsPerYear * EmissionMath.BPS / (budget * left);
    }

    /// @inheritdoc IEmissionPool
    function deferredOf(uint64 epoch) external view returns (uint256) {
        return _counts[epoch].deferred;
    }

    /// @notice An epoch's allocation to paid work, what is left of it, and its total (until
    ///         close) or unclaimed paid work.
    function epochInfo(uint64 epoch) external view returns (uint256 amount, uint256 unclaimedAmount, uint256 units) {
        EpochState memory e = _epochs[epoch];
        return (e.amount, e.unclaimedAmount, e.unclaimedUnits);
    }

    /// @notice The same for the epoch's zero-fee work (at most `zeroFeeBudget`).
    function faucetInfo(uint64 epoch) external view returns (uint256 amount, uint256 unclaimedAmount, uint256 units) {
        EpochState memory f = _faucets[epoch];
        return (f.amount, f.unclaimedAmount, f.unclaimedUnits);
    }

    /// @notice Work credited to `contributor` in `epoch` (paid and zero-fee), and whether it was claimed.
    function workOf(uint64 epoch, address contributor) external view returns (uint256 units, bool claimed) {
        uint256 w = _work[epoch][contributor];
        (uint256 paidUnits, uint256 zeroFeeUnits,) = EmissionMath.unpackWork(w);
        return (paidUnits + zeroFeeUnits, w & CLAIMED != 0);
    }

    /// @inheritdoc IEmissionPool
    function creditOf(uint64 epoch, address contributor)
        external
        view
        returns (uint256 units, uint256 zeroFeeUnits, uint256 backing)
    {
        return EmissionMath.unpackWork(_work[epoch][contributor]);
    }

    /// @inheritdoc IEmissionPool
    function zeroFeeBudget() external view returns (uint256) {
        return _params.zeroFeeBudget;
    }

    /// @inheritdoc IEmissionPool
    function nextEpochToClose() external view returns (uint64) {
        return _schedule.nextEpoch;
    }

    /// @notice The multiplier applied to the last closed epoch (10_000 before the first close).
    function lastMultiplierBps() external view returns (uint32) {
        return _schedule.lastMultiplierBps;
    }

    /// @notice What the current emission year may still allocate.
    function remainingBudget() external view returns (uint256) {
        return _schedule.remaining;
    }

    /// @notice The emission year of the next epoch to close (0 = year one).
    function year() external view returns (uint64) {
        return _schedule.year;
    }

    /// @notice The current year's nominal budget.
    function yearBudget() external view returns (uint256) {
        return _totals.yearBudget;
    }

    /// @notice Allocated to closed epochs and neither claimed nor rolled over yet.
    function outstanding() external view returns (uint256) {
        return _totals.outstanding;
    }

    /// @notice Per-address cap on an epoch's emission during the bootstrap epochs, in bps.
    function maxShareBps() external view returns (uint16) {
        return _params.maxShareBps;
    }

    /// @notice Epochs [0, bootstrapEpochs) apply the per-address cap.
    function bootstrapEpochs() external view returns (uint64) {
        return _params.bootstrapEpochs;
    }

    /// @notice Each new year's nominal budget is the previous one × yearDecayBps / 10_000.
    function yearDecayBps() external view returns (uint16) {
        return _params.yearDecayBps;
    }

    /// @notice Governance bounds on the policy's fee floor per compute unit.
    function minFeePerCUBounds() external view returns (uint96 floor, uint96 ceiling) {
        return (_fees.floor, _fees.ceiling);
    }
}
