// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {EmissionPool} from "../emission/EmissionPool.sol";
import {ParadigmToken} from "../token/ParadigmToken.sol";
import {EmissionMath} from "../libraries/EmissionMath.sol";
import {vm} from "./utils/Vm.sol";

/// @notice Fuzz: arbitrary policy over a simulated year never emits more than the year budget.
contract EmissionPoolFuzzTest {
    /// @dev Backing far above any epoch\'s emission: these tests check the emission math, not the fee cap.
    uint256 internal constant UNCAPPED = 1e24;
    uint256 internal constant BUDGET = 1e17;
    uint256 internal constant EPOCHS = 24;

    function _deploy() internal returns (EmissionPool pool, ParadigmToken token) {
        token = new ParadigmToken(address(this));
        pool = new EmissionPool(address(token), address(this), 365 days / EPOCHS);
        token.setMinter(address(pool));
        pool.grantRole(pool.MARKET_ROLE(), address(this));
        pool.grantRole(pool.POLICY_ROLE(), address(this));
    }

    /// hardhat-config: fuzz.runs = 64
    function testFuzz_arbitraryPolicy_neverExceedsYearOneBudget(uint256 seed) public {
        (EmissionPool pool, ParadigmToken token) = _deploy();
        uint256 allocated;
        for (uint64 e = 0; e < EPOCHS; ++e) {
            uint256 r = uint256(keccak256(abi.encode(seed, e)));
            pool.proposePolicy(e + 1, uint32(r), uint96(r >> 32));
            if (r % 5 != 0) pool.creditWork(address(uint160(0x1000 + (r >> 100) % 3)), 1 + (r >> 128) % 1e6, 0, UNCAPPED);
            if (r % 7 == 0) pool.creditWork(address(uint160(0x1000 + (r >> 140) % 3)), 1 + (r >> 160) % 1e6, 0, UNCAPPED);
            vm.warp(pool.genesis() + (uint256(e) + 1) * pool.epochLength());
            uint256 remainingBefore = pool.remainingBudget();
            (, uint256 amount) = pool.closeEpoch();
            require(amount <= remainingBefore, "epoch above remaining budget");
            uint32 m = pool.lastMultiplierBps();
            require(m >= 5_000 && m <= 15_000, "multiplier outside band");
            allocated += amount;
            for (uint256 i = 0; i < 3; ++i) {
                address who = address(uint160(0x1000 + i));
                (uint256 units,) = pool.workOf(e, who);
                if (units == 0) continue;
                vm.prank(who);
                pool.claim(e, e);
            }
            uint256 opened = pool.year() == 1 ? pool.yearBudget() : 0;
            require(pool.remainingBudget() + pool.outstanding() + token.totalSupply() == BUDGET + opened, "books");
        }
        require(token.totalSupply() <= BUDGET, "year one minted above budget");
        require(pool.outstanding() == 0, "every share claimed or rolled");
        require(pool.year() == 1, "year two opened");
    }

    function testFuzz_clampMultiplier_staysInBandAndStep(uint256 proposed, uint256 previous) public pure {
        previous = 5_000 + (previous % 10_001);
        uint256 m = EmissionMath.clampMultiplier(proposed, previous);
        require(m >= 5_000 && m <= 15_000, "band");
        require(m * 10_000 >= previous * 8_000 - 10_000 && m * 10_000 <= previous * 12_000, "step");
    }

    function test_claim_twice_revertsAlreadyClaimed() public {
        (EmissionPool pool,) = _deploy();
        address who = address(0x1000);
        pool.creditWork(who, 1, 0, UNCAPPED);
        vm.warp(pool.genesis() + pool.epochLength());
        pool.closeEpoch();
        vm.prank(who);
        pool.claim(0, 0);
        vm.expectRevert(abi.encodeWithSignature("AlreadyClaimed(address,uint64)", who, uint64(0)));
        vm.prank(who);
        pool.claim(0, 0);
    }
}
