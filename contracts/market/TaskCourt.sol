// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {ITaskCourt} from "../interfaces/ITaskCourt.sol";
import {ITaskMarket} from "../interfaces/ITaskMarket.sol";
import {ITaskMarketTypes} from "../interfaces/ITaskMarketTypes.sol";
import {IKeeperRegistry} from "../interfaces/IKeeperRegistry.sol";
import {IEmissionPool} from "../interfaces/IEmissionPool.sol";
import {Bounds} from "../libraries/Bounds.sol";
import {DisputeLib} from "../libraries/DisputeLib.sol";
import {TaskLib} from "../libraries/TaskLib.sol";
import {SealedRoles} from "../governance/SealedRoles.sol";

/// @title The task court
/// @notice See ITaskCourt and docs/market.md. Holds MARKET_ROLE on the keeper registry (slash,
///         unlock bonds) and on the emission pool (jury duty credit).
contract TaskCourt is ITaskCourt, SealedRoles, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @inheritdoc ITaskCourt
    bytes32 public constant ARBITER_ROLE = keccak256("ARBITER_ROLE");
    /// @inheritdoc ITaskCourt
    address public constant BURN_ADDRESS = 0x000000000000000000000000000000000000dEaD;
    /// @notice Draws tried per seat before a round gives up filling the jury.
    uint256 public constant DRAWS_PER_SEAT = 4;
    /// @inheritdoc ITaskCourt
    uint256 public constant MIN_VOTE_PERIOD = 10;

    IERC20 public immutable token;
    IKeeperRegistry public immutable keepers;
    IEmissionPool public immutable pool;
    /// @inheritdoc ITaskCourt
    address public immutable market;


    struct Params {
        uint8 jurySize;
        uint32 commitPeriod;
        uint32 revealPeriod;
        uint16 slashBps;
        uint96 jurorPenalty;
        uint16 jurorShareBps;
        uint16 burnBps;
        uint32 arbitrationPeriod;
    }

    struct Dispute {
        address submitter;
        uint96 submitterBond;
        address challenger;
        uint96 challengerBond;
        bytes32 submitterResult;
        bytes32 challengerResult;
        uint64 seedBlock;
        uint40 commitEnd;
        uint40 revealEnd;
        uint40 windowEnd; // challengeWindow after the challenge: a rival may join until then, the jury is drawn after
        uint40 arbitrationEnd; // once escalated: anyone may close the dispute after it
        uint32 modelId;
        uint32 computeUnits;
        uint96 fee; // the task's fee: jury duty earns what the task's own work would, shared
        Phase phase;
        uint8 round;
        uint8 seats;
        uint8 votesSubmitter;
        uint8 votesChallenger;
        uint8 votesNeither;
        uint8 votesRival;
        uint96 pot;
        Outcome outcome;
        address rival;
        uint96 rivalBond;
        bytes32 rivalResult;
    }

    struct Ballot {
        bytes32 commitment;
        bool seated;
        bool revealed;
        Outcome vote;
    }

    struct Payout {
        address winner;
        bytes32 result;
        uint256 slashed;
        uint256 toWinner;
        uint256 perJuror;
        uint256 burned;
    }

    Params internal _params;
    mapping(uint256 id => Dispute) internal _disputes;
    mapping(uint256 id => address[]) internal _jurors;
    mapping(uint256 id => mapping(uint8 round => mapping(address juror => Ballot))) internal _ballots;
    /// @dev Block of each rival commitment (`commitRival`).
    mapping(bytes32 commitment => uint256 blockNumber) internal _rivalCommits;

    constructor(address token_, address keepers_, address pool_, address market_, address timelock) {
        token = IERC20(token_);
        keepers = IKeeperRegistry(keepers_);
        pool = IEmissionPool(pool_);
        market = market_;
        _grantRole(DEFAULT_ADMIN_ROLE, timelock);
        _grantRole(DEFAULT_ADMIN_ROLE, msg.sender);
        _grantRole(ARBITER_ROLE, timelock);
        _params = Params({
            jurySize: 5,
            commitPeriod: 300,
            revealPeriod: 300,
            slashBps: 1000,
            jurorPenalty: 1e7,
            jurorShareBps: 2000,
            burnBps: 1000,
            arbitrationPeriod: 14 days
        });
    }

    /// @inheritdoc ITaskCourt
    function open(
        uint256 id,
        ITaskMarketTypes.Task calldata task,
        address challenger,
        bytes32 challengerResult,
        uint96 challengerBond
    ) external {
        if (msg.sender != market) revert NotMarket(msg.sender);
        Dispute storage d = _disputes[id];
        d.submitter = task.keeper;
        d.submitterBond = task.bond;
        d.challenger = challenger;
        d.challengerBond = challengerBond;
        d.submitterResult = task.resultHash;
        d.challengerResult = challengerResult;
        d.seedBlock = uint64(block.number + 1);
        d.modelId = task.modelId;
        d.computeUnits = task.computeUnits;
        d.fee = task.fee;
        d.windowEnd = uint40(block.timestamp + ITaskMarket(market).challengeWindow());
        d.phase = Phase.Drawing;
        emit DisputeOpened(id, task.keeper, challenger, d.seedBlock);
        // the slash is sized on stake + unbonding at the verdict: nobody withdraws meanwhile
        keepers.holdUnbonding(task.keeper);
    }

    /// @inheritdoc ITaskCourt
    function convict(uint256 id, ITaskMarketTypes.Task calldata task) external nonReentrant {
        if (msg.sender != keepers.attestor()) revert NotAttestor(msg.sender);
        if (_disputes[id].phase != Phase.None) revert WrongPhase(id, _disputes[id].phase);
        address liar = task.keeper;
        uint256 amount =
            DisputeLib.submitterSlash(task.bond, keepers.stakeOf(liar) + keepers.unbondingOf(liar), _params.slashBps);
        uint256 slashed = amount == 0 ? 0 : keepers.slash(liar, amount, task.bond, BURN_ADDRESS); // the bond first
        ITaskMarket(market).settle(id, task, address(0), bytes32(0), "");
        emit LieConvicted(id, liar, slashed);
    }

    /// @inheritdoc ITaskCourt
    function commitRival(uint256 id, bytes32 commitment) external {
        if (_rivalCommits[commitment] != 0) return;
        _rivalCommits[commitment] = block.number;
        emit RivalCommitted(id, commitment);
    }

    /// @inheritdoc ITaskCourt
    function joinAsRival(uint256 id, bytes32 resultHash, bytes calldata output, string calldata uri) external nonReentrant {
        Dispute storage d = _disputes[id];
        if (d.phase != Phase.Drawing || d.round != 0) revert WrongPhase(id, d.phase);
        if (block.timestamp >= d.windowEnd) revert RivalWindowClosed(id, d.windowEnd);
        if (d.rival != address(0)) revert RivalTaken(id, d.rival);
        if (output.length != 0 && keccak256(output) != resultHash) revert InvalidRival(id);
        if (
            resultHash == bytes32(0) || resultHash == d.submitterResult || resultHash == d.challengerResult
                || msg.sender == d.submitter || msg.sender == d.challenger
        ) revert InvalidRival(id);
        uint256 committedAt = _rivalCommits[rivalCommitment(id, resultHash, msg.sender)];
        if (committedAt == 0 || committedAt >= block.number) revert RivalNotCommitted(id, msg.sender);
        if (!keepers.isActive(msg.sender)) revert RivalNotEligible(id, msg.sender);
        uint256 bond = ITaskMarket(market).challengeBond();
        if (d.submitterBond > bond) bond = d.submitterBond;
        (d.rival, d.rivalBond, d.rivalResult) = (msg.sender, uint96(bond), resultHash);
        emit RivalJoined(id, msg.sender, resultHash, bond, output, uri);
        if (bond != 0) keepers.lockBond(msg.sender, bond);
    }

    /// @inheritdoc ITaskCourt
    function drawJury(uint256 id) external nonReentrant {
        Dispute storage d = _disputes[id];
        if (d.phase != Phase.Drawing) revert WrongPhase(id, d.phase);
        if (block.number <= d.seedBlock) revert SeedNotReady(id, d.seedBlock);
        if (block.timestamp < d.windowEnd) revert RivalWindowOpen(id, d.windowEnd);
        bytes32 seed = blockhash(d.seedBlock);
        if (seed == bytes32(0)) {
            d.seedBlock = uint64(block.number);
            emit JuryReseeded(id, d.seedBlock);
            return;
        }
        Params memory p = _params;
        uint8 round = d.round;
        uint256 size = round == 0 ? p.jurySize : 2 * uint256(p.jurySize) + 1;
        address[] storage jurors = _seat(id, d, seed, size);
        d.seats = uint8(jurors.length);
        if (jurors.length < size / 2 + 1) {
            _escalate(id, d);
            return;
        }
        d.phase = Phase.Voting;
        d.commitEnd = uint40(block.timestamp + p.commitPeriod);
        d.revealEnd = uint40(block.timestamp + p.commitPeriod + p.revealPeriod);
        emit JuryDrawn(id, round, jurors, d.commitEnd, d.revealEnd);
    }

    /// @inheritdoc ITaskCourt
    function commitVote(uint256 id, bytes32 commitment) external {
        Dispute storage d = _disputes[id];
        if (d.phase != Phase.Voting) revert WrongPhase(id, d.phase);
        Ballot storage b = _ballots[id][d.round][msg.sender];
        if (!b.seated) revert NotJuror(id, msg.sender);
        if (block.timestamp > d.commitEnd) revert CommitPeriodOver(id, d.commitEnd);
        if (b.commitment != bytes32(0)) revert AlreadyVoted(id, msg.sender);
        b.commitment = commitment;
        emit VoteCommitted(id, msg.sender);
    }

    /// @inheritdoc ITaskCourt
    function revealVote(uint256 id, Outcome vote, bytes32 salt) external {
        Dispute storage d = _disputes[id];
        if (d.phase != Phase.Voting) revert WrongPhase(id, d.phase);
        Ballot storage b = _ballots[id][d.round][msg.sender];
        if (!b.seated) revert NotJuror(id, msg.sender);
        if (block.timestamp <= d.commitEnd || block.timestamp > d.revealEnd) {
            revert NotRevealPeriod(id, d.commitEnd, d.revealEnd);
        }
        if (b.revealed) revert AlreadyVoted(id, msg.sender);
        if (
            vote == Outcome.None || (vote == Outcome.Rival && d.rival == address(0)) || b.commitment == bytes32(0)
                || b.commitment != voteCommitment(id, d.round, vote, salt, msg.sender)
        ) revert BadReveal(id, msg.sender);
        b.revealed = true;
        b.vote = vote;
        if (vote == Outcome.Submitter) ++d.votesSubmitter;
        else if (vote == Outcome.Challenger) ++d.votesChallenger;
        else if (vote == Outcome.Rival) ++d.votesRival;
        else ++d.votesNeither;
        emit VoteRevealed(id, msg.sender, vote);
    }

    /// @inheritdoc ITaskCourt
    function resolve(uint256 id, ITaskMarketTypes.Task calldata task, bytes calldata output) external nonReentrant {
        Dispute storage d = _disputes[id];
        if (d.phase != Phase.Voting) revert WrongPhase(id, d.phase);
        uint256 revealed = uint256(d.votesSubmitter) + d.votesChallenger + d.votesNeither + d.votesRival;
        if (block.timestamp <= d.revealEnd && revealed < d.seats) revert VotingNotOver(id, d.revealEnd);
        // Silent jurors lose a little, whatever the outcome.
        address[] storage jurors = _jurors[id];
        for (uint256 j; j < jurors.length; ++j) {
            if (!_ballots[id][d.round][jurors[j]].revealed) _penalize(id, d, jurors[j]);
        }
        Outcome outcome = DisputeLib.tally(d.votesSubmitter, d.votesChallenger, d.votesNeither, d.votesRival, d.seats);
        if (outcome == Outcome.None) {
            _escalate(id, d);
            return;
        }
        _decide(id, d, task, outcome, output, false);
    }

    /// @inheritdoc ITaskCourt
    function arbitrate(uint256 id, ITaskMarketTypes.Task calldata task, Outcome outcome, bytes calldata output)
        external
        onlyRole(ARBITER_ROLE)
        nonReentrant
    {
        Dispute storage d = _disputes[id];
        if (d.phase != Phase.Escalated) revert WrongPhase(id, d.phase);
        if (outcome == Outcome.None || (outcome == Outcome.Rival && d.rival == address(0))) revert InvalidOutcome();
        _decide(id, d, task, outcome, output, true);
    }

    /// @inheritdoc ITaskCourt
    function closeEscalated(uint256 id, ITaskMarketTypes.Task calldata task) external nonReentrant {
        Dispute storage d = _disputes[id];
        if (d.phase != Phase.Escalated) revert WrongPhase(id, d.phase);
        if (block.timestamp <= d.arbitrationEnd) revert ArbitrationPending(id, d.arbitrationEnd);
        d.phase = Phase.Resolved;
        keepers.releaseUnbonding(d.submitter);
        uint256 burned = d.pot;
        d.pot = 0;
        // Nothing was proven against anyone: every bond is released and the requester refunded.
        keepers.unlockBond(d.submitter, d.submitterBond);
        keepers.unlockBond(d.challenger, d.challengerBond);
        if (d.rival != address(0)) keepers.unlockBond(d.rival, d.rivalBond);
        ITaskMarket(market).settle(id, task, address(0), bytes32(0), "");
        if (burned != 0) token.safeTransfer(BURN_ADDRESS, burned);
        emit DisputeResolved(id, Outcome.None, false, 0, 0, 0, burned);
    }

    /// @inheritdoc ITaskCourt
    function setParameter(bytes32 name, uint256 value) external onlyRole(DEFAULT_ADMIN_ROLE) {
        uint256 previous;
        if (name == "jurySize") {
            Bounds.check(name, value, 1, 15);
            (previous, _params.jurySize) = (_params.jurySize, uint8(value));
        } else if (name == "commitPeriod") {
            Bounds.check(name, value, MIN_VOTE_PERIOD, 7 days);
            (previous, _params.commitPeriod) = (_params.commitPeriod, uint32(value));
        } else if (name == "revealPeriod") {
            Bounds.check(name, value, MIN_VOTE_PERIOD, 7 days);
            (previous, _params.revealPeriod) = (_params.revealPeriod, uint32(value));
        } else if (name == "slashBps") {
            Bounds.check(name, value, 0, 10_000);
            (previous, _params.slashBps) = (_params.slashBps, uint16(value));
        } else if (name == "jurorPenalty") {
            Bounds.check(name, value, 0, 1e12);
            (previous, _params.jurorPenalty) = (_params.jurorPenalty, uint96(value));
        } else if (name == "jurorShareBps") {
            Bounds.check(name, value, 0, 5000);
            (previous, _params.jurorShareBps) = (_params.jurorShareBps, uint16(value));
        } else if (name == "burnBps") {
            Bounds.check(name, value, 0, 5000);
            (previous, _params.burnBps) = (_params.burnBps, uint16(value));
        } else if (name == "arbitrationPeriod") {
            Bounds.check(name, value, 10 minutes, 60 days);
            (previous, _params.arbitrationPeriod) = (_params.arbitrationPeriod, uint32(value));
        } else {
            revert UnknownParameter(name);
        }
        emit ParameterSet(name, previous, value);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc ITaskCourt
    function voteCommitment(uint256 id, uint8 round, Outcome vote, bytes32 salt, address juror)
        public
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(id, round, vote, salt, juror));
    }

    /// @inheritdoc ITaskCourt
    function rivalCommitment(uint256 id, bytes32 resultHash, address rival) public pure returns (bytes32) {
        return keccak256(abi.encode(id, resultHash, rival));
    }

    /// @inheritdoc ITaskCourt
    function disputeOf(uint256 id) external view returns (DisputeView memory v) {
        Dispute storage d = _disputes[id];
        v.phase = d.phase;
        v.round = d.round;
        v.submitter = d.submitter;
        v.challenger = d.challenger;
        v.submitterResult = d.submitterResult;
        v.challengerResult = d.challengerResult;
        v.submitterBond = d.submitterBond;
        v.challengerBond = d.challengerBond;
        v.seedBlock = d.seedBlock;
        v.commitEnd = d.commitEnd;
        v.revealEnd = d.revealEnd;
        v.votesSubmitter = d.votesSubmitter;
        v.votesChallenger = d.votesChallenger;
        v.votesNeither = d.votesNeither;
        v.votesRival = d.votesRival;
        v.pot = d.pot;
        v.jurors = _jurors[id];
        v.outcome = d.outcome;
        v.rival = d.rival;
        v.rivalResult = d.rivalResult;
        v.rivalBond = d.rivalBond;
        v.windowEnd = d.windowEnd;
        v.arbitrationEnd = d.arbitrationEnd;
    }

    /// @inheritdoc ITaskCourt
    function isJuror(uint256 id, address juror) external view returns (bool) {
        return _ballots[id][_disputes[id].round][juror].seated;
    }

    function jurySize() external view returns (uint256) {
        return _params.jurySize;
    }

    function commitPeriod() external view returns (uint256) {
        return _params.commitPeriod;
    }

    function revealPeriod() external view returns (uint256) {
        return _params.revealPeriod;
    }

    function slashBps() external view returns (uint256) {
        return _params.slashBps;
    }

    function jurorPenalty() external view returns (uint256) {
        return _params.jurorPenalty;
    }

    function jurorShareBps() external view returns (uint256) {
        return _params.jurorShareBps;
    }

    function burnBps() external view returns (uint256) {
        return _params.burnBps;
    }

    function arbitrationPeriod() external view returns (uint256) {
        return _params.arbitrationPeriod;
    }

    // ------------------------------------------------------------------ internal

    /// @dev Seats up to `size` distinct jurors for the dispute's current round: keepers drawn from
    ///      the model's tree as it stood when the seed block began (nobody can move that stake
    ///      after seeing the seed), neither party, and still active.
    function _seat(uint256 id, Dispute storage d, bytes32 seed, uint256 size)
        internal
        returns (address[] storage jurors)
    {
        delete _jurors[id];
        jurors = _jurors[id];
        (uint32 modelId, uint8 round, uint256 seedBlock) = (d.modelId, d.round, d.seedBlock);
        for (uint256 a; a < size * DRAWS_PER_SEAT && jurors.length < size; ++a) {
            address k = keepers.draw(modelId, uint256(keccak256(abi.encode(seed, id, round, a))), seedBlock);
            if (k == address(0)) break;
            if (k == d.submitter || k == d.challenger || k == d.rival || !keepers.isActive(k)) continue;
            Ballot storage b = _ballots[id][round][k];
            if (b.seated) continue;
            b.seated = true;
            jurors.push(k);
        }
    }

    /// @dev Round 0 fails over to a larger jury, round 1 to the arbiter.
    function _escalate(uint256 id, Dispute storage d) internal {
        bool toArbiter = d.round != 0;
        emit DisputeEscalated(id, d.round, toArbiter);
        if (toArbiter) {
            d.phase = Phase.Escalated;
            d.arbitrationEnd = uint40(block.timestamp + _params.arbitrationPeriod);
        } else {
            d.round = 1;
            d.phase = Phase.Drawing;
            d.seedBlock = uint64(block.number);
            (d.votesSubmitter, d.votesChallenger, d.votesNeither, d.votesRival, d.seats) = (0, 0, 0, 0, 0);
        }
    }

    function _penalize(uint256 id, Dispute storage d, address juror) internal {
        uint256 penalty = _params.jurorPenalty;
        if (penalty == 0) return;
        uint256 slashed = keepers.slash(juror, penalty, 0, address(this));
        if (slashed == 0) return;
        d.pot += uint96(slashed);
        emit JurorPenalized(id, juror, slashed);
    }

    /// @dev Slashes the loser(s), pays the winner and majority jurors, settles the task.
    function _decide(
        uint256 id,
        Dispute storage d,
        ITaskMarketTypes.Task calldata task,
        Outcome outcome,
        bytes calldata output,
        bool byArbiter
    ) internal {
        address[] memory majority = _majority(id, d, outcome);
        d.phase = Phase.Resolved;
        d.outcome = outcome;
        Payout memory p = _payout(d, outcome, majority.length);
        keepers.releaseUnbonding(d.submitter);
        ITaskMarket(market).settle(id, task, p.winner, p.result, output);
        if (p.toWinner != 0) token.safeTransfer(p.winner, p.toWinner);
        (uint256 units, uint256 zeroFeeUnits, uint256 backing) = _juryCredit(d, majority.length);
        for (uint256 j; j < majority.length; ++j) {
            if (p.perJuror != 0) token.safeTransfer(majority[j], p.perJuror);
            if (units != 0 || zeroFeeUnits != 0) pool.creditWork(majority[j], units, zeroFeeUnits, backing);
        }
        if (p.burned != 0) token.safeTransfer(BURN_ADDRESS, p.burned);
        emit DisputeResolved(id, outcome, byArbiter, p.slashed, p.toWinner, p.perJuror * majority.length, p.burned);
    }

    /// @dev Each majority juror's work credit: the disputed task's work and backing, shared. So
    ///      jury duty on a task never earns more than the task itself would, and staging disputes
    ///      with oneself does not multiply emission.
    function _juryCredit(Dispute storage d, uint256 jurors)
        internal
        view
        returns (uint256 units, uint256 zeroFeeUnits, uint256 backing)
    {
        if (jurors == 0) return (0, 0, 0);
        uint256 fee = d.fee;
        ITaskMarket m = ITaskMarket(market);
        if (fee == 0) return (0, TaskLib.work(0, d.computeUnits, m.zeroFeeCreditBps()) / jurors, 0);
        units = TaskLib.work(fee, d.computeUnits, 0) / jurors;
        backing = TaskLib.bps(TaskLib.bps(fee, m.protocolFeeBps()), m.backingBps()) / jurors;
    }

    /// @dev Slashes the loser(s) and splits what was taken, plus the jurors' pot.
    function _payout(Dispute storage d, Outcome outcome, uint256 majorityCount) internal returns (Payout memory p) {
        (p.winner, p.result, p.slashed) = _slashLoser(d, outcome);
        uint256 toJurors;
        (p.toWinner, toJurors, p.burned) = DisputeLib.split(p.slashed, _params.jurorShareBps, _params.burnBps);
        toJurors += d.pot;
        d.pot = 0;
        if (p.winner == address(0)) (p.burned, p.toWinner) = (p.burned + p.toWinner, 0);
        p.perJuror = majorityCount == 0 ? 0 : toJurors / majorityCount;
        p.burned += toJurors - p.perJuror * majorityCount;
    }

    /// @dev Jurors of the current round who revealed `outcome`; the others who revealed are penalized.
    function _majority(uint256 id, Dispute storage d, Outcome outcome) internal returns (address[] memory majority) {
        address[] storage jurors = _jurors[id];
        majority = new address[](jurors.length);
        uint256 m;
        for (uint256 j; j < jurors.length; ++j) {
            Ballot storage b = _ballots[id][d.round][jurors[j]];
            if (!b.revealed) continue;
            if (b.vote == outcome) majority[m++] = jurors[j];
            else _penalize(id, d, jurors[j]);
        }
        assembly ("memory-safe") {
            mstore(majority, m)
        }
    }

    /// @dev Slashes every side whose result lost: the winner's bond is released. A lying submitter
    ///      loses max(bond, slashBps of all the stake that backed the lie, unbonding included, so
    ///      that unbonding after the challenge does not shrink it); a losing challenger or rival
    ///      its bond.
    function _slashLoser(Dispute storage d, Outcome outcome)
        internal
        returns (address winner, bytes32 result, uint256 slashed)
    {
        if (outcome == Outcome.Submitter) {
            keepers.unlockBond(d.submitter, d.submitterBond);
            (winner, result) = (d.submitter, d.submitterResult);
        } else {
            address liar = d.submitter;
            uint256 backing = keepers.stakeOf(liar) + keepers.unbondingOf(liar);
            uint256 amount = DisputeLib.submitterSlash(d.submitterBond, backing, _params.slashBps);
            if (amount != 0) slashed = keepers.slash(liar, amount, d.submitterBond, address(this));
        }
        if (outcome == Outcome.Challenger) {
            keepers.unlockBond(d.challenger, d.challengerBond);
            (winner, result) = (d.challenger, d.challengerResult);
        } else if (d.challengerBond != 0) {
            slashed += keepers.slash(d.challenger, d.challengerBond, d.challengerBond, address(this));
        }
        if (d.rival == address(0)) return (winner, result, slashed);
        if (outcome == Outcome.Rival) {
            keepers.unlockBond(d.rival, d.rivalBond);
            (winner, result) = (d.rival, d.rivalResult);
        } else if (d.rivalBond != 0) {
            slashed += keepers.slash(d.rival, d.rivalBond, d.rivalBond, address(this));
        }
    }

    /// @dev The arbiter of escalated disputes (the timelock) is sealed by `sealRoles()`: nobody
    ///      can hand the power to decide a dispute, and so to slash, to another key.
    function _isProtectedRole(bytes32 role) internal pure override returns (bool) {
        return role == ARBITER_ROLE;
    }
}
