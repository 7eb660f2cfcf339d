// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {EmissionPool} from "../emission/EmissionPool.sol";
import {KeeperRegistry} from "../registry/KeeperRegistry.sol";
import {ParadigmToken} from "../token/ParadigmToken.sol";
import {IKeeperRegistry} from "../interfaces/IKeeperRegistry.sol";
import {vm} from "./utils/Vm.sol";

/// @notice Genesis vesting (docs/design.md §9): a registered keeper's claimed emission is minted into its
///         own slashable stake and vests linearly over `genesisVesting`.
contract GenesisVestingTest {
    /// @dev Backing far above any epoch\'s emission: these tests check the emission math, not the fee cap.
    uint256 internal constant UNCAPPED = 1e24;
    uint256 internal constant EPOCH = 60;
    uint256 internal constant VESTING = 1_000;
    address internal constant KEEPER = address(0x1001);
    address internal constant OUTSIDER = address(0x2002);

    ParadigmToken internal token;
    EmissionPool internal pool;
    KeeperRegistry internal registry;

    function setUp() public {
        token = new ParadigmToken(address(this));
        pool = new EmissionPool(address(token), address(this), EPOCH);
        token.setMinter(address(pool));
        registry = new KeeperRegistry(address(token), address(this), 0, 3600, 2000, 3600);
        pool.grantRole(pool.MARKET_ROLE(), address(this));
        registry.grantRole(registry.VESTER_ROLE(), address(pool));
        registry.grantRole(registry.MARKET_ROLE(), address(this));
        pool.setKeepers(address(registry));
        pool.setParameter("genesisVesting", VESTING);
        uint32[] memory models = new uint32[](1);
        models[0] = 1;
        vm.prank(KEEPER);
        registry.register("https://k", bytes32("cpu"), models, 0, 0); // genesis: zero stake
    }

    /// @notice This contract stands in for the timelock, the registry's admin: its delay is above
    ///         any unbonding period (KeeperRegistry asks a timelock with code for its delay).
    function getMinDelay() external pure returns (uint256) {
        return type(uint256).max;
    }

    /// @dev Credits work to `who` in the current epoch, closes it and claims it as `who`.
    function _earn(address who) internal returns (uint256 amount) {
        uint64 epoch = pool.currentEpoch();
        pool.creditWork(who, 10_000, 0, UNCAPPED);
        vm.warp(pool.genesis() + (uint256(epoch) + 1) * EPOCH);
        while (pool.nextEpochToClose() <= epoch) pool.closeEpoch();
        vm.prank(who);
        amount = pool.claim(epoch, epoch);
        require(amount != 0, "earned");
    }

    function test_claim_keeper_vestsIntoOwnStake() public {
        uint256 amount = _earn(KEEPER);
        require(token.balanceOf(KEEPER) == 0, "nothing paid out");
        require(registry.stakeOf(KEEPER) == amount, "staked in its own pool");
        require(registry.positionOf(KEEPER, KEEPER).stake == amount, "its own position");
        require(registry.unvestedOf(KEEPER) == amount, "all unvested");
        require(token.balanceOf(address(registry)) == registry.owed(), "registry books");
    }

    function test_claim_outsider_isPaidOut() public {
        uint256 amount = _earn(OUTSIDER);
        require(token.balanceOf(OUTSIDER) == amount, "not a keeper: paid to its wallet");
    }

    function test_claim_vestingOff_isPaidOut() public {
        pool.setParameter("genesisVesting", 0);
        uint256 amount = _earn(KEEPER);
        require(token.balanceOf(KEEPER) == amount && registry.stakeOf(KEEPER) == 0, "paid out");
    }

    function test_unbond_unvested_revertsStakeVesting() public {
        uint256 amount = _earn(KEEPER);
        vm.expectRevert(abi.encodeWithSelector(IKeeperRegistry.StakeVesting.selector, KEEPER, amount));
        vm.prank(KEEPER);
        registry.requestUnbond(1);
    }

    function test_unbond_vestsLinearly() public {
        uint256 amount = _earn(KEEPER);
        vm.warp(block.timestamp + VESTING / 4);
        uint256 unvested = registry.unvestedOf(KEEPER);
        require(unvested == amount * 3 / 4, "a quarter vested");
        vm.expectRevert(abi.encodeWithSelector(IKeeperRegistry.StakeVesting.selector, KEEPER, unvested));
        vm.prank(KEEPER);
        registry.requestUnbond(amount - unvested + 1);
        vm.prank(KEEPER);
        registry.requestUnbond(amount - unvested);
        vm.warp(block.timestamp + VESTING);
        require(registry.unvestedOf(KEEPER) == 0, "fully vested");
        vm.prank(KEEPER);
        registry.requestUnbond(unvested);
    }

    function test_slash_reachesVestingStake() public {
        uint256 amount = _earn(KEEPER);
        uint256 slashed = registry.slash(KEEPER, amount / 2, 0, address(0xdead));
        require(slashed == amount / 2 && registry.stakeOf(KEEPER) == amount - amount / 2, "a lie costs vesting stake");
        // What is left is below the unvested amount: nothing can leave before it vests.
        vm.expectRevert(abi.encodeWithSelector(IKeeperRegistry.StakeVesting.selector, KEEPER, amount));
        vm.prank(KEEPER);
        registry.requestUnbond(1);
    }

    function test_claim_depletedPool_vestsAtPar() public {
        uint256 first = _earn(KEEPER);
        registry.slash(KEEPER, first, 0, address(0xdead)); // slashed to zero: the old shares are worth 0
        uint256 second = _earn(KEEPER);
        require(registry.stakeOf(KEEPER) == second, "the pool takes stake again");
        require(registry.positionOf(KEEPER, KEEPER).stake == second, "at par, not diluted by the old shares");
    }

    function test_claim_secondTranche_mergesAndRestartsClock() public {
        uint256 first = _earn(KEEPER);
        uint256 t1 = block.timestamp;
        vm.warp(block.timestamp + VESTING / 2);
        uint256 second = _earn(KEEPER);
        uint256 left = first * (t1 + VESTING - block.timestamp) / VESTING; // of the first tranche
        require(registry.unvestedOf(KEEPER) == left + second, "merged: the rest of the first plus the second");
        require(registry.stakeOf(KEEPER) == first + second, "both staked");
    }

    function test_setKeepers_twice_revertsKeepersAlreadySet() public {
        vm.expectRevert(abi.encodeWithSignature("KeepersAlreadySet(address)", address(registry)));
        pool.setKeepers(address(0xbeef));
    }

    /// hardhat-config: fuzz.runs = 64
    function testFuzz_unbond_neverBelowUnvested(uint256 elapsed, uint256 ask) public {
        uint256 amount = _earn(KEEPER);
        vm.warp(block.timestamp + elapsed % (2 * VESTING));
        uint256 unvested = registry.unvestedOf(KEEPER);
        ask = 1 + ask % amount;
        vm.prank(KEEPER);
        try registry.requestUnbond(ask) {
            require(amount - ask >= unvested, "unbonded unvested stake");
        } catch {
            require(amount - ask < unvested, "refused a vested unbond");
        }
    }
}
