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
///         expiries, stake moves and time jumps, and with an attacker's moves: stake moved at any
///         moment (inside or right after a seed block), sybil keepers and jurors acting as one,
///         self-dealing posts, unbonding during disputes and delegation around a flush. It talks to
///         the contracts only through their external API and keeps ghost books of what each party
///         is owed.
/// @dev Actors: keepers 0..2 are honest and diligent (they submit the truth at once when they
///      claim, challenge only lies, and as jurors commit and reveal the truth). One adversarial
///      entity controls keepers 3..7, delegators 0..2 and requester 3. Its keepers may lie, stall,
///      grief with false challenges and move stake at any moment; as jurors they vote as one bloc,
///      silent or wrong, while the wrong votes of a round stay at most half its seats (exactly half
///      is a tie; a majority of colluding jurors is the documented trust bound, not modelled). Its
///      requester posts paid tasks hoping its own keeper is drawn. Its delegators move stake in its
///      pools at any moment, and join any pool (honest ones too) only around a flush, leaving in
///      the same second. The arbiter (this handler, holding ARBITER_ROLE like the timelock) rules
///      truthfully.
contract TaskMarketHandler {
    ParadigmToken public immutable token;
    KeeperRegistry public immutable keepers;
    ITaskMarket public immutable market;
    TaskCourt public immutable court;

    uint32 public constant MODEL = 1;
    uint256 public constant KEEPERS = 8;
    uint256 public constant HONEST = 3;
    /// @notice Requesters 0..2 are honest; requester 3 is the entity's.
    uint256 public constant REQUESTERS = 4;
    uint256 public constant DELEGATORS = 3;
    uint256 internal constant START_STAKE = 1000e8;
    /// @dev Draws per seed block that the snapshot check compares before and after a stake move.
    uint256 internal constant PROBES = 4;

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

    /// @notice What the parties to a dispute hold right before its verdict (backing: stake +
    ///         unbonding stake, all slashable).
    struct Parties {
        uint256 submitterBacking;
        uint256 challengerBacking;
        uint256 submitterWallet;
        uint256 challengerWallet;
        uint256 submitterBond;
        uint256 challengerBond;
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
    /// @notice Rounds decided without a majority of their seats, e.g. on a tie (must stay 0).
    uint256 public decidedWithoutMajority;
    /// @notice Verdicts whose slash was not sized on the loser's stake + unbonding stake at the
    ///         verdict, or whose winner was not paid its share of it (must stay 0).
    uint256 public slashMissized;
    /// @notice Honest keepers' submits or juror votes that were refused (must stay 0).
    uint256 public honestRefused;
    /// @notice Flushes that reverted (must stay 0: anyone may flush any keepers, at any time).
    uint256 public flushRefused;
    /// @notice Stake moves that changed a draw already fixed by its seed block (must stay 0).
    uint256 public drawMoved;
    /// @notice Draws fixed by a seed block that a stake move was checked against.
    uint256 public drawChecks;
    /// @notice Rewards or stake a delegator took from a pool it joined just before its flush and
    ///         left in the same second (must stay 0).
    uint256 public jitCaptured;
    /// @notice Lies that nobody challenged and that finalized (the optimistic path; informational).
    uint256 public liesStood;
    /// @notice Disputes closed by a verdict or by the arbiter.
    uint256 public verdicts;
    uint256 public arbitrated;
    /// @notice Operations that may round a base unit of pool rewards or stake away (rewards, share
    ///         moves, claims).
    uint256 public rewardOps;
    /// @notice Pool rewards claimed, by operators and delegators.
    uint256 public claimedAll;
    /// @notice When a flush last paid any pool: every reward stream is over `rewardStreamPeriod` later.
    uint256 public lastRewardedAt;
    /// @notice The entity's income from others: pay of honest requesters' tasks its keepers won.
    uint256 public entityIncome;
    /// @notice The least self-dealing cost the entity: per task of its requester closed with a
    ///         result, the protocol fee (its own keeper won) or the whole fee (an honest one did).
    uint256 public selfDealtLoss;

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
    /// @notice Per keeper: when a flush last paid its pool.
    mapping(address => uint256) public rewardedAt;
    /// @notice Per keeper: bit j is set once delegator j joined its pool.
    mapping(address => uint256) public delegatorsOf;
    /// @notice Per keeper: rewards it claimed from its own pool.
    mapping(address => uint256) public claimed;
    /// @notice Per honest keeper: its pool's stake and unbonding stake, re-read after the moves its
    ///         own pool makes (its operator's, a late delegator's), so any other change is a slash.
    mapping(address => uint256) public poolStake;
    mapping(address => uint256) public poolUnbonding;
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
            if (isHonest(k)) walletFloor[k] = 0;
            _syncHonest(k);
        }
        for (uint256 i; i < DELEGATORS; ++i) {
            vm.prank(delegator(i));
            token.approve(address(keepers), type(uint256).max);
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

    function delegator(uint256 seed) public pure returns (address) {
        return address(uint160(0xD000 + seed % DELEGATORS));
    }

    function isHonest(address k) public pure returns (bool) {
        return uint160(k) >= 0xA000 && uint160(k) < 0xA000 + HONEST;
    }

    /// @notice Whether `a` belongs to the adversarial entity: keepers 3..7, the delegators and
    ///         requester 3.
    function isEntity(address a) public pure returns (bool) {
        uint160 x = uint160(a);
        return (x >= 0xA000 + HONEST && x < 0xA000 + KEEPERS) || (x >= 0xD000 && x < 0xD000 + DELEGATORS)
            || x == 0xB000 + REQUESTERS - 1;
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

    /// @notice A requester posts a plain task or a lot of 2 or 3 inputs. The entity's requester
    ///         always pays a fee: it self-deals, hoping its own keeper is drawn.
    function post(uint256 who, uint256 feeSeed, uint256 life) external {
        _tick();
        address r = requester(who);
        uint96 fee = feeSeed % 5 == 0 && !isEntity(r) ? 0 : uint96(1e8 * (1 + feeSeed % 10));
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

    /// @notice Challenges a submitted result inside its window. The jury is drawn at once, or (by
    ///         `outSeed`'s bit 8) left for a later `resolve`, so that stake can move between the
    ///         dispute's seed block and its draw.
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
        if ((outSeed >> 8) & 1 != 0) return;
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
        _flush(mask);
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

    /// @notice Moves a dispute on, by its phase: draws its jury (one left for later, round 0 after a
    ///         reseed, or the larger round-1 jury); resolves it (moving time into the reveal period,
    ///         letting the entity's jurors reveal or stay silent as `reveals` says, and waiting out
    ///         the reveal period unless all revealed); or, once escalated, has the arbiter rule
    ///         truthfully. With `seed`'s bit 8 the parties push it through up to four such steps,
    ///         to its end. Every verdict's slash is checked (`_checkSlash`).
    function resolve(uint256 seed, uint256 reveals) external {
        _tick();
        (bool found, uint256 id) = _pick(seed, _challenged);
        if (!found) return;
        uint256 steps = (seed >> 8) & 1 != 0 ? 4 : 1;
        for (uint256 i; i < steps && _challenged(id); ++i) {
            _moveOn(id, reveals);
        }
    }

    // ------------------------------------------------------------------ stake and time

    /// @notice A keeper moves its own stake at any moment, also right after a task's or a dispute's
    ///         seed block or inside it (`op`'s bit 8: one block on instead of two): it adds stake,
    ///         requests an unbond, withdraws matured unbonding stake or claims its pool rewards.
    ///         No move may change a draw that a seed block already fixed.
    function stake(uint256 who, uint256 op, uint256 amount) external {
        _step(op >> 8);
        address k = keeper(who);
        (bytes32 draws, uint256 count) = _pendingDraws();
        if (op % 4 == 0) _addStake(k, amount);
        else if (op % 4 == 1) _requestUnbond(k, amount, false);
        else if (op % 4 == 2) _withdraw(k, k);
        else _claimRewards(k, k);
        _checkDraws(draws, count);
    }

    /// @notice A delegator of the entity moves stake at any moment, also inside or right after a
    ///         seed block (`op`'s bit 8): it delegates to or undelegates from one of the entity's
    ///         pools, or withdraws or claims from any pool. No move may change a draw that a seed
    ///         block already fixed.
    function delegation(uint256 who, uint256 pool, uint256 op, uint256 amount) external {
        _step(op >> 8);
        address d = delegator(who);
        address k = keeper(HONEST + pool % (KEEPERS - HONEST));
        (bytes32 draws, uint256 count) = _pendingDraws();
        if (op % 4 == 0) {
            amount = 1 + amount % 500e8;
            _mint(d, amount);
            vm.prank(d);
            try keepers.delegate(k, amount) {
                ++rewardOps;
                delegatorsOf[k] |= 1 << who % DELEGATORS;
            } catch {}
        } else if (op % 4 == 1) {
            uint256 held = keepers.positionOf(k, d).stake;
            if (held != 0) {
                vm.prank(d);
                try keepers.undelegate(k, 1 + amount % held) {
                    ++rewardOps;
                } catch {}
            }
        } else if (op % 4 == 2) {
            _withdraw(keeper(pool), d);
        } else {
            _claimRewards(keeper(pool), d);
        }
        _checkDraws(draws, count);
    }

    /// @notice Delegation around a flush: a delegator of the entity with no shares in the pool of
    ///         a keeper (honest or not) whose account holds unflushed pay joins it, anyone flushes
    ///         that keeper (and the others `mask` picks), and the delegator undelegates all of it in
    ///         the same second. Pay earned before it joined streams to the pool's shares over
    ///         `rewardStreamPeriod`, so it must get none of it and take no stake from the pool
    ///         (`jitCaptured`). Leaving must not fail.
    function delegateAroundFlush(uint256 who, uint256 pool, uint256 amount, uint256 mask) external {
        _tick();
        uint256 index = KEEPERS;
        for (uint256 i; i < KEEPERS && index == KEEPERS; ++i) {
            if (accountPay[keeper(pool % KEEPERS + i)] != 0) index = (pool % KEEPERS + i) % KEEPERS;
        }
        if (index == KEEPERS) return;
        address k = keeper(index);
        address d;
        for (uint256 j; j < DELEGATORS && d == address(0); ++j) {
            address c = delegator(who % DELEGATORS + j);
            if (keepers.positionOf(k, c).shares == 0) d = c;
        }
        if (d == address(0)) return;
        amount = 1e8 + amount % 10_000e8;
        _mint(d, amount);
        uint256 stakeBefore = keepers.stakeOf(k);
        uint256 rewardsBefore = keepers.positionOf(k, d).rewards;
        vm.prank(d);
        keepers.delegate(k, amount);
        delegatorsOf[k] |= 1 << (uint160(d) - 0xD000);
        _flush(mask | 1 << index);
        uint256 value = keepers.positionOf(k, d).stake;
        vm.prank(d);
        keepers.undelegate(k, value);
        rewardOps += 2;
        uint256 stakeAfter = keepers.stakeOf(k);
        jitCaptured += keepers.positionOf(k, d).rewards - rewardsBefore;
        if (stakeAfter < stakeBefore) jitCaptured += stakeBefore - stakeAfter;
        _syncHonest(k);
    }

    /// @notice A party to an open dispute (its submitter or, by `party`'s bit 0, its challenger;
    ///         honest or not) requests an unbond after the challenge, of part or (bit 1) all of its
    ///         free stake, hoping to shrink its slash: the verdict must still size it on stake +
    ///         unbonding (`_checkSlash`).
    function unbondInDispute(uint256 seed, uint256 party, uint256 amount) external {
        _tick();
        (bool found, uint256 id) = _pick(seed, _challenged);
        if (!found) return;
        address k = party % 2 == 0 ? _info[id].t.keeper : _info[id].challenger;
        (bytes32 draws, uint256 count) = _pendingDraws();
        _requestUnbond(k, amount, (party >> 1) & 1 != 0);
        _checkDraws(draws, count);
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

    /// @notice PAR the court holds for open disputes: the juror penalties pot of each (a verdict
    ///         pays it out).
    function courtPots() external view returns (uint256 total) {
        for (uint256 i; i < _ids.length; ++i) {
            Info storage info = _info[_ids[i]];
            if (info.challenger != address(0) && !info.closed) total += court.disputeOf(_ids[i]).pot;
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

    /// @notice Σ over pools of their stake and unbonding stake, as the registry books them.
    function poolsStaked() external view returns (uint256 total) {
        for (uint256 i; i < KEEPERS; ++i) {
            address k = keeper(i);
            total += keepers.stakeOf(k) + keepers.unbondingOf(k);
        }
    }

    /// @notice Pool rewards that reached holders and are not claimed yet: Σ over pools of the
    ///         claimable rewards of their operator and of the delegators that joined them.
    function releasedRewards() external view returns (uint256 total) {
        for (uint256 i; i < KEEPERS; ++i) {
            address k = keeper(i);
            total += keepers.positionOf(k, k).rewards;
            for (uint256 j; j < DELEGATORS; ++j) {
                if ((delegatorsOf[k] >> j) & 1 != 0) total += keepers.positionOf(k, delegator(j)).rewards;
            }
        }
    }

    /// @notice All the entity holds, from public views: the wallets of its keepers, delegators and
    ///         requester; its requester's deposit and the fees of its live tasks (escrowed, refunded
    ///         if they get no result); its keepers' unflushed pay (every share of their pools is the
    ///         entity's, so a flush pays it to the entity); and its positions in the pools its keepers
    ///         run or its delegators joined (stake, unbonding stake and claimable rewards). Pay still
    ///         streaming and jurors' pots are left out: it errs low.
    function entityWealth() external view returns (uint256 total) {
        address r = requester(REQUESTERS - 1);
        total = token.balanceOf(r) + market.depositOf(r) + liveFeesOf[r];
        for (uint256 i; i < KEEPERS; ++i) {
            address k = keeper(i);
            if (isEntity(k)) {
                (uint256 pay,,,) = market.accountOf(k);
                total += token.balanceOf(k) + pay + _held(k, k);
            }
            for (uint256 j; j < DELEGATORS; ++j) {
                if ((delegatorsOf[k] >> j) & 1 != 0) total += _held(k, delegator(j));
            }
        }
        for (uint256 j; j < DELEGATORS; ++j) {
            total += token.balanceOf(delegator(j));
        }
    }

    /// @notice PAR minted to the entity's addresses.
    function entityMinted() external view returns (uint256 total) {
        total = minted[requester(REQUESTERS - 1)];
        for (uint256 i = HONEST; i < KEEPERS; ++i) {
            total += minted[keeper(i)];
        }
        for (uint256 j; j < DELEGATORS; ++j) {
            total += minted[delegator(j)];
        }
    }

    // ------------------------------------------------------------------ internals

    /// @dev Two blocks per action, so assignment and jury seeds are always readable.
    function _tick() internal {
        vm.roll(block.number + 2);
    }

    /// @dev Two blocks on, or one when `inSeedBlock`'s bit 0 is set: the block after a post or a
    ///      challenge is its seed block.
    function _step(uint256 inSeedBlock) internal {
        vm.roll(block.number + (inSeedBlock & 1 != 0 ? 1 : 2));
    }

    function _mint(address to, uint256 amount) internal {
        token.mint(to, amount);
        minted[to] += amount;
        totalMinted += amount;
        if (isHonest(to)) walletFloor[to] += amount;
    }

    function _addStake(address k, uint256 amount) internal {
        amount = 1 + amount % 500e8;
        _mint(k, amount);
        vm.prank(k);
        try keepers.addStake(amount) {
            ++rewardOps;
            if (isHonest(k)) walletFloor[k] -= amount;
            _syncHonest(k);
        } catch {}
    }

    function _requestUnbond(address k, uint256 amount, bool all) internal {
        uint256 free = keepers.freeStakeOf(k);
        if (free == 0) return;
        vm.prank(k);
        try keepers.requestUnbond(all ? free : 1 + amount % free) {
            ++rewardOps;
            _syncHonest(k);
        } catch {}
    }

    function _withdraw(address k, address account) internal {
        vm.prank(account);
        try keepers.withdraw(k) returns (uint256 out) {
            if (account == k && isHonest(k)) walletFloor[k] += out;
            _syncHonest(k);
        } catch {}
    }

    function _claimRewards(address k, address account) internal {
        vm.prank(account);
        try keepers.claimRewards(k) returns (uint256 out) {
            ++rewardOps;
            claimedAll += out;
            if (account != k) return;
            claimed[k] += out;
            if (isHonest(k)) walletFloor[k] += out;
        } catch {}
    }

    /// @dev After a move an honest keeper's pool made itself: its stake and unbonding stake as now.
    function _syncHonest(address k) internal {
        if (isHonest(k)) (poolStake[k], poolUnbonding[k]) = (keepers.stakeOf(k), keepers.unbondingOf(k));
    }

    /// @dev What `account` holds in `keeper_`'s pool: stake, unbonding stake, claimable rewards.
    function _held(address keeper_, address account) internal view returns (uint256) {
        KeeperRegistry.Position memory p = keepers.positionOf(keeper_, account);
        return p.stake + p.unbonding + p.rewards;
    }

    /// @dev A digest of every draw that a seed block at or before this one fixed: for each open
    ///      task, PROBES draws at its seed block (postBlock + 1) and, once that block's hash is
    ///      known, its assignee; for each dispute waiting for its jury, PROBES draws at its seed
    ///      block. Returns how many seed blocks it covers.
    function _pendingDraws() internal view returns (bytes32 digest, uint256 count) {
        for (uint256 i; i < _ids.length; ++i) {
            uint256 id = _ids[i];
            bool open = _is(id, ITaskMarketTypes.TaskStatus.Open);
            uint256 seedBlock = uint256(_info[id].t.postBlock) + 1;
            if (!open) {
                if (!_challenged(id)) continue;
                ITaskCourt.DisputeView memory d = court.disputeOf(id);
                if (d.phase != ITaskCourt.Phase.Drawing) continue;
                seedBlock = d.seedBlock;
            }
            if (seedBlock > block.number || seedBlock + 256 < block.number) continue;
            for (uint256 p; p < PROBES; ++p) {
                address drawn = keepers.draw(MODEL, uint256(keccak256(abi.encode(id, seedBlock, p))), seedBlock);
                digest = keccak256(abi.encode(digest, drawn));
            }
            if (open && seedBlock < block.number) {
                digest = keccak256(abi.encode(digest, market.assigneeOf(id, _info[id].t)));
            }
            ++count;
        }
    }

    /// @dev Counts a stake move that changed any draw `_pendingDraws` covered before it.
    function _checkDraws(bytes32 before, uint256 count) internal {
        (bytes32 digest,) = _pendingDraws();
        if (digest != before) ++drawMoved;
        drawChecks += count;
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

    /// @dev Draws the jury of `id`. Honest jurors commit the truth; the entity's jurors vote as one
    ///      bloc by `votes % 4`: 0 all silent; 1 and 2 cast `(votes >> 2) % (seats / 2 + 1)` wrong
    ///      votes for one wrong outcome (`votes`' bit 8 picks which), up to exactly half the seats,
    ///      then stay silent (1) or vote the truth (2); 3 each by its own seed (see `_vote`).
    function _draw(uint256 id, uint256 votes) internal {
        // the jury is drawn once a rival could no longer join (challengeWindow after the challenge)
        uint256 windowEnd = court.disputeOf(id).windowEnd;
        if (block.timestamp < windowEnd) vm.warp(windowEnd);
        try court.drawJury(id) {}
        catch {
            return;
        }
        ITaskCourt.DisputeView memory d = court.disputeOf(id);
        if (d.phase != ITaskCourt.Phase.Voting) return;
        uint256 plan = votes % 4;
        uint256 wrong = plan == 1 || plan == 2 ? (votes >> 2) % (d.jurors.length / 2 + 1) : 0;
        ITaskCourt.Outcome v = verdict(id);
        ITaskCourt.Outcome w = ITaskCourt.Outcome((uint8(v) + (votes >> 8) % 2) % 3 + 1);
        for (uint256 j; j < d.jurors.length; ++j) {
            address juror = d.jurors[j];
            if (isHonest(juror) || plan == 3) {
                _vote(id, d, juror, votes >> (16 + 3 * j));
            } else if (_wrongVotes[id][d.round] < wrong) {
                if (_commit(id, d.round, juror, w)) ++_wrongVotes[id][d.round];
            } else if (plan == 2) {
                _commit(id, d.round, juror, v);
            }
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

    function _votesFor(ITaskCourt.DisputeView memory d, ITaskCourt.Outcome outcome) internal pure returns (uint256) {
        if (outcome == ITaskCourt.Outcome.Submitter) return d.votesSubmitter;
        if (outcome == ITaskCourt.Outcome.Challenger) return d.votesChallenger;
        return d.votesNeither;
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

    /// @dev One step of `resolve` on dispute `id`.
    function _moveOn(uint256 id, uint256 reveals) internal {
        ITaskCourt.DisputeView memory d = court.disputeOf(id);
        if (d.phase == ITaskCourt.Phase.Drawing) {
            _draw(id, reveals);
            return;
        }
        if (d.phase == ITaskCourt.Phase.Escalated) {
            _arbitrate(id, d);
            return;
        }
        if (block.timestamp <= d.commitEnd) _advance(uint256(d.commitEnd) + 1);
        bool all = true;
        for (uint256 j; j < d.jurors.length; ++j) {
            if ((reveals >> (2 * j)) & 3 != 0) _reveal(id, d.round, d.jurors[j]);
            all = all && _ballots[id][d.round][d.jurors[j]].revealed;
        }
        if (!all) _advance(uint256(d.revealEnd) + 1);
        Parties memory before = _parties(id, d);
        try court.resolve(id, _info[id].t, "") {
            d = court.disputeOf(id);
            if (d.phase == ITaskCourt.Phase.Resolved) {
                if (_votesFor(d, d.outcome) <= d.jurors.length / 2) ++decidedWithoutMajority;
                _decided(id, d.outcome, before);
            } else if (d.phase == ITaskCourt.Phase.Drawing) {
                _tick();
                _draw(id, reveals >> 128); // no majority: the larger round-1 jury
            }
        } catch {}
    }

    /// @dev The arbiter rules an escalated dispute truthfully.
    function _arbitrate(uint256 id, ITaskCourt.DisputeView memory d) internal {
        ITaskCourt.Outcome v = verdict(id);
        Parties memory before = _parties(id, d);
        try court.arbitrate(id, _info[id].t, v, "") {
            ++arbitrated;
            _decided(id, v, before);
        } catch {}
    }

    function _parties(uint256 id, ITaskCourt.DisputeView memory d) internal view returns (Parties memory p) {
        (address s, address c) = (_info[id].t.keeper, _info[id].challenger);
        p.submitterBacking = keepers.stakeOf(s) + keepers.unbondingOf(s);
        p.challengerBacking = keepers.stakeOf(c) + keepers.unbondingOf(c);
        p.submitterWallet = token.balanceOf(s);
        p.challengerWallet = token.balanceOf(c);
        p.submitterBond = d.submitterBond;
        p.challengerBond = d.challengerBond;
    }

    /// @dev Books a dispute's end: the winner's account is booked the fee, or `Neither` refunds it.
    function _decided(uint256 id, ITaskCourt.Outcome outcome, Parties memory before) internal {
        Info storage info = _info[id];
        if (outcome != verdict(id)) ++badVerdicts;
        ++verdicts;
        _checkSlash(id, outcome, before);
        if (outcome == ITaskCourt.Outcome.Neither) {
            refunded += info.t.fee;
            _close(id);
            return;
        }
        address winner = outcome == ITaskCourt.Outcome.Submitter ? info.t.keeper : info.challenger;
        _paid(id, winner, market.protocolFeeBps());
    }

    /// @dev Counts a verdict whose loser was not slashed as docs/market.md sizes it on what backs it
    ///      right before the verdict (a lying submitter: max(bond, slashBps × (stake + unbonding)); a
    ///      lying challenger: its bond; both with `Neither`; each at most what it has), or whose
    ///      winner's wallet did not get the slash less the jurors' and burnt shares.
    function _checkSlash(uint256 id, ITaskCourt.Outcome outcome, Parties memory before) internal {
        Info storage info = _info[id];
        uint256 fromSubmitter;
        uint256 fromChallenger;
        if (outcome != ITaskCourt.Outcome.Submitter) {
            uint256 sized = before.submitterBacking * court.slashBps() / 10_000;
            fromSubmitter = _min(before.submitterBacking, sized > before.submitterBond ? sized : before.submitterBond);
        }
        if (outcome != ITaskCourt.Outcome.Challenger) {
            fromChallenger = _min(before.challengerBacking, before.challengerBond);
        }
        (address s, address c) = (info.t.keeper, info.challenger);
        if (
            keepers.stakeOf(s) + keepers.unbondingOf(s) + fromSubmitter != before.submitterBacking
                || keepers.stakeOf(c) + keepers.unbondingOf(c) + fromChallenger != before.challengerBacking
        ) ++slashMissized;
        if (outcome == ITaskCourt.Outcome.Neither) return;
        (address winner, uint256 slashed, uint256 wallet) = outcome == ITaskCourt.Outcome.Submitter
            ? (s, fromChallenger, before.submitterWallet)
            : (c, fromSubmitter, before.challengerWallet);
        uint256 toWinner = slashed - slashed * court.jurorShareBps() / 10_000 - slashed * court.burnBps() / 10_000;
        if (token.balanceOf(winner) != wallet + toWinner) ++slashMissized;
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
        address r = info.t.requester;
        if (isEntity(r)) selfDealtLoss += isEntity(keeper_) ? protocol : fee;
        else if (isEntity(keeper_)) entityIncome += fee - protocol;
        resultFees[r] += fee;
        _close(id);
    }

    function _close(uint256 id) internal {
        Info storage info = _info[id];
        if (info.closed) ++doublePays;
        info.closed = true;
        liveFees -= info.t.fee;
        liveFeesOf[info.t.requester] -= info.t.fee;
    }

    /// @dev Flushes the keepers `mask` picks (see `flush`) and books what moved.
    function _flush(uint256 mask) internal {
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
                if (pay != 0) {
                    ++rewardOps;
                    (rewardedAt[k], lastRewardedAt) = (block.timestamp, block.timestamp);
                }
                flushedPay += pay;
                (accountPay[k], accountProtocol[k], accountOpen[k]) = (0, 0, false);
            }
        } catch {
            ++flushRefused;
        }
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

    function _min(uint256 a, uint256 b) internal pure returns (uint256) {
        return a < b ? a : b;
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

/// @notice The market, court, keeper registry and emission pool wired as deployed (this contract
///         stands in for the timelock), one `TaskMarketHandler` to drive them, and the checks of
///         docs/design.md §12 and §13 on them: (a) every PAR they hold is owed to someone, (b) each task
///         closes and pays out exactly once, (c) honest requesters, keepers and jurors never lose,
///         (d) supply stays under the cap, (e) stake moved after a seed never moves its draw,
///         (f) self-dealing never gains.
abstract contract TaskMarketSystem {
    address internal constant BURN = 0x000000000000000000000000000000000000dEaD;
    /// @dev Pay streams to pools' shares over 10 minutes here (1 day by default): long enough that a
    ///      delegator joining around a flush could take pay it did not earn if the stream failed,
    ///      short enough that streams end within a run and the books can be checked exactly.
    uint256 internal constant REWARD_STREAM = 600;

    ParadigmToken internal token;
    KeeperRegistry internal keepers;
    EmissionPool internal pool;
    ITaskMarket internal market;
    TaskCourt internal court;
    TaskMarketHandler internal handler;

    function setUp() public virtual {
        token = new ParadigmToken(address(this));
        ModelRegistry models = new ModelRegistry(address(this));
        models.approve(models.propose(_spec()));
        keepers = new KeeperRegistry(address(token), address(this), 0, 3600, 2000, 3600);
        keepers.setParameter("rewardStreamPeriod", REWARD_STREAM);
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

    /// @dev (a) The market, court and registry hold exactly what they owe: live tasks' fees,
    ///      flushed protocol fees, keeper accounts' unflushed pay and protocol fees, deposits,
    ///      stakes (bonds included), unbonding stakes, pool rewards and jurors' penalty pots; and
    ///      no PAR leaves the known addresses.
    function _checkHeldEqualsOwed() internal view {
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
        for (uint256 i; i < handler.DELEGATORS(); ++i) {
            outside += token.balanceOf(handler.delegator(i));
        }
        require(held + outside == token.totalSupply(), "PAR went astray");
    }

    /// @dev (b) Every escrowed fee sits in exactly one place: live, a keeper's unflushed account
    ///      or its pool, protocol fees (in an account, accrued or withdrawn), or refunded; each
    ///      account holds what its keeper's tasks booked since its last flush, and flushes never
    ///      fail; pools owe exactly the pay flushed less the rewards claimed, and once the streams
    ///      are over all of it has reached holders, no more (± rounding); a closed task reads `None` and
    ///      never pays again; the emission pool's open deferrals of each epoch are exactly the
    ///      keeper accounts holding work of that epoch.
    function _checkEachTaskPaysOnce() internal view {
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
        uint256 rewardsOwed = keepers.owed() - handler.poolsStaked();
        require(rewardsOwed + handler.claimedAll() == flushed, "pool rewards != pay flushed less claims");
        if (block.timestamp >= handler.lastRewardedAt() + REWARD_STREAM) {
            uint256 released = handler.releasedRewards();
            require(released <= rewardsOwed, "rewards released above pay flushed");
            require(released + 2 * handler.rewardOps() >= rewardsOwed, "streamed pay not released");
        }
        _checkDeferrals();
    }

    /// @dev (c) Verdicts follow the truth and need a majority of their seats (a tie goes on);
    ///      every slash is sized on the loser's stake + unbonding stake and the winner gets its
    ///      share; honest keepers (and jurors) are never slashed and earn every fee they won
    ///      (unflushed in their market account, or in their pool: all of it once its stream is
    ///      over), and nobody joining their pool around a flush takes any of it; requesters lose
    ///      only fees of tasks that got a result.
    function _checkHonestPartiesNeverLose() internal view {
        require(handler.badVerdicts() == 0, "verdict against the truth");
        require(handler.decidedWithoutMajority() == 0, "decided without a majority");
        require(handler.slashMissized() == 0, "slash not sized on stake + unbonding, or winner short");
        require(handler.jitCaptured() == 0, "a delegator took pay earned before it joined");
        require(handler.honestRefused() == 0, "honest action refused");
        for (uint256 i; i < handler.HONEST(); ++i) {
            address k = handler.keeper(i);
            require(keepers.stakeOf(k) == handler.poolStake(k), "honest stake slashed");
            require(keepers.unbondingOf(k) == handler.poolUnbonding(k), "honest unbonding slashed");
            require(token.balanceOf(k) >= handler.walletFloor(k), "honest wallet short");
            (uint256 unflushedPay,,,) = market.accountOf(k);
            uint256 got = unflushedPay + keepers.positionOf(k, k).rewards + handler.claimed(k);
            uint256 due = handler.earned(k);
            require(got <= due, "honest keeper overpaid");
            if (block.timestamp >= handler.rewardedAt(k) + REWARD_STREAM) {
                require(got + 2 * handler.rewardOps() >= due, "honest keeper underpaid");
            }
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

    /// @dev (d) Supply never exceeds the cap, and only the test's mints exist.
    function _checkSupplyUnderCap() internal view {
        require(token.totalSupply() <= token.cap(), "supply above cap");
        require(token.totalSupply() == handler.totalMinted(), "unexpected mint");
    }

    /// @dev (e) No stake move, by a keeper or a delegator, inside or after a seed block, changed a
    ///      draw that block fixed (an open task's assignee, a pending jury).
    function _checkDrawFixedBySnapshot() internal view {
        require(handler.drawMoved() == 0, "a stake move changed a draw its seed block fixed");
    }

    /// @dev (f) The entity never gains from self-dealing: all it holds, plus what its requester's
    ///      tasks with a result cost it at least (the protocol fee when its keeper won, the fee
    ///      otherwise), stays within what was minted to it plus the pay it won from others' tasks
    ///      (± rounding of pool shares; emission is not minted in this harness).
    function _checkSelfDealingNeverGains() internal view {
        require(
            handler.entityWealth() + handler.selfDealtLoss()
                <= handler.entityMinted() + handler.entityIncome() + handler.rewardOps(),
            "self-dealing gained"
        );
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

/// @notice Invariants (a)..(f) of `TaskMarketSystem`, checked after every handler call. Each run
///         starts mid-flight (`_warmStart`), so that short runs reach the attacks.
contract TaskMarketInvariantTest is TaskMarketSystem {
    /// @dev The fuzzer's target shape (forge-std's StdInvariant.FuzzSelector).
    struct FuzzSelector {
        address addr;
        bytes4[] selectors;
    }

    function setUp() public override {
        super.setUp();
        _warmStart();
    }

    /// @notice Only the handler is fuzzed (when all test files run, the fuzzer knows every artifact
    ///         and would otherwise call the deployed contracts directly)...
    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /// @notice ...and only its actions (not `init`).
    function targetSelectors() public view returns (FuzzSelector[] memory targets) {
        bytes4[] memory selectors = new bytes4[](18);
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
        selectors[15] = TaskMarketHandler.delegation.selector;
        selectors[16] = TaskMarketHandler.delegateAroundFlush.selector;
        selectors[17] = TaskMarketHandler.unbondInDispute.selector;
        targets = new FuzzSelector[](1);
        targets[0] = FuzzSelector({addr: address(handler), selectors: selectors});
    }

    /// @notice (a) Every PAR the market, court and registry hold is owed to someone.
    /// hardhat-config: invariant.runs = 10000
    /// hardhat-config: invariant.depth = 8
    /// hardhat-config: invariant.failOnRevert = true
    function invariant_heldEqualsOwed() public view {
        _checkHeldEqualsOwed();
    }

    /// @notice (b) Each task closes and pays out exactly once, and its pay reaches its keeper's pool.
    /// hardhat-config: invariant.runs = 10000
    /// hardhat-config: invariant.depth = 8
    /// hardhat-config: invariant.failOnRevert = true
    function invariant_eachTaskPaysOnce() public view {
        _checkEachTaskPaysOnce();
    }

    /// @notice (c) Honest requesters, keepers and jurors never lose, whatever the entity does.
    /// hardhat-config: invariant.runs = 10000
    /// hardhat-config: invariant.depth = 8
    /// hardhat-config: invariant.failOnRevert = true
    function invariant_honestPartiesNeverLose() public view {
        _checkHonestPartiesNeverLose();
    }

    /// @notice (d) Supply never exceeds the cap.
    /// hardhat-config: invariant.runs = 10000
    /// hardhat-config: invariant.depth = 8
    /// hardhat-config: invariant.failOnRevert = true
    function invariant_supplyUnderCap() public view {
        _checkSupplyUnderCap();
    }

    /// @notice (e) Stake moved after a seed block never moves the draw that block fixed.
    /// hardhat-config: invariant.runs = 10000
    /// hardhat-config: invariant.depth = 8
    /// hardhat-config: invariant.failOnRevert = true
    function invariant_drawFixedBySnapshot() public view {
        _checkDrawFixedBySnapshot();
    }

    /// @notice (f) Self-dealing never nets the entity a gain.
    /// hardhat-config: invariant.runs = 10000
    /// hardhat-config: invariant.depth = 8
    /// hardhat-config: invariant.failOnRevert = true
    function invariant_selfDealingNeverGains() public view {
        _checkSelfDealingNeverGains();
    }

    /// @dev Two tasks left open inside their assign window (one self-dealt), a lie challenged by
    ///      an honest keeper whose jury is not drawn yet, and pay waiting unflushed in an honest and
    ///      an entity keeper's accounts.
    function _warmStart() internal {
        handler.post(0, 1, 3000); // task 1: 2 PAR
        handler.post(1, 2, 3000); // task 2: 3 PAR
        handler.post(2, 3, 3000); // task 3: 4 PAR
        handler.warp(30); // past the assign window: any keeper may claim
        handler.claim(0, 3, 2); // keeper 3 claims task 1 and lies
        handler.claim(1, 4, 1); // keeper 4 claims task 2 and submits the truth
        handler.claim(2, 1, 0); // honest keeper 1 claims task 3
        handler.challenge(0, 0, 1 << 8, 0); // honest keeper 0 challenges the lie; the jury is drawn later
        handler.warp(599); // past the challenge windows of tasks 2 and 3
        handler.finalize(1, 1); // tasks 2 and 3
        handler.post(3, 4, 3000); // task 4: the entity's requester, 5 PAR
        handler.post(0, 6, 3000); // task 5: 7 PAR
    }
}

/// @notice Scenarios of the same system, each an attack or a path the fuzzer rarely reaches, with
///         every check of `TaskMarketSystem` after it.
contract TaskMarketScenarioTest is TaskMarketSystem {
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
        require(market.protocolFees() == 2e8 * 500 / 10_000, "protocol fee flushed");
        handler.warp(599); // the pay has streamed to the pool's shares
        require(keepers.positionOf(winner, winner).rewards + 1 >= 2e8 - 2e8 * 500 / 10_000, "fee in its pool");
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

    /// @notice The entity moves stake right after a task's seed block and inside a dispute's seed
    ///         block, by its keepers and its delegators, while an honest keeper unbonds: the
    ///         assignee and the draws at both seed blocks stay as the snapshot fixed them, and the
    ///         assignee still claims inside its window.
    function test_stakeMovesAfterSeed_leaveDrawsUnchanged() public {
        handler.post(0, 1, 3000); // task 1; its seed block is the next one
        handler.stake(3, 0, 500e8 - 1); // two blocks on: keeper 3 adds 500 PAR
        handler.delegation(0, 1, 0, 900e8 - 1); // a delegator adds 900 PAR to keeper 4's pool
        handler.stake(0, 1, 600e8 - 1); // honest keeper 0 unbonds 600 PAR
        require(handler.drawChecks() == 3 && handler.drawMoved() == 0, "assignment fixed");
        handler.claim(0, 0, 1); // the assignee claims inside its window and submits the truth
        require(market.statusOf(1) == ITaskMarketTypes.TaskStatus.Submitted, "assignee claimed");
        handler.post(1, 1, 3000); // task 2
        handler.warp(30);
        handler.claim(1, 3, 2); // keeper 3 claims task 2 and lies
        handler.challenge(1, 1, 1 << 8, type(uint256).max); // honest keeper 1 challenges; no jury yet
        handler.stake(5, 1 << 8, 300e8 - 1); // inside the dispute's seed block: keeper 5 adds 300 PAR
        handler.delegation(1, 2, 1 << 8, 200e8 - 1); // the next block: a delegator adds 200 PAR to keeper 5
        handler.stake(6, 1, 999e8 - 1); // keeper 6 unbonds nearly all
        require(handler.drawChecks() >= 6 && handler.drawMoved() == 0, "jury draw fixed");
        handler.resolve(1, type(uint256).max); // the jury is drawn; every juror votes the truth
        handler.resolve(1, type(uint256).max);
        require(court.disputeOf(2).outcome == ITaskCourt.Outcome.Challenger, "liar loses");
        _checkAll();
    }

    /// @notice A delegator joins an honest keeper's pool with ten times its stake just before the
    ///         keeper's pay is flushed, and leaves in the same second: it gets none of that pay
    ///         (it streams to the pool's shares over `rewardStreamPeriod`), and once the stream is
    ///         over the keeper has all of it. (With `rewardStreamPeriod` = 0, which the registry
    ///         allows, the delegator would take 10/11 of it.)
    function test_lateDelegator_aroundFlush_capturesNothing() public {
        address k = handler.keeper(0);
        handler.post(0, 2, 1000); // 3 PAR
        handler.warp(30);
        handler.claim(0, 0, 0);
        handler.warp(599);
        handler.finalize(0, 0);
        handler.delegateAroundFlush(0, 0, 10_000e8 - 1e8, 0); // 10,000 PAR into keeper 0's pool
        require(keepers.unbondingOf(k) == 10_000e8, "delegator left");
        require(handler.jitCaptured() == 0, "late delegator took pay");
        require(keepers.positionOf(k, handler.delegator(0)).rewards == 0, "late delegator rewarded");
        handler.warp(599); // the stream is over
        require(keepers.positionOf(k, k).rewards + 1 >= 3e8 - 3e8 * 500 / 10_000, "keeper has all its pay");
        _checkAll();
    }

    /// @notice A four-seat jury where the entity casts two wrong votes and two for the truth: the
    ///         tie decides nothing, the dispute goes to the larger jury (where the entity stays
    ///         silent) and then to the arbiter, and the truth wins.
    function test_tiedJury_goesToLargerJury_thenTruth() public {
        court.setParameter("jurySize", 4);
        handler.post(0, 1, 1000);
        handler.warp(30);
        handler.claim(0, 3, 2); // keeper 3 lies
        // Only keepers 1 and 2 are honest and eligible, so the entity holds at least two seats: its
        // bloc (plan 2) votes wrong twice, then the truth.
        handler.challenge(0, 0, 0, 2 | 2 << 2);
        require(court.disputeOf(1).jurors.length == 4, "four seats");
        handler.resolve(0, (1 << 128) - 1); // every juror reveals: 2 against 2
        ITaskCourt.DisputeView memory d = court.disputeOf(1);
        require(d.round == 1 && d.phase != ITaskCourt.Phase.Resolved, "tie goes to the larger jury");
        for (uint256 i; i < 3 && court.disputeOf(1).phase != ITaskCourt.Phase.Resolved; ++i) {
            handler.resolve(0, (1 << 128) - 1);
        }
        require(court.disputeOf(1).outcome == ITaskCourt.Outcome.Challenger, "truth wins");
        require(handler.arbitrated() == 1, "by the arbiter");
        _checkAll();
    }

    /// @notice The entity's requester pays its own keeper for a task: once the pay is flushed and
    ///         streamed, the entity holds exactly the protocol fee less than it was minted.
    function test_selfDealing_losesTheProtocolFee() public {
        handler.post(3, 1, 1000); // the entity's requester, 2 PAR
        handler.warp(30);
        handler.claim(0, 4, 1); // its keeper 4 claims and submits the truth
        handler.warp(599);
        handler.finalize(0, 0);
        handler.flush(1 << 4);
        handler.warp(599);
        require(handler.selfDealtLoss() == 2e8 * 500 / 10_000, "protocol fee");
        require(handler.entityMinted() - handler.entityWealth() == 2e8 * 500 / 10_000, "entity lost the protocol fee");
        _checkAll();
    }

    /// @notice A lying submitter unbonds all its free stake right after the challenge: the slash is
    ///         still sized on its stake + unbonding stake, and the honest challenger gets its share.
    function test_unbondAfterChallenge_slashSizedOnStakeAndUnbonding() public {
        (address liar, address challenger) = (handler.keeper(3), handler.keeper(0));
        handler.post(0, 1, 1000); // 2 PAR: bond 20 PAR
        handler.warp(30);
        handler.claim(0, 3, 2);
        uint256 backing = keepers.stakeOf(liar);
        handler.challenge(0, 0, 0, type(uint256).max); // every juror votes the truth
        handler.unbondInDispute(0, 2, 0); // the submitter unbonds all its free stake
        require(keepers.stakeOf(liar) == 20e8 && keepers.unbondingOf(liar) == backing - 20e8, "unbonding");
        uint256 wallet = token.balanceOf(challenger);
        handler.resolve(0, type(uint256).max);
        require(court.disputeOf(1).outcome == ITaskCourt.Outcome.Challenger, "liar loses");
        uint256 slashed = backing * court.slashBps() / 10_000; // 100 PAR, above the bond
        require(keepers.stakeOf(liar) + keepers.unbondingOf(liar) == backing - slashed, "sized on stake + unbonding");
        require(token.balanceOf(challenger) == wallet + slashed * 7000 / 10_000, "challenger paid");
        _checkAll();
    }

    /// @notice Found by this fuzzer (fixed): a lying submitter unbonds all its free stake right
    ///         after the challenge, its dispute escalates (the entity's jurors stay silent), and it
    ///         tries to withdraw the unbonding stake before the arbiter rules (the timelock's delay
    ///         outlasts the unbonding period, so the period is over by then). Before the fix the
    ///         withdrawal went through and the slash shrank to its 20 PAR bond instead of 10% of the
    ///         1,000 PAR behind the lie. Now the registry holds the pool's unbonding stake while a
    ///         dispute over its result is open. The 3,600 s waited model the timelock's delay.
    function test_unbondAfterChallenge_withdrawHeldUntilVerdict_slashSizedOnBacking() public {
        address liar = handler.keeper(3);
        handler.post(0, 1, 1000); // 2 PAR: bond 20 PAR
        handler.warp(30);
        handler.claim(0, 3, 2);
        uint256 due = keepers.stakeOf(liar) * court.slashBps() / 10_000; // 100 PAR
        handler.challenge(0, 0, 0, 0); // honest keeper 0 challenges; the entity's jurors stay silent
        handler.unbondInDispute(0, 2, 0); // the liar unbonds all its free stake
        for (uint256 i; i < 3 && court.disputeOf(1).phase != ITaskCourt.Phase.Escalated; ++i) {
            handler.resolve(0, 0);
        }
        require(court.disputeOf(1).phase == ITaskCourt.Phase.Escalated, "escalated to the arbiter");
        for (uint256 i; i < 3; ++i) {
            handler.warp(1199); // the arbiter's (timelock's) delay outlasts the unbonding period
        }
        handler.stake(3, 2, 0); // the liar tries to withdraw its unbonding stake
        require(keepers.unbondingOf(liar) != 0, "the unbonding stake is held until the verdict");
        uint256 before = keepers.stakeOf(liar) + keepers.unbondingOf(liar);
        handler.resolve(0, 0); // the arbiter rules for the challenger
        require(court.disputeOf(1).outcome == ITaskCourt.Outcome.Challenger, "liar loses");
        require(
            before - keepers.stakeOf(liar) - keepers.unbondingOf(liar) >= due,
            "slash shrank: the liar withdrew its unbonding stake before the arbiter ruled"
        );
    }

    function _checkAll() internal view {
        _checkHeldEqualsOwed();
        _checkEachTaskPaysOnce();
        _checkHonestPartiesNeverLose();
        _checkSupplyUnderCap();
        _checkDrawFixedBySnapshot();
        _checkSelfDealingNeverGains();
    }
}
