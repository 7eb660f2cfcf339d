// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {EmissionPool} from "../emission/EmissionPool.sol";
import {ParadigmToken} from "../token/ParadigmToken.sol";
import {vm} from "./utils/Vm.sol";

// The handler lives beside its invariant test: Hardhat gives the fuzzer only the artifacts of the
// test files it runs, so a handler in another file is invisible when this file runs alone.

/// @notice Drives an EmissionPool with random work, proposals, closes, claims and time jumps for
///         the invariant test, and keeps ghost totals to compare with the pool's own books.
contract EmissionPoolHandler {
    /// @dev Backing far above any epoch\'s emission: these tests check the emission math, not the fee cap.
    uint256 internal constant UNCAPPED = 1e24;
    EmissionPool public immutable pool;
    ParadigmToken public immutable token;
    uint256 public immutable epochsPerYear;

    /// @notice PAR paid for epochs of year one.
    uint256 public yearOneMinted;
    /// @notice 1e17 plus the nominal budget of every later year opened so far.
    uint256 public madeAvailable;
    /// @notice Handler calls that did something.
    uint256 public calls;

    constructor(EmissionPool pool_, ParadigmToken token_) {
        pool = pool_;
        token = token_;
        epochsPerYear = pool_.epochsPerYear();
        madeAvailable = pool_.YEAR_ONE_BUDGET();
    }

    function contributor(uint256 seed) public pure returns (address) {
        return address(uint160(0x1000 + (seed % 7)));
    }

    function credit(uint256 who, uint256 units) external {
        pool.creditWork(contributor(who), 1 + (units % 1e9), 0, UNCAPPED);
        ++calls;
    }

    function propose(uint256 ahead, uint32 multiplierBps, uint96 fee) external {
        pool.proposePolicy(pool.currentEpoch() + 1 + uint64(ahead % 3), multiplierBps, fee);
        ++calls;
    }

    function close() external {
        if (pool.nextEpochToClose() >= pool.currentEpoch()) return;
        uint64 yearBefore = pool.year();
        pool.closeEpoch();
        if (pool.year() != yearBefore) madeAvailable += pool.yearBudget();
        ++calls;
    }

    function claim(uint256 who, uint256 from, uint256 len) external {
        uint64 closed = pool.nextEpochToClose();
        if (closed == 0) return;
        address account = contributor(who);
        uint64 first = uint64(from % closed);
        uint64 last = first + uint64(len % 4);
        if (last >= closed) last = closed - 1;
        for (uint64 e = first; e <= last; ++e) {
            (uint256 units, bool claimed) = pool.workOf(e, account);
            if (units == 0 || claimed) continue;
            uint256 before = token.balanceOf(account);
            vm.prank(account);
            pool.claim(e, e);
            if (e < epochsPerYear) yearOneMinted += token.balanceOf(account) - before;
        }
        ++calls;
    }

    function warp(uint256 secs) external {
        vm.warp(block.timestamp + 1 + (secs % (2 * pool.epochLength())));
        ++calls;
    }
}

/// @notice Invariant: random credit/propose/close/claim/warp sequences keep supply under the cap,
///         year one under 1e9 PAR, and the pool's books exact.
contract EmissionPoolInvariantTest {
    EmissionPool internal pool;
    ParadigmToken internal token;
    EmissionPoolHandler internal handler;

    function setUp() public {
        token = new ParadigmToken(address(this));
        pool = new EmissionPool(address(token), address(this), 365 days / 4);
        token.setMinter(address(pool));
        handler = new EmissionPoolHandler(pool, token);
        pool.grantRole(pool.MARKET_ROLE(), address(handler));
        pool.grantRole(pool.POLICY_ROLE(), address(handler));
    }

    /// @notice Only the handler is fuzzed.
    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /// hardhat-config: invariant.runs = 10000
    /// hardhat-config: invariant.depth = 30
    function invariant_supplyUnderCap_yearOneUnderBudget_booksExact() public view {
        require(token.totalSupply() <= token.cap(), "supply above cap");
        require(handler.yearOneMinted() <= pool.YEAR_ONE_BUDGET(), "year one above budget");
        require(
            pool.remainingBudget() + pool.outstanding() + token.totalSupply() == handler.madeAvailable(), "books"
        );
    }
}
