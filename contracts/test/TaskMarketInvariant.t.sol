// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {EmissionPool} from "../emission/EmissionPool.sol";
import {IModelRegistry} from "../interfaces/IModelRegistry.sol";
import {ITaskCourt} from "../interfaces/ITaskCourt.sol";
import {ITaskMarket} from "../interfaces/ITaskMarket.sol";
import {ITaskMarketTypes} from "../interfaces/ITaskMarketTypes.sol";
import {TaskCourt} from "../market/TaskCourt.sol";
import {TaskMarket} from "../market/TaskMarket.sol";
import {TaskMarketExtension} from "../market/TaskMarketExtension.sol";
import {KeeperRegistry} from "../registry/KeeperRegistry.sol";
import {ModelRegistry} from "../registry/ModelRegistry.sol";
import {ParadigmToken} from "../token/ParadigmToken.sol";
import {vm} from "./utils/Vm.sol";

// The handler lives beside its invariant test: Hardhat gives the fuzzer only the artifacts of the
// test files it runs, so a handler in another file is invisible when this file runs alone.

/// @notice Drives the real market, court and keeper registry with random posts, claims (and
///         takeovers of lapsed claims), honest or lying submissions, challenges, jury draws,
///         commits, reveals, resolutions, arbitration, finalizations, flushes of keeper accounts,
///         expiries, stake moves and time jumps. It talks to the contracts only through their external API and keeps
///         ghost books of what each party is owed.
/// @dev Actors: keepers 0..2 are honest and diligent (they submit the truth at once when they
///      claim, challenge only lies, and as jurors commit and reveal the truth); keepers 3..7 may
///      lie, stall, grief with false challenges, stay silent as jurors, or vote wrong while the
///      wrong votes of a round stay below a majority of its seats (the documented trust bound).
///      The arbiter (this handler, holding ARBITER_ROLE like the timelock) rules truthfully.
contract TaskMarketHandler {
    ParadigmToken public immutable token;
    KeeperRegistry public immutable keepers;
    ITaskMarket public immutable market;
    TaskCourt public immutable court;

    uint32 public constant MODEL = 1;
    uint256 public constant KEEPERS = 8;
    uint256 public constant HONEST = 3;
    uint256 public constant REQUESTERS = 3;
    uint256 internal constant START_STAKE = 1000e8;

    /// @notice What the handler knows of a task.
    /// @param t the struct as the market commits to it
    /// @param lie the submitted result is not the truth
    struct Info {
        ITaskMarketTypes.Task t;
        ITaskMarketTypes.TaskStatus status;
        bool closed;
        bool lie;
        address challenger;
        bytes32 challengerResult;
    }

    struct Ballot {
        ITaskCourt.Outcome vote;
        bool committed;
        bool revealed;
    }

    uint256[] internal _ids;
    mapping(uint256 id => Info) internal _info;
    mapping(uint256 id => mapping(uint8 round => mapping(address juror => Ballot))) internal _ballots;
    mapping(uint256 id => mapping(uint8 round => uint256)) internal _wrongVotes;

    /// @notice Fees ever escrowed by posts.
    uint256 public escrowed;
    /// @notice PAR in requesters' deposits.
    uint256 public deposits;
    /// @notice Fees of tasks not closed yet.
    uint256 public liveFees;
    /// @notice Fee less protocol fee of every task closed with a result (booked to its keeper's
    ///         account in the market, then flushed to the keeper's pool).
    uint256 public paidToKeepers;
    /// @notice The part of `paidToKeepers` flushed to keepers' pools.
    uint256 public flushedPay;
    /// @notice Protocol fees of every task closed with a result (in a keeper's account, then
    ///         flushed to the market's `protocolFees`).
    uint256 public protocolAccrued;
    /// @notice Fees refunded to requesters (expiry or a `Neither` verdict).
    uint256 public refunded;
    /// @notice Protocol fees sent to the treasury.
    uint256 public protocolWithdrawn;
    /// @notice PAR minted to actors.
    uint256 public totalMinted;
    /// @notice Closing calls that succeeded on a task that was already closed (must stay 0).
    uint256 public doublePays;
    /// @notice Disputes decided against the truth (must stay 0).
    uint256 public badVerdicts;
    /// @notice Honest keepers' submits or juror votes that were refused (must stay 0).
    uint256 public honestRefused;
    /// @notice Flushes that reverted (must stay 0: anyone may flush any keepers, at any time).
    uint256 public flushRefused;
    /// @notice Lies that nobody challenged and that finalized (the optimistic path; informational).
    uint256 public liesStood;
    /// @notice Disputes closed by a verdict or by the arbiter.
    uint256 public verdicts;
    uint256 public arbitrated;
    /// @notice Operations that may round a base unit of pool rewards away (rewards, share moves).
    uint256 public rewardOps;

    mapping(address => uint256) public minted;
    /// @notice Per requester: fees of its tasks closed with a result.
    mapping(address => uint256) public resultFees;
    /// @notice Per requester: fees of its live tasks.
    mapping(address => uint256) public liveFeesOf;
    /// @notice Per keeper: pay earned from tasks (in its market account or already in its pool).
    mapping(address => uint256) public earned;
    /// @notice Per keeper: pay booked to its market account and not flushed yet.
    mapping(address => uint256) public accountPay;
    /// @notice Per keeper: protocol fees booked to its market account and not flushed yet (the
    ///         market moves them to its counter when work of a later epoch arrives).
    mapping(address => uint256) public accountProtocol;
    /// @notice Per keeper: the epoch of the work its account holds, and whether it holds any.
    mapping(address => uint256) public accountEpoch;
    mapping(address => bool) public accountOpen;
    /// @notice Per keeper: rewards claimed.
    mapping(address => uint256) public claimed;
    /// @notice Per honest keeper: its pool stake (it is never slashed).
    mapping(address => uint256) public ownStake;
    /// @notice Per honest keeper: its unbonding stake.
    mapping(address => uint256) public ownUnbonding;
    /// @notice Per honest keeper: the least its wallet must hold (dispute winnings come on top).
    mapping(address => uint256) public walletFloor;

    constructor(ParadigmToken token_, KeeperRegistry keepers_, ITaskMarket market_, TaskCourt court_) {
        token = token_;
        keepers = keepers_;
        market = market_;
        court = court_;
    }

    /// @notice Registers the keepers with START_STAKE each (after the test made this the minter).
    function init() external {
        uint32[] memory models = new uint32[](1);
        models[0] = MODEL;
        for (uint256 i; i < KEEPERS; ++i) {
            address k = keeper(i);
            _mint(k, START_STAKE);
            vm.prank(k);
            token.approve(address(keepers), type(uint256).max);
            vm.prank(k);
            keepers.register("https://k.example", bytes32("cpu"), models, START_STAKE, 0);
            if (isHonest(k)) (ownStake[k], walletFloor[k]) = (START_STAKE, 0);
        }
        for (uint256 i; i < REQUESTERS; ++i) {
            vm.prank(requester(i));
            token.approve(address(market), type(uint256).max);
        }
    }

    // ------------------------------------------------------------------ actors and outputs

    function keeper(uint256 seed) public pure returns (address) {
        return address(uint160(0xA000 + seed % KEEPERS));
    }

    function requester(uint256 seed) public pure returns (address) {
        return address(uint160(0xB000 + seed % REQUESTERS));
    }

    function isHonest(address k) public pure returns (bool) {
        return uint160(k) >= 0xA000 && uint160(k) < 0xA000 + HONEST;
    }

    function truth(uint256 id) public pure returns (bytes memory) {
        return abi.encodePacked("truth", id);
    }

    function lie(uint256 id, uint256 salt) public pure returns (bytes memory) {
        return abi.encodePacked("lie", id, uint8(salt));
    }

    /// @notice The verdict an honest jury reaches on task `id`'s dispute.
    function verdict(uint256 id) public view returns (ITaskCourt.Outcome) {
        bytes32 t = keccak256(truth(id));
        Info storage info = _info[id];
        if (info.t.resultHash == t) return ITaskCourt.Outcome.Submitter;
        if (info.challengerResult == t) return ITaskCourt.Outcome.Challenger;
        return ITaskCourt.Outcome.Neither;
    }

    // ------------------------------------------------------------------ requesters

    function post(uint256 who, uint256 feeSeed, uint256 life) external {
        _tick();
        address r = requester(who);
        uint96 fee = feeSeed % 5 == 0 ? 0 : uint96(1e8 * (1 + feeSeed % 10));
        if (fee != 0) _mint(r, fee);
        uint16 items = uint16(1 + (life >> 12) % 3); // plain tasks and lots of 2 or 3
        ITaskMarketTypes.PostParams memory p = ITaskMarketTypes.PostParams({
            modelId: MODEL,
            items: items,
            fee: fee,
            deadline: uint40(block.timestamp + 60 + life % 3600),
            callback: address(0),
            callbackGas: 0,
            input: abi.encodePacked(feeSeed),
            inputHash: bytes32(0),
            inputURI: ""
        });
        bool fromDeposit = fee != 0 && market.depositOf(r) >= fee;
        vm.prank(r);
        try market.post(p) returns (uint256 id) {
            if (fromDeposit) deposits -= fee;
            Info storage info = _info[id];
            info.t.requester = r;
            info.t.fee = fee;
            info.t.modelId = MODEL;
            info.t.computeUnits = 100 * items;
            info.t.deadline = p.deadline;
            info.t.postedAt = uint40(block.timestamp);
            info.t.postBlock = uint64(block.number);
            info.status = ITaskMarketTypes.TaskStatus.Open;
            _ids.push(id);
            escrowed += fee;
            liveFees += fee;
            liveFeesOf[r] += fee;
        } catch {}
    }

    /// @notice A requester prepays part of its future fees.
    function deposit(uint256 who, uint256 amount) external {
        _tick();
        address r = requester(who);
        amount = 1 + amount % 20e8;
        _mint(r, amount);
        vm.prank(r);
        market.deposit(r, amount);
        deposits += amount;
    }

    /// @notice A requester takes back part of its unused deposit.
    function withdrawDeposit(uint256 who, uint256 amount) external {
        _tick();
        address r = requester(who);
        uint256 available = market.depositOf(r);
        if (available == 0) return;
        amount = 1 + amount % available;
        vm.prank(r);
        market.withdrawDeposit(amount);
        deposits -= amount;
    }

    function expire(uint256 seed) external {
        _tick();
        (bool found, uint256 id) = _pick(seed, _expirable);
        if (!found) return;
        Info storage info = _info[id];
        (uint256[] memory ids, ITaskMarketTypes.Task[] memory tasks) = _one(id);
        try market.expire(ids, tasks) {
            refunded += info.t.fee;
            _close(id);
        } catch {}
    }

    // ------------------------------------------------------------------ keepers

    /// @notice Claims an open task, or takes over a lapsed claim ("reclaim"). Honest keepers submit
    ///         the truth at once; a dishonest one submits the truth, a lie, or nothing (it stalls).
    function claim(uint256 seed, uint256 who, uint256 mode) external {
        _tick();
        (bool found, uint256 id) = _pick(seed, _claimable);
        if (!found) return;
        Info storage info = _info[id];
        address k = keeper(who);
        if (
            info.status == ITaskMarketTypes.TaskStatus.Open && mode % 4 != 0
                && block.timestamp < uint256(info.t.postedAt) + market.assignWindow()
        ) {
            address assignee = market.assigneeOf(id, info.t);
            if (assignee != address(0)) k = assignee;
        }
        uint96 bond = uint96(market.bondFor(info.t.fee));
        vm.prank(k);
        try market.claim(id, info.t) {
            info.t.keeper = k;
            info.t.bond = bond;
            info.t.since = uint40(block.timestamp);
            info.t.resultHash = bytes32(0);
            info.status = ITaskMarketTypes.TaskStatus.Claimed;
            if (isHonest(k)) {
                if (!_submit(id, true, 0)) ++honestRefused;
            } else if (mode % 3 != 0) {
                _submit(id, mode % 3 == 1, mode >> 2);
            }
        } catch {}
    }

    /// @notice A dishonest keeper submits a claimed task's result: the truth or a lie.
    function submit(uint256 seed, uint256 lieSeed) external {
        _tick();
        (bool found, uint256 id) = _pick(seed, _claimed);
        if (!found) return;
        _submit(id, isHonest(_info[id].t.keeper) || lieSeed % 2 == 0, lieSeed >> 1);
    }

    /// @notice Challenges a submitted result inside its window; the jury is drawn at once.
    function challenge(uint256 seed, uint256 who, uint256 outSeed, uint256 votes) external {
        _tick();
        (bool found, uint256 id) = _pick(seed, _challengeable);
        if (!found) return;
        Info storage info = _info[id];
        address c = keeper(who);
        for (uint256 i; i < KEEPERS && (c == info.t.keeper || (isHonest(c) && !info.lie)); ++i) {
            c = keeper(who % KEEPERS + i + 1); // honest keepers challenge lies only
        }
        if (c == info.t.keeper || (isHonest(c) && !info.lie)) return;
        bytes memory out = isHonest(c) || outSeed % 2 == 0 ? truth(id) : lie(id, outSeed >> 1);
        bytes32 h = keccak256(out);
        if (h == info.t.resultHash) return;
        vm.prank(c);
        market.commitChallenge(id, keccak256(abi.encode(id, h, c)));
        vm.roll(block.number + 1);
        vm.prank(c);
        try market.challenge(id, info.t, h, out, "") {
            info.status = ITaskMarketTypes.TaskStatus.Challenged;
            info.challenger = c;
            info.challengerResult = h;
        } catch {
            return;
        }
        _tick();
        _draw(id, votes);
    }

    /// @notice Anyone finalizes 1..3 tasks past their challenge window. When none is past it yet,
    ///         the finalizer may (by `count`'s bit 8) wait until the earliest window closes.
    function finalize(uint256 seed, uint256 count) external {
        _tick();
        uint256 n = _ids.length;
        if (n == 0) return;
        uint256[] memory ids = new uint256[](1 + count % 3);
        uint256 got = _finalizables(seed, ids);
        if (got == 0 && (count >> 8) & 1 != 0) {
            uint256 earliest = type(uint256).max;
            for (uint256 i; i < n; ++i) {
                uint256 id = _ids[i];
                uint256 endsAt = uint256(_info[id].t.since) + market.challengeWindow();
                if (_is(id, ITaskMarketTypes.TaskStatus.Submitted) && endsAt < earliest) earliest = endsAt;
            }
            if (earliest == type(uint256).max) return;
            _advance(earliest);
            got = _finalizables(seed, ids);
        }
        if (got == 0) return;
        assembly ("memory-safe") {
            mstore(ids, got)
        }
        ITaskMarketTypes.Task[] memory tasks = new ITaskMarketTypes.Task[](got);
        for (uint256 i; i < got; ++i) {
            tasks[i] = _info[ids[i]].t;
        }
        uint256 feeBps = market.protocolFeeBps();
        try market.finalize(ids, tasks, new bytes[](0)) {
            for (uint256 i; i < got; ++i) {
                if (_info[ids[i]].lie) ++liesStood;
                _paid(ids[i], tasks[i].keeper, feeBps);
            }
        } catch {}
    }

    /// @notice Anyone flushes the accounts of a random subset of keepers (bit i of `mask` picks
    ///         keeper i; bit KEEPERS repeats the first pick, which must then flush nothing).
    function flush(uint256 mask) external {
        _tick();
        uint256 n;
        address[] memory ks = new address[](KEEPERS + 1);
        for (uint256 i; i < KEEPERS; ++i) {
            if ((mask >> i) & 1 != 0) ks[n++] = keeper(i);
        }
        if (n != 0 && (mask >> KEEPERS) & 1 != 0) ks[n++] = ks[0];
        assembly ("memory-safe") {
            mstore(ks, n)
        }
        try market.flush(ks) {
            for (uint256 i; i < n; ++i) {
                address k = ks[i];
                uint256 pay = accountPay[k];
                if (pay != 0) ++rewardOps;
                flushedPay += pay;
                (accountPay[k], accountProtocol[k], accountOpen[k]) = (0, 0, false);
            }
        } catch {
            ++flushRefused;
        }
    }

    // ------------------------------------------------------------------ court

    /// @notice A dishonest juror of a dispute commits a vote (see `_vote`) or reveals it.
    function vote(uint256 seed, uint256 who, uint256 voteSeed) external {
        _tick();
        (bool found, uint256 id) = _pick(seed, _voting);
        if (!found) return;
        ITaskCourt.DisputeView memory d = court.disputeOf(id);
        address juror = d.jurors[who % d.jurors.length];
        if (block.timestamp <= d.commitEnd) _vote(id, d, juror, voteSeed);
        else _reveal(id, d.round, juror);
    }

    /// @notice Moves a dispute on, by its phase: draws its jury (round 0 after a reseed, or the
    ///         larger round-1 jury); resolves it (moving time into the reveal period, letting the
    ///         dishonest jurors reveal or stay silent as `reveals` says, and waiting out the reveal
    ///         period unless all revealed); or, once escalated, has the arbiter rule truthfully.
    function resolve(uint256 seed, uint256 reveals) external {
        _tick();
        (bool found, uint256 id) = _pick(seed, _challenged);
        if (!found) return;
        ITaskCourt.DisputeView memory d = court.disputeOf(id);
        if (d.phase == ITaskCourt.Phase.Drawing) {
            _draw(id, reveals);
            return;
        }
        if (d.phase == ITaskCourt.Phase.Escalated) {
            ITaskCourt.Outcome v = verdict(id);
            try court.arbitrate(id, _info[id].t, v, "") {
                ++arbitrated;
                _decided(id, v);
            } catch {}
            return;
        }
        if (block.timestamp <= d.commitEnd) _advance(uint256(d.commitEnd) + 1);
        bool all = true;
        for (uint256 j; j < d.jurors.length; ++j) {
            if ((reveals >> (2 * j)) & 3 != 0) _reveal(id, d.round, d.jurors[j]);
            all = all && _ballots[id][d.round][d.jurors[j]].revealed;
        }
        if (!all) _advance(uint256(d.revealEnd) + 1);
        try court.resolve(id, _info[id].t, "") {
            d = court.disputeOf(id);
            if (d.phase == ITaskCourt.Phase.Resolved) {
                _decided(id, d.outcome);
            } else if (d.phase == ITaskCourt.Phase.Drawing) {
                _tick();
                _draw(id, reveals >> 128); // no majority: the larger round-1 jury
            }
        } catch {}
    }

    // ------------------------------------------------------------------ stake and time

    /// @notice A keeper adds stake, requests an unbond, withdraws matured unbonding stake or
    ///         claims its pool rewards.
    function stake(uint256 who, uint256 op, uint256 amount) external {
        _tick();
        address k = keeper(who);
        bool honest = isHonest(k);
        if (op % 4 == 0) {
            amount = 1 + amount % 500e8;
            _mint(k, amount);
            vm.prank(k);
            try keepers.addStake(amount) {
                ++rewardOps;
                if (honest) (ownStake[k], walletFloor[k]) = (ownStake[k] + amount, walletFloor[k] - amount);
            } catch {}
        } else if (op % 4 == 1) {
            uint256 free = keepers.freeStakeOf(k);
            if (free == 0) return;
            amount = 1 + amount % free;
            vm.prank(k);
            try keepers.requestUnbond(amount) {
                ++rewardOps;
                if (honest) (ownStake[k], ownUnbonding[k]) = (ownStake[k] - amount, ownUnbonding[k] + amount);
            } catch {}
        } else if (op % 4 == 2) {
            vm.prank(k);
            try keepers.withdraw(k) returns (uint256 out) {
                if (honest) (ownUnbonding[k], walletFloor[k]) = (ownUnbonding[k] - out, walletFloor[k] + out);
            } catch {}
        } else {
            vm.prank(k);
            try keepers.claimRewards(k) returns (uint256 out) {
                ++rewardOps;
                claimed[k] += out;
                if (honest) walletFloor[k] += out;
            } catch {}
        }
    }

    function withdrawProtocolFees() external {
        _tick();
        protocolWithdrawn += market.withdrawProtocolFees();
    }

    function warp(uint256 secs) external {
        _tick();
        _advance(block.timestamp + 1 + secs % 1200);
    }

    /// @notice Replays a closing call on a closed task with its last struct: must never succeed.
    function replay(uint256 seed, uint256 how) external {
        _tick();
        (bool found, uint256 id) = _pick(seed, _closed);
        if (!found) return;
        (uint256[] memory ids, ITaskMarketTypes.Task[] memory tasks) = _one(id);
        if (how % 3 == 0) {
            try market.finalize(ids, tasks, new bytes[](0)) {
                ++doublePays;
            } catch {}
        } else if (how % 3 == 1) {
            try market.expire(ids, tasks) {
                ++doublePays;
            } catch {}
        } else {
            try court.resolve(id, tasks[0], "") {
                ++doublePays;
            } catch {}
        }
    }

    // ------------------------------------------------------------------ views for the invariants

    function taskCount() external view returns (uint256) {
        return _ids.length;
    }

    /// @notice PAR the court holds for open disputes: the juror penalties pot of each.
    function courtPots() external view returns (uint256 total) {
        for (uint256 i; i < _ids.length; ++i) {
            if (_info[_ids[i]].challenger != address(0)) total += court.disputeOf(_ids[i]).pot;
        }
    }

    /// @notice Whether the market's status of every task is what the handler expects
    ///         (`None` exactly for closed tasks).
    function statusesMatch() external view returns (bool) {
        for (uint256 i; i < _ids.length; ++i) {
            uint256 id = _ids[i];
            ITaskMarketTypes.TaskStatus expected =
                _info[id].closed ? ITaskMarketTypes.TaskStatus.None : _info[id].status;
            if (market.statusOf(id) != expected) return false;
        }
        return true;
    }

    /// @notice Whether every keeper's market account holds exactly the pay and protocol fees the
    ///         handler booked to it since its last flush.
    function accountsMatch() external view returns (bool) {
        for (uint256 i; i < KEEPERS; ++i) {
            address k = keeper(i);
            (uint256 pay, uint256 protocol,,) = market.accountOf(k);
            if (pay != accountPay[k] || protocol != accountProtocol[k]) return false;
        }
        return true;
    }

    /// @notice Σ over keepers of their market accounts' unflushed pay and protocol fees.
    function unflushed() external view returns (uint256 pay, uint256 protocol) {
        for (uint256 i; i < KEEPERS; ++i) {
            (uint256 p, uint256 f,,) = market.accountOf(keeper(i));
            (pay, protocol) = (pay + p, protocol + f);
        }
    }

    /// @notice Rewards paid into every keeper's pool so far, as the registry books them.
    function keeperRewards() external view returns (uint256 total) {
        for (uint256 i; i < KEEPERS; ++i) {
            address k = keeper(i);
            total += keepers.positionOf(k, k).rewards + claimed[k];
        }
    }

    // ------------------------------------------------------------------ internals

    /// @dev Two blocks per action, so assignment and jury seeds are always readable.
    function _tick() internal {
        vm.roll(block.number + 2);
    }

    function _mint(address to, uint256 amount) internal {
        token.mint(to, amount);
        minted[to] += amount;
        totalMinted += amount;
        if (isHonest(to)) walletFloor[to] += amount;
    }

    function _submit(uint256 id, bool honest, uint256 salt) internal returns (bool ok) {
        Info storage info = _info[id];
        bytes memory out = honest ? truth(id) : lie(id, salt);
        bytes32 h = keccak256(out);
        vm.prank(info.t.keeper);
        if (!honest && salt % 3 == 0) {
            try market.submitHash(id, info.t, h, "ipfs://large-output") {
                ok = true;
            } catch {}
        } else {
            try market.submit(id, info.t, out) {
                ok = true;
            } catch {}
        }
        if (!ok) return false;
        info.t.since = uint40(block.timestamp);
        info.t.resultHash = h;
        info.lie = !honest;
        info.status = ITaskMarketTypes.TaskStatus.Submitted;
    }

    function _commit(uint256 id, uint8 round, address juror, ITaskCourt.Outcome v) internal returns (bool ok) {
        bytes32 c = court.voteCommitment(id, round, v, keccak256(abi.encode(juror, id)), juror);
        vm.prank(juror);
        try court.commitVote(id, c) {
            _ballots[id][round][juror] = Ballot({vote: v, committed: true, revealed: false});
            return true;
        } catch {}
    }

    function _reveal(uint256 id, uint8 round, address juror) internal returns (bool ok) {
        Ballot storage b = _ballots[id][round][juror];
        if (!b.committed || b.revealed) return false;
        vm.prank(juror);
        try court.revealVote(id, b.vote, keccak256(abi.encode(juror, id))) {
            b.revealed = true;
            return true;
        } catch {}
    }

    /// @dev Draws the jury of `id`; honest jurors commit the truth, dishonest ones vote by `votes`.
    function _draw(uint256 id, uint256 votes) internal {
        try court.drawJury(id) {} catch {
            return;
        }
        ITaskCourt.DisputeView memory d = court.disputeOf(id);
        if (d.phase != ITaskCourt.Phase.Voting) return;
        for (uint256 j; j < d.jurors.length; ++j) {
            _vote(id, d, d.jurors[j], votes >> (3 * j));
        }
    }

    /// @dev `juror` commits: honest ones the truth; dishonest ones nothing (seed % 8 == 0), a wrong
    ///      vote (seed % 8 == 1) while the round's wrong votes stay at most half its seats (below a
    ///      majority), else the truth.
    function _vote(uint256 id, ITaskCourt.DisputeView memory d, address juror, uint256 seed) internal {
        if (_ballots[id][d.round][juror].committed) return;
        ITaskCourt.Outcome v = verdict(id);
        if (isHonest(juror)) {
            if (!_commit(id, d.round, juror, v)) ++honestRefused;
            return;
        }
        if (seed % 8 == 0) return;
        if (seed % 8 == 1 && _wrongVotes[id][d.round] + 1 <= d.jurors.length / 2) {
            if (_commit(id, d.round, juror, ITaskCourt.Outcome(uint8(v) % 3 + 1))) ++_wrongVotes[id][d.round];
        } else {
            _commit(id, d.round, juror, v);
        }
    }

    /// @dev Moves time to `to`, stopping at the start of every reveal period that has honest votes
    ///      to reveal, so honest jurors always reveal in time.
    function _advance(uint256 to) internal {
        while (block.timestamp < to) {
            _revealHonest();
            uint256 next = to;
            for (uint256 i; i < _ids.length; ++i) {
                uint256 id = _ids[i];
                if (!_challenged(id)) continue;
                ITaskCourt.DisputeView memory d = court.disputeOf(id);
                if (d.phase == ITaskCourt.Phase.Voting && block.timestamp <= d.commitEnd && d.commitEnd + 1 < next) {
                    next = uint256(d.commitEnd) + 1;
                }
            }
            vm.warp(next);
        }
        _revealHonest();
    }

    /// @dev Honest jurors reveal as soon as the reveal period of their dispute opens.
    function _revealHonest() internal {
        for (uint256 i; i < _ids.length; ++i) {
            uint256 id = _ids[i];
            if (_info[id].status != ITaskMarketTypes.TaskStatus.Challenged || _info[id].closed) continue;
            ITaskCourt.DisputeView memory d = court.disputeOf(id);
            if (d.phase != ITaskCourt.Phase.Voting || block.timestamp <= d.commitEnd) continue;
            for (uint256 j; j < d.jurors.length; ++j) {
                address juror = d.jurors[j];
                if (!isHonest(juror) || _ballots[id][d.round][juror].revealed) continue;
                if (!_reveal(id, d.round, juror)) ++honestRefused;
            }
        }
    }

    /// @dev Books a dispute's end: the winner's pool is paid the fee, or `Neither` refunds it.
    function _decided(uint256 id, ITaskCourt.Outcome outcome) internal {
        Info storage info = _info[id];
        if (outcome != verdict(id)) ++badVerdicts;
        ++verdicts;
        if (outcome == ITaskCourt.Outcome.Neither) {
            refunded += info.t.fee;
            _close(id);
            return;
        }
        address winner = outcome == ITaskCourt.Outcome.Submitter ? info.t.keeper : info.challenger;
        _paid(id, winner, market.protocolFeeBps());
    }

    /// @dev Books task `id` closed with a result: `keeper`'s market account gets the fee less the
    ///         protocol fee, and the protocol fee (both leave the market at the next flush).
    function _paid(uint256 id, address keeper_, uint256 feeBps) internal {
        Info storage info = _info[id];
        uint256 fee = info.t.fee;
        uint256 protocol = fee * feeBps / 10_000;
        paidToKeepers += fee - protocol;
        protocolAccrued += protocol;
        earned[keeper_] += fee - protocol;
        accountPay[keeper_] += fee - protocol;
        uint256 epoch = court.pool().currentEpoch();
        if (accountOpen[keeper_] && accountEpoch[keeper_] != epoch) accountProtocol[keeper_] = 0; // settled with that work
        (accountOpen[keeper_], accountEpoch[keeper_]) = (true, epoch);
        accountProtocol[keeper_] += protocol;
        resultFees[info.t.requester] += fee;
        _close(id);
    }

    function _close(uint256 id) internal {
        Info storage info = _info[id];
        if (info.closed) ++doublePays;
        info.closed = true;
        liveFees -= info.t.fee;
        liveFeesOf[info.t.requester] -= info.t.fee;
    }

    /// @dev Fills `ids` with finalizable tasks from `seed` on (cyclically); returns how many.
    function _finalizables(uint256 seed, uint256[] memory ids) internal view returns (uint256 got) {
        uint256 n = _ids.length;
        for (uint256 i; i < n && got < ids.length; ++i) {
            uint256 id = _ids[(seed % n + i) % n];
            if (_finalizable(id)) ids[got++] = id;
        }
    }

    function _one(uint256 id) internal view returns (uint256[] memory ids, ITaskMarketTypes.Task[] memory tasks) {
        ids = new uint256[](1);
        tasks = new ITaskMarketTypes.Task[](1);
        ids[0] = id;
        tasks[0] = _info[id].t;
    }

    /// @dev The first task from `seed` on (cyclically) that `ok` accepts.
    function _pick(uint256 seed, function(uint256) internal view returns (bool) ok)
        internal
        view
        returns (bool, uint256)
    {
        uint256 n = _ids.length;
        for (uint256 i; i < n; ++i) {
            uint256 id = _ids[(seed % n + i) % n];
            if (ok(id)) return (true, id);
        }
        return (false, 0);
    }

    function _is(uint256 id, ITaskMarketTypes.TaskStatus s) internal view returns (bool) {
        return !_info[id].closed && _info[id].status == s;
    }

    function _claimable(uint256 id) internal view returns (bool) {
        return _is(id, ITaskMarketTypes.TaskStatus.Open) || _is(id, ITaskMarketTypes.TaskStatus.Claimed);
    }

    function _claimed(uint256 id) internal view returns (bool) {
        return _is(id, ITaskMarketTypes.TaskStatus.Claimed);
    }

    function _expirable(uint256 id) internal view returns (bool) {
        return _claimable(id) && block.timestamp > _info[id].t.deadline;
    }

    function _challengeable(uint256 id) internal view returns (bool) {
        return _is(id, ITaskMarketTypes.TaskStatus.Submitted)
            && block.timestamp < uint256(_info[id].t.since) + market.challengeWindow();
    }

    function _finalizable(uint256 id) internal view returns (bool) {
        return _is(id, ITaskMarketTypes.TaskStatus.Submitted)
            && block.timestamp >= uint256(_info[id].t.since) + market.challengeWindow();
    }

    function _challenged(uint256 id) internal view returns (bool) {
        return _is(id, ITaskMarketTypes.TaskStatus.Challenged);
    }

    function _voting(uint256 id) internal view returns (bool) {
        return _challenged(id) && court.disputeOf(id).phase == ITaskCourt.Phase.Voting;
    }

    function _closed(uint256 id) internal view returns (bool) {
        return _info[id].closed;
    }
}

/// @notice Invariants of the market, court and keeper registry together (DESIGN.md §12):
///         (a) every PAR they hold is owed to someone, (b) each task closes and pays out exactly
///         once, (c) honest requesters, keepers and jurors never lose, (d) supply stays under the cap.
contract TaskMarketInvariantTest {
    /// @dev The fuzzer's target shape (forge-std's StdInvariant.FuzzSelector).
    struct FuzzSelector {
        address addr;
        bytes4[] selectors;
    }

    address internal constant BURN = 0x000000000000000000000000000000000000dEaD;

    ParadigmToken internal token;
    KeeperRegistry internal keepers;
    EmissionPool internal pool;
    ITaskMarket internal market;
    TaskCourt internal court;
    TaskMarketHandler internal handler;

    function setUp() public {
        token = new ParadigmToken(address(this));
        ModelRegistry models = new ModelRegistry(address(this));
        models.approve(models.propose(_spec()));
        keepers = new KeeperRegistry(address(token), address(this), 0, 3600, 2000, 3600);
        // Pay reaches the pools' shares at once here, so the invariants can follow it exactly;
        // the reward stream has its own tests (test/keeper-registry.test.ts).
        keepers.setParameter("rewardStreamPeriod", 0);
        pool = new EmissionPool(address(token), address(this), 600);
        market = ITaskMarket(
            address(
                new TaskMarket(
                    address(token),
                    address(models),
                    address(keepers),
                    address(pool),
                    address(this),
                    address(new TaskMarketExtension(address(token), address(models), address(keepers), address(pool)))
                )
            )
        );
        court = new TaskCourt(address(token), address(keepers), address(pool), address(market), address(this));
        market.setCourt(address(court));
        keepers.grantRole(keepers.MARKET_ROLE(), address(market));
        keepers.grantRole(keepers.MARKET_ROLE(), address(court));
        pool.grantRole(pool.MARKET_ROLE(), address(market));
        pool.grantRole(pool.MARKET_ROLE(), address(court));
        handler = new TaskMarketHandler(token, keepers, market, court);
        token.setMinter(address(handler));
        court.grantRole(court.ARBITER_ROLE(), address(handler));
        handler.init();
    }

    /// @notice This contract stands in for the timelock, the registry's admin: its delay is above
    ///         any unbonding period (KeeperRegistry asks a timelock with code for its delay).
    function getMinDelay() external pure returns (uint256) {
        return type(uint256).max;
    }

    /// @notice Only the handler is fuzzed (when all test files run, the fuzzer knows every artifact
    ///         and would otherwise call the deployed contracts directly)...
    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /// @notice ...and only its actions (not `init`).
    function targetSelectors() public view returns (FuzzSelector[] memory targets) {
        bytes4[] memory selectors = new bytes4[](15);
        selectors[0] = TaskMarketHandler.post.selector;
        selectors[1] = TaskMarketHandler.claim.selector;
        selectors[2] = TaskMarketHandler.submit.selector;
        selectors[3] = TaskMarketHandler.challenge.selector;
        selectors[4] = TaskMarketHandler.vote.selector;
        selectors[5] = TaskMarketHandler.resolve.selector;
        selectors[6] = TaskMarketHandler.finalize.selector;
        selectors[7] = TaskMarketHandler.expire.selector;
        selectors[8] = TaskMarketHandler.stake.selector;
        selectors[9] = TaskMarketHandler.warp.selector;
        selectors[10] = TaskMarketHandler.replay.selector;
        selectors[11] = TaskMarketHandler.withdrawProtocolFees.selector;
        selectors[12] = TaskMarketHandler.flush.selector;
        selectors[13] = TaskMarketHandler.deposit.selector;
        selectors[14] = TaskMarketHandler.withdrawDeposit.selector;
        targets = new FuzzSelector[](1);
        targets[0] = FuzzSelector({addr: address(handler), selectors: selectors});
    }

    /// @notice (a) The market, court and registry hold exactly what they owe: live tasks' fees,
    ///         flushed protocol fees, keeper accounts' unflushed pay and protocol fees, stakes
    ///         (bonds included), unbonding stakes, unclaimed rewards and jurors' penalty pots; and
    ///         no PAR leaves the known addresses.
    /// hardhat-config: invariant.runs = 32
    /// hardhat-config: invariant.depth = 40
    /// hardhat-config: invariant.failOnRevert = true
    function invariant_heldEqualsOwed() public view {
        uint256 held =
            token.balanceOf(address(market)) + token.balanceOf(address(court)) + token.balanceOf(address(keepers));
        (uint256 accountPay, uint256 accountProtocol) = handler.unflushed();
        require(
            token.balanceOf(address(market))
                == handler.liveFees() + market.protocolFees() + accountPay + accountProtocol + handler.deposits(),
            "market held != owed"
        );
        uint256 deposited;
        for (uint256 i; i < handler.REQUESTERS(); ++i) {
            deposited += market.depositOf(handler.requester(i));
        }
        require(deposited == handler.deposits(), "deposits != booked");
        uint256 owed = handler.liveFees() + market.protocolFees() + accountPay + accountProtocol + handler.deposits()
            + keepers.owed() + handler.courtPots();
        require(held == owed, "held != owed");
        uint256 outside = token.balanceOf(address(this)) + token.balanceOf(BURN) + token.balanceOf(address(handler));
        for (uint256 i; i < handler.KEEPERS(); ++i) {
            outside += token.balanceOf(handler.keeper(i));
        }
        for (uint256 i; i < handler.REQUESTERS(); ++i) {
            outside += token.balanceOf(handler.requester(i));
        }
        require(held + outside == token.totalSupply(), "PAR went astray");
    }

    /// @notice (b) Every escrowed fee sits in exactly one place: live, a keeper's unflushed account
    ///         or its pool, protocol fees (in an account, accrued or withdrawn), or refunded; each
    ///         account holds what its keeper's tasks booked since its last flush, and flushes never
    ///         fail; a closed task reads `None` and never pays again; the emission pool's open
    ///         deferrals of each epoch are exactly the keeper accounts holding work of that epoch.
    /// hardhat-config: invariant.runs = 32
    /// hardhat-config: invariant.depth = 40
    /// hardhat-config: invariant.failOnRevert = true
    function invariant_eachTaskPaysOnce() public view {
        require(handler.doublePays() == 0, "a closed task paid again");
        require(handler.statusesMatch(), "status");
        require(handler.flushRefused() == 0, "flush refused");
        require(handler.accountsMatch(), "keeper account");
        uint256 paid = handler.paidToKeepers();
        uint256 flushed = handler.flushedPay();
        (uint256 accountPay, uint256 accountProtocol) = handler.unflushed();
        require(paid == accountPay + flushed, "pay neither in an account nor flushed");
        require(
            handler.escrowed()
                == handler.liveFees() + accountPay + flushed + accountProtocol + market.protocolFees()
                    + handler.protocolWithdrawn() + handler.refunded(),
            "fee buckets"
        );
        require(
            accountProtocol + market.protocolFees() + handler.protocolWithdrawn() == handler.protocolAccrued(),
            "protocol fees"
        );
        uint256 rewards = handler.keeperRewards();
        require(rewards <= flushed && rewards + 2 * handler.rewardOps() >= flushed, "pool rewards != pay flushed");
        _checkDeferrals();
    }

    /// @notice (c) Verdicts follow the truth; honest keepers (and jurors) are never slashed and
    ///         earn every fee they won (unflushed in their market account, or in their pool);
    ///         requesters lose only fees of tasks that got a result.
    /// hardhat-config: invariant.runs = 32
    /// hardhat-config: invariant.depth = 40
    /// hardhat-config: invariant.failOnRevert = true
    function invariant_honestPartiesNeverLose() public view {
        require(handler.badVerdicts() == 0, "verdict against the truth");
        require(handler.honestRefused() == 0, "honest action refused");
        for (uint256 i; i < handler.HONEST(); ++i) {
            address k = handler.keeper(i);
            require(keepers.stakeOf(k) == handler.ownStake(k), "honest stake slashed");
            require(keepers.unbondingOf(k) == handler.ownUnbonding(k), "honest unbonding slashed");
            require(token.balanceOf(k) >= handler.walletFloor(k), "honest wallet short");
            (uint256 unflushedPay,,,) = market.accountOf(k);
            uint256 got = unflushedPay + keepers.positionOf(k, k).rewards + handler.claimed(k);
            uint256 due = handler.earned(k);
            require(got <= due && got + 2 * handler.rewardOps() >= due, "honest keeper underpaid");
        }
        for (uint256 i; i < handler.REQUESTERS(); ++i) {
            address r = handler.requester(i);
            require(
                token.balanceOf(r) + market.depositOf(r) + handler.liveFeesOf(r) + handler.resultFees(r)
                    >= handler.minted(r),
                "requester lost a fee without a result"
            );
        }
    }

    /// @notice (d) Supply never exceeds the cap.
    /// hardhat-config: invariant.runs = 32
    /// hardhat-config: invariant.depth = 40
    /// hardhat-config: invariant.failOnRevert = true
    function invariant_supplyUnderCap() public view {
        require(token.totalSupply() <= token.cap(), "supply above cap");
        require(token.totalSupply() == handler.totalMinted(), "unexpected mint");
    }

    /// @notice A lying keeper challenged by an honest one: the honest jury rules for the
    ///         challenger, whose pool is paid the fee; the liar alone is slashed.
    function test_lyingKeeper_honestChallenger_wins() public {
        handler.post(0, 1, 1000); // 2 PAR fee
        handler.warp(30); // past the assign window: any keeper may claim
        handler.claim(0, 3, 2); // keeper 3 claims and lies
        require(market.statusOf(1) == ITaskMarketTypes.TaskStatus.Submitted, "submitted");
        uint256 liarStake = keepers.stakeOf(handler.keeper(3));
        handler.challenge(0, 0, 0, type(uint256).max); // honest keeper 0 challenges; all jurors vote the truth
        require(court.disputeOf(1).phase == ITaskCourt.Phase.Voting, "jury drawn");
        handler.resolve(0, type(uint256).max); // every juror reveals
        require(court.disputeOf(1).outcome == ITaskCourt.Outcome.Challenger, "challenger wins");
        address winner = handler.keeper(0);
        require(handler.earned(winner) == 2e8 - 2e8 * 500 / 10_000, "fee to the challenger");
        (uint256 pay, uint256 protocol,,) = market.accountOf(winner);
        require(pay == 2e8 - 2e8 * 500 / 10_000 && protocol == 2e8 * 500 / 10_000, "booked to its account");
        require(keepers.stakeOf(handler.keeper(3)) < liarStake, "liar slashed");
        _checkAll();
        handler.flush(1); // keeper 0 only
        (pay, protocol,,) = market.accountOf(winner);
        require(pay == 0 && protocol == 0, "account flushed");
        require(keepers.positionOf(winner, winner).rewards + 1 >= 2e8 - 2e8 * 500 / 10_000, "fee in its pool");
        require(market.protocolFees() == 2e8 * 500 / 10_000, "protocol fee flushed");
        _checkAll();
    }

    /// @notice An honest task finalized and not flushed: the pay and protocol fee wait in the
    ///         keeper's account (the market still holds them, owed), the work is deferred in the pool;
    ///         a flush (the keeper named twice) moves them once, and closes the deferral.
    function test_finalize_withoutFlush_paysOnFlush() public {
        handler.post(0, 2, 1000); // 3 PAR fee
        handler.warp(30);
        handler.claim(0, 0, 0); // honest keeper 0 claims and submits the truth
        require(market.statusOf(1) == ITaskMarketTypes.TaskStatus.Submitted, "submitted");
        handler.warp(599); // past the challenge window
        handler.finalize(0, 0);
        require(market.statusOf(1) == ITaskMarketTypes.TaskStatus.None, "finalized");
        address k = handler.keeper(0);
        (uint256 pay, uint256 protocol, uint64 epoch, uint256 credit) = market.accountOf(k);
        require(pay == 3e8 - 3e8 * 500 / 10_000 && protocol == 3e8 * 500 / 10_000 && credit == 100e4, "account");
        require(pool.deferredOf(epoch) == 1, "work deferred");
        require(keepers.positionOf(k, k).rewards == 0 && market.protocolFees() == 0, "nothing flushed yet");
        _checkAll();
        handler.flush(1 | 1 << 8); // keeper 0, twice
        (pay, protocol,, credit) = market.accountOf(k);
        require(pay == 0 && protocol == 0 && credit == 0, "account flushed");
        require(pool.deferredOf(epoch) == 0, "deferral settled");
        (uint256 units,) = pool.workOf(epoch, k);
        require(units == 100e4, "work credited to its epoch");
        require(market.protocolFees() == 3e8 * 500 / 10_000, "protocol fee flushed once");
        require(handler.flushRefused() == 0, "flush refused");
        _checkAll();
    }

    /// @notice A keeper's next task finalized in a later epoch, still unflushed: the market settles
    ///         the earlier work into its own epoch (closing that deferral) and defers the new work
    ///         in the current one; the pay of both waits in the account until the flush.
    function test_finalize_laterEpoch_settlesEarlierWork() public {
        address k = handler.keeper(0);
        handler.post(0, 1, 3000); // task 1, 2 PAR
        handler.post(1, 1, 3000); // task 2, 2 PAR
        handler.warp(30);
        handler.claim(0, 0, 0); // keeper 0 claims task 1 and submits the truth
        handler.warp(599);
        handler.finalize(0, 0);
        (uint256 pay,, uint64 first, uint256 credit) = market.accountOf(k);
        require(pay == 2e8 - 1e7 && credit == 100e4, "first task booked");
        handler.warp(599); // the pool's epochs are 600 s: a later epoch
        handler.claim(0, 0, 0); // keeper 0 claims task 2
        handler.warp(599);
        handler.finalize(0, 0);
        require(market.statusOf(2) == ITaskMarketTypes.TaskStatus.None, "second finalized");
        uint64 second;
        (pay,, second, credit) = market.accountOf(k);
        require(second > first && pay == 2 * (2e8 - 1e7) && credit == 100e4, "second task booked");
        (uint256 units,) = pool.workOf(first, k);
        require(units == 100e4 && pool.deferredOf(first) == 0, "earlier work settled in its epoch");
        require(pool.deferredOf(second) == 1, "new work deferred");
        _checkAll();
        handler.flush(1);
        (units,) = pool.workOf(second, k);
        require(units == 100e4 && pool.deferredOf(second) == 0, "flushed into its epoch");
        _checkAll();
    }

    /// @notice Submitter and challenger both lie while the dishonest jurors stay silent: the honest
    ///         jurors (or, without a majority, the larger jury and then the arbiter) rule `Neither`
    ///         and the requester gets its fee back.
    function test_bothLie_silentDishonestJurors_refundRequester() public {
        handler.post(0, 1, 1000);
        handler.warp(30);
        handler.claim(0, 4, 2); // keeper 4 lies
        handler.challenge(0, 5, 3, 0); // keeper 5 challenges with another lie; dishonest jurors stay silent
        require(market.statusOf(1) == ITaskMarketTypes.TaskStatus.Challenged, "challenged");
        for (uint256 i; i < 6 && court.disputeOf(1).phase != ITaskCourt.Phase.Resolved; ++i) {
            handler.resolve(0, 0); // no dishonest juror reveals; an escalated dispute goes to the arbiter
        }
        require(court.disputeOf(1).phase == ITaskCourt.Phase.Resolved, "resolved");
        require(court.disputeOf(1).outcome == ITaskCourt.Outcome.Neither, "both lied");
        require(handler.refunded() == 2e8, "requester refunded");
        _checkAll();
    }

    /// @dev Open deferrals of each epoch so far = keepers whose account holds unsettled work of
    ///      that epoch (none leaks, which would block `closeEpoch` forever; none is missing).
    function _checkDeferrals() internal view {
        uint256 n = handler.KEEPERS();
        uint64[] memory epochs = new uint64[](n);
        uint256 withWork;
        for (uint256 i; i < n; ++i) {
            (,, uint64 epoch, uint256 credit) = market.accountOf(handler.keeper(i));
            if (credit != 0) epochs[withWork++] = epoch;
        }
        for (uint64 e; e <= pool.currentEpoch(); ++e) {
            uint256 open;
            for (uint256 i; i < withWork; ++i) {
                if (epochs[i] == e) ++open;
            }
            require(pool.deferredOf(e) == open, "deferrals != accounts with work");
        }
    }

    function _checkAll() internal view {
        invariant_heldEqualsOwed();
        invariant_eachTaskPaysOnce();
        invariant_honestPartiesNeverLose();
        invariant_supplyUnderCap();
    }

    function _spec() internal pure returns (IModelRegistry.ModelSpec memory s) {
        s.modelHash = keccak256("model-1");
        s.uri = "npm:@paradigm/models/vad.onnx";
        s.computeUnits = 100;
        s.maxInputBytes = 4096;
        s.maxOutputBytes = 1024;
        s.outputDecimals = 4;
        s.tolerance = 2;
        int64[] memory shape = new int64[](2);
        (shape[0], shape[1]) = (1, -1);
        s.inputs = new IModelRegistry.TensorSpec[](1);
        s.inputs[0] = IModelRegistry.TensorSpec({name: "x", dtype: 1, shape: shape});
        s.outputs = new IModelRegistry.TensorSpec[](1);
        s.outputs[0] = IModelRegistry.TensorSpec({name: "y", dtype: 2, shape: shape});
    }
}
