// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IGoverned} from "./IGoverned.sol";
import {ITaskMarketTypes} from "./ITaskMarketTypes.sol";

/// @title The task court: disputes over challenged results
/// @notice `TaskMarket.challenge` opens a dispute here. Then:
///         1. `drawJury` (anyone, from the block after the challenge): `jurySize` distinct active
///            keepers serving the model, neither party, drawn by stake from blockhash(seedBlock);
///         2. jurors `commitVote(id, voteCommitment(id, round, vote, salt, juror))` within commitPeriod;
///         3. jurors `revealVote` within revealPeriod;
///         4. `resolve` (anyone) after the reveal period, or once every juror revealed: a side with
///            votes >= jurySize / 2 + 1 wins. Otherwise round 1 draws a larger jury (2 × jurySize + 1);
///            if that fails too, the dispute is escalated to ARBITER_ROLE (the timelock), which
///            `arbitrate`s: a documented trust assumption.
///         The loser is slashed (a lying submitter: max(bond, slashBps of its pool stake); a lying
///         challenger: its bond), split: `jurorShareBps` to majority jurors, `burnBps` to the burn
///         address, the rest to the winner. Minority and silent jurors are slashed `jurorPenalty`,
///         added to the majority jurors' share. Majority jurors are also credited the task's work
///         (CU × TaskLib.WORK_PER_CU) as jury duty. The winning result stands, and every other side
///         loses its bond; with `Neither`, every side is slashed and the requester is refunded.
/// @dev Governance parameters: "jurySize", "commitPeriod", "revealPeriod" (each at least
///      MIN_VOTE_PERIOD: docs/market.md, "Window sizes"), "slashBps", "jurorPenalty",
///      "jurorShareBps", "burnBps", "arbitrationPeriod".
interface ITaskCourt is IGoverned {
    /// @notice The verdict. A juror votes `Submitter` (1), `Challenger` (2), `Neither` (3) or, when
    ///         a rival joined, `Rival` (4). `None` on a resolved dispute: closed unarbitrated.
    enum Outcome {
        None,
        Submitter,
        Challenger,
        Neither,
        Rival
    }

    /// @notice Where a dispute stands.
    enum Phase {
        None,
        Drawing,
        Voting,
        Escalated,
        Resolved
    }

    /// @notice A dispute as the SDK reads it.
    struct DisputeView {
        Phase phase;
        uint8 round;
        address submitter;
        address challenger;
        bytes32 submitterResult;
        bytes32 challengerResult;
        uint96 submitterBond;
        uint96 challengerBond;
        uint64 seedBlock;
        uint40 commitEnd;
        uint40 revealEnd;
        uint8 votesSubmitter;
        uint8 votesChallenger;
        uint8 votesNeither;
        uint8 votesRival;
        uint96 pot;
        address[] jurors;
        Outcome outcome;
        address rival;
        bytes32 rivalResult;
        uint96 rivalBond;
        uint40 windowEnd;
        uint40 arbitrationEnd;
    }

    /// @notice A dispute opened for task `id`; the jury is drawn from blockhash(`seedBlock`).
    event DisputeOpened(uint256 indexed id, address indexed submitter, address indexed challenger, uint64 seedBlock);
    /// @notice The seed block of task `id`'s round became unusable (older than 256 blocks); new seed block.
    event JuryReseeded(uint256 indexed id, uint64 seedBlock);
    /// @notice The jury of `round` was drawn; commits until `commitEnd`, reveals until `revealEnd`.
    event JuryDrawn(uint256 indexed id, uint8 round, address[] jurors, uint40 commitEnd, uint40 revealEnd);
    /// @notice `juror` committed its vote.
    event VoteCommitted(uint256 indexed id, address indexed juror);
    /// @notice `juror` revealed `vote`.
    event VoteRevealed(uint256 indexed id, address indexed juror, Outcome vote);
    /// @notice Round `round` of task `id` reached no majority: a larger jury (`toArbiter` false) or the arbiter.
    event DisputeEscalated(uint256 indexed id, uint8 round, bool toArbiter);
    /// @notice A rival commitment for task `id` (`rivalCommitment`).
    event RivalCommitted(uint256 indexed id, bytes32 commitment);
    /// @notice `rival` joined the dispute of task `id` with `resultHash` (its canonical `output`
    ///         inline, or at `uri`), locking `bond`.
    event RivalJoined(uint256 indexed id, address indexed rival, bytes32 resultHash, uint256 bond, bytes output, string uri);
    /// @notice The submitter of task `id` lied on a canary (its answer was committed in advance: IAttestor):
    ///         slashed `slashed` without a jury, burned; the requester was refunded.
    event LieConvicted(uint256 indexed id, address indexed keeper, uint256 slashed);
    /// @notice `juror` was slashed `amount` for voting with the minority or not revealing.
    event JurorPenalized(uint256 indexed id, address indexed juror, uint256 amount);
    /// @notice The dispute of task `id` was decided. `slashed` is what the loser(s) lost,
    ///         `toWinner` / `toJurors` / `burned` its split.
    event DisputeResolved(
        uint256 indexed id, Outcome outcome, bool byArbiter, uint256 slashed, uint256 toWinner, uint256 toJurors, uint256 burned
    );

    /// @notice Only the market may open disputes.
    error NotMarket(address caller);
    /// @notice The dispute of task `id` is in `phase`; the call needs another.
    error WrongPhase(uint256 id, Phase phase);
    /// @notice The seed block is not mined yet (`seedBlock` >= current block).
    error SeedNotReady(uint256 id, uint64 seedBlock);
    /// @notice `caller` is not on the current jury of task `id`.
    error NotJuror(uint256 id, address caller);
    /// @notice The commit period ended at `endedAt`.
    error CommitPeriodOver(uint256 id, uint256 endedAt);
    /// @notice Reveals open after `commitEnd` and close at `revealEnd`.
    error NotRevealPeriod(uint256 id, uint256 commitEnd, uint256 revealEnd);
    /// @notice `juror` already committed (or revealed).
    error AlreadyVoted(uint256 id, address juror);
    /// @notice The revealed vote and salt do not match the commitment (or the vote is out of range).
    error BadReveal(uint256 id, address juror);
    /// @notice Voting has not ended (reveals until `revealEnd`, unless every juror revealed).
    error VotingNotOver(uint256 id, uint256 revealEnd);
    /// @notice The arbiter's outcome must be Submitter, Challenger, Neither, or Rival when a rival joined.
    error InvalidOutcome();
    /// @notice A rival may join only until `closedAt` (challengeWindow after the challenge).
    error RivalWindowClosed(uint256 id, uint256 closedAt);
    /// @notice The jury is drawn from `closesAt` (challengeWindow after the challenge): until then a rival may join.
    error RivalWindowOpen(uint256 id, uint256 closesAt);
    /// @notice `rival` already joined the dispute of task `id`.
    error RivalTaken(uint256 id, address rival);
    /// @notice A rival's result must be nonzero, differ from both sides' and match its output; it may not be a party.
    error InvalidRival(uint256 id);
    /// @notice `rival` must `commitRival` in an earlier block.
    error RivalNotCommitted(uint256 id, address rival);
    /// @notice `rival` is not an active keeper.
    error RivalNotEligible(uint256 id, address rival);
    /// @notice Only the attestor convicts canary lies; `caller` is not it.
    error NotAttestor(address caller);
    /// @notice The arbiter may still decide until `arbitrationEnd`.
    error ArbitrationPending(uint256 id, uint256 arbitrationEnd);

    /// @notice Opens the dispute of task `id`. Only the market, from `challenge`.
    function open(
        uint256 id,
        ITaskMarketTypes.Task calldata task,
        address challenger,
        bytes32 challengerResult,
        uint96 challengerBond
    ) external;

    /// @notice Commits to joining the dispute of task `id` as its rival: `commitment` =
    ///         rivalCommitment(id, resultHash, rival), in a block before `joinAsRival`, so that a
    ///         copycat who sees the join cannot take it. The first commitment of a value stands. Anyone.
    function commitRival(uint256 id, bytes32 commitment) external;

    /// @notice Joins the dispute of task `id` as its one rival, with a third result: an active keeper,
    ///         not a party, within challengeWindow of the challenge (`windowEnd`), before the jury is drawn. Locks
    ///         max(the task's bond, the market's challengeBond) of its stake. If the jury rules
    ///         `Rival`, its result stands and it is paid as the winner; otherwise it loses the bond.
    /// @param output the canonical output, hashing to `resultHash` (or empty, with `uri`)
    function joinAsRival(uint256 id, bytes32 resultHash, bytes calldata output, string calldata uri) external;

    /// @notice Draws the current round's jury. Anyone, once the seed block is mined and the rival
    ///         window has closed (`windowEnd`, challengeWindow after the challenge). If the seed block
    ///         is older than 256 blocks a new seed block is set (`JuryReseeded`) and nothing is drawn.
    ///         If fewer than a majority of seats can be filled, the round fails (as in `resolve`).
    function drawJury(uint256 id) external;

    /// @notice Commits the caller's vote: `voteCommitment(id, round, vote, salt, msg.sender)`.
    function commitVote(uint256 id, bytes32 commitment) external;

    /// @notice Reveals the caller's vote (1 Submitter, 2 Challenger, 3 Neither, 4 Rival) and salt.
    function revealVote(uint256 id, Outcome vote, bytes32 salt) external;

    /// @notice Tallies the current round. A majority decides and settles the task (the winning output
    ///         is required when the task has a callback); no majority escalates. Anyone.
    /// @param task the task as stored (status Challenged)
    /// @param output the winning side's canonical output (hash-checked), needed only for callbacks
    function resolve(uint256 id, ITaskMarketTypes.Task calldata task, bytes calldata output) external;

    /// @notice Decides an escalated dispute. Only ARBITER_ROLE (the timelock: its delay applies).
    function arbitrate(uint256 id, ITaskMarketTypes.Task calldata task, Outcome outcome, bytes calldata output) external;

    /// @notice Convicts the submitter of task `id` (Submitted, not in a dispute) of a lie proven by a
    ///         canary's answer committed before the result (the attestor checked it): slashes it as a
    ///         lying submitter (max(bond, slashBps of stake + unbonding)) to the burn address and
    ///         refunds the requester, without a jury. Only the attestor (the keeper registry's `attestor`).
    function convict(uint256 id, ITaskMarketTypes.Task calldata task) external;

    /// @notice Closes an escalated dispute that the arbiter left undecided past `arbitrationEnd`.
    ///         Anyone. No side is slashed and every bond is released, the requester is refunded,
    ///         and silent jurors' penalties are burned. Emits DisputeResolved with outcome None.
    function closeEscalated(uint256 id, ITaskMarketTypes.Task calldata task) external;

    /// @notice Sets governance parameter `name` within its bounds. Only DEFAULT_ADMIN_ROLE (the timelock).
    function setParameter(bytes32 name, uint256 value) external;

    /// @notice keccak256(abi.encode(id, round, vote, salt, juror)): what a juror commits.
    function voteCommitment(uint256 id, uint8 round, Outcome vote, bytes32 salt, address juror)
        external
        pure
        returns (bytes32);
    /// @notice keccak256(abi.encode(id, resultHash, rival)): what a rival commits.
    function rivalCommitment(uint256 id, bytes32 resultHash, address rival) external pure returns (bytes32);
    /// @notice The dispute of task `id`.
    function disputeOf(uint256 id) external view returns (DisputeView memory);
    /// @notice Whether `juror` sits on the current jury of task `id`.
    function isJuror(uint256 id, address juror) external view returns (bool);

    function jurySize() external view returns (uint256);
    function commitPeriod() external view returns (uint256);
    function revealPeriod() external view returns (uint256);
    function slashBps() external view returns (uint256);
    function jurorPenalty() external view returns (uint256);
    function jurorShareBps() external view returns (uint256);
    function burnBps() external view returns (uint256);
    function arbitrationPeriod() external view returns (uint256);
    /// @notice The shortest commit and reveal periods governance may set, in seconds: longer than a
    ///         juror needs to act (docs/market.md, "Window sizes").
    function MIN_VOTE_PERIOD() external view returns (uint256);
    /// @notice Where burned PAR goes (PAR has no public burn): 0x000000000000000000000000000000000000dEaD.
    function BURN_ADDRESS() external view returns (address);
    /// @notice The role that decides escalated disputes (granted to the timelock).
    function ARBITER_ROLE() external view returns (bytes32);
    function market() external view returns (address);

}
