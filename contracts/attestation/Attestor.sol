// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";

import {IAttestor} from "../interfaces/IAttestor.sol";
import {IKeeperRegistry} from "../interfaces/IKeeperRegistry.sol";
import {ITaskCourt} from "../interfaces/ITaskCourt.sol";
import {ITaskMarketTypes} from "../interfaces/ITaskMarketTypes.sol";

/// @title The attestor: benchmarks that activate keepers, canaries that catch liars
/// @notice See IAttestor and docs/market.md ("Attestation"). The keeper registry names it as its
///         attestor (`setAttestor`), which lets it attest keepers and have the court convict.
contract Attestor is IAttestor, AccessControl {
    /// @inheritdoc IAttestor
    bytes32 public constant CANARY_ROLE = keccak256("CANARY_ROLE");
    /// @inheritdoc IAttestor
    uint256 public constant MAX_DECLARED_SECONDS = 1 hours;

    IKeeperRegistry public immutable keepers;
    ITaskCourt public immutable court;

    struct Request {
        uint32 modelId;
        uint32 declaredSeconds;
    }

    struct Benchmark {
        address keeper;
        uint40 deadline;
        bool answered;
        bytes32 commitment;
        bytes32 answer;
    }

    mapping(address keeper => Request) internal _requests;
    mapping(uint256 id => Benchmark) internal _benchmarks;
    mapping(bytes32 key => uint256 committedAt) internal _canaries;
    uint256 internal _lastBenchmark;

    constructor(address keepers_, address court_, address timelock) {
        keepers = IKeeperRegistry(keepers_);
        court = ITaskCourt(court_);
        _grantRole(DEFAULT_ADMIN_ROLE, timelock);
        _grantRole(DEFAULT_ADMIN_ROLE, msg.sender); // to appoint the canary service; renounced at deployment
    }

    // ------------------------------------------------------------------ benchmarks

    /// @inheritdoc IAttestor
    function requestBenchmark(uint32 modelId, uint32 declaredSeconds) external {
        if (!keepers.isRegistered(msg.sender)) revert NotRegistered(msg.sender);
        if (keepers.isAttested(msg.sender)) revert AlreadyAttested(msg.sender);
        if (!keepers.serves(msg.sender, modelId)) revert ModelNotServed(msg.sender, modelId);
        if (declaredSeconds == 0 || declaredSeconds > MAX_DECLARED_SECONDS) {
            revert InvalidDeclaredTime(declaredSeconds, MAX_DECLARED_SECONDS);
        }
        _requests[msg.sender] = Request(modelId, declaredSeconds);
        emit BenchmarkRequested(msg.sender, modelId, declaredSeconds);
    }

    /// @inheritdoc IAttestor
    function issueBenchmark(address keeper, bytes calldata input, bytes32 commitment)
        external
        onlyRole(CANARY_ROLE)
        returns (uint256 id)
    {
        Request memory r = _requests[keeper];
        if (r.declaredSeconds == 0) revert NoRequest(keeper);
        delete _requests[keeper];
        id = ++_lastBenchmark;
        uint40 deadline = uint40(block.timestamp + r.declaredSeconds);
        _benchmarks[id] = Benchmark({keeper: keeper, deadline: deadline, answered: false, commitment: commitment, answer: 0});
        emit BenchmarkIssued(id, keeper, r.modelId, deadline, input);
    }

    /// @inheritdoc IAttestor
    function answerBenchmark(uint256 id, bytes32 resultHash) external {
        Benchmark storage b = _benchmarks[id];
        if (b.keeper == address(0)) revert UnknownBenchmark(id);
        if (msg.sender != b.keeper) revert NotYourBenchmark(id, b.keeper);
        if (block.timestamp > b.deadline) revert BenchmarkClosed(id, b.deadline);
        if (b.answered) revert AlreadyAnswered(id);
        (b.answered, b.answer) = (true, resultHash);
        emit BenchmarkAnswered(id, msg.sender, resultHash);
    }

    /// @inheritdoc IAttestor
    function judgeBenchmark(uint256 id, bytes32 answerHash, bytes32 salt) external onlyRole(CANARY_ROLE) {
        Benchmark memory b = _benchmarks[id];
        if (b.keeper == address(0)) revert UnknownBenchmark(id);
        if (!b.answered && block.timestamp <= b.deadline) revert BenchmarkPending(id, b.deadline);
        if (keccak256(abi.encode(b.keeper, answerHash, salt)) != b.commitment) revert BadAnswerReveal();
        delete _benchmarks[id];
        bool passed = b.answered && b.answer == answerHash;
        emit BenchmarkJudged(id, b.keeper, answerHash, passed);
        if (passed) keepers.attest(b.keeper);
    }

    // ------------------------------------------------------------------ canaries

    /// @inheritdoc IAttestor
    function commitCanary(bytes32 key) external onlyRole(CANARY_ROLE) {
        if (_canaries[key] == 0) _canaries[key] = block.timestamp;
    }

    /// @inheritdoc IAttestor
    function convict(uint256 taskId, ITaskMarketTypes.Task calldata task, bytes32 answerHash, bytes32 salt) external {
        if (msg.sender != task.requester) revert NotRequester(taskId, task.requester);
        uint256 committedAt = _canaries[keccak256(abi.encode(taskId, answerHash, salt))];
        if (committedAt == 0) revert UnknownCanary(taskId);
        if (committedAt >= task.since) revert CanaryTooLate(taskId, committedAt, task.since);
        if (task.resultHash == answerHash) revert NoLie(taskId);
        emit CanaryConvicted(taskId, task.keeper, answerHash);
        court.convict(taskId, task); // checks the task against the market's record (Submitted, no dispute)
    }

    /// @inheritdoc IAttestor
    function canaryCommittedAt(bytes32 key) external view returns (uint256) {
        return _canaries[key];
    }
}
