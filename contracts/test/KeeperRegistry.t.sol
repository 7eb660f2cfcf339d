// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {KeeperRegistry} from "../registry/KeeperRegistry.sol";
import {ParadigmToken} from "../token/ParadigmToken.sol";
import {vm} from "./utils/Vm.sol";

// The handler lives beside its tests: Hardhat gives the fuzzer only the artifacts of the test
// files it runs, so a handler in another file is invisible when this file runs alone.

/// @notice Drives a KeeperRegistry with random stakes, delegations, unbonds, withdrawals, claims,
///         bonds, slashes, rewards and time jumps. It holds MARKET_ROLE and mints PAR as the minter.
contract KeeperRegistryHandler {
    KeeperRegistry public immutable registry;
    ParadigmToken public immutable token;
    uint256 internal constant ACTORS = 5;
    uint256 internal constant KEEPERS = 3;
    uint256 internal constant MAX_AMOUNT = 1_000_000e8;

    /// @notice PAR slashed out of the registry.
    uint256 public slashedOut;

    constructor(KeeperRegistry registry_, ParadigmToken token_) {
        registry = registry_;
        token = token_;
    }

    /// @notice Registers the first KEEPERS actors (after the test grants roles and the minter).
    function init() external {
        uint32[] memory models = new uint32[](1);
        models[0] = 1;
        for (uint256 i; i < ACTORS; ++i) {
            address who = actor(i);
            vm.prank(who);
            token.approve(address(registry), type(uint256).max);
        }
        for (uint256 i; i < KEEPERS; ++i) {
            address who = actor(i);
            token.mint(who, 100e8);
            vm.prank(who);
            registry.register("https://k", bytes32("cpu"), models, i == 0 ? 0 : 100e8, uint16(i * 500));
        }
    }

    function actor(uint256 seed) public pure returns (address) {
        return address(uint160(0x2000 + (seed % ACTORS)));
    }

    function keeper(uint256 seed) public pure returns (address) {
        return address(uint160(0x2000 + (seed % KEEPERS)));
    }

    function stake(uint256 who, uint256 pool, uint256 amount) external {
        amount = 1 + (amount % MAX_AMOUNT);
        address account = actor(who);
        token.mint(account, amount);
        vm.prank(account);
        try registry.delegate(keeper(pool), amount) {} catch {}
    }

    function unbond(uint256 who, uint256 pool, uint256 amount) external {
        address account = actor(who);
        uint256 held = registry.positionOf(keeper(pool), account).stake;
        if (held == 0) return;
        vm.prank(account);
        try registry.undelegate(keeper(pool), 1 + (amount % held)) {
            if (account == keeper(pool)) {
                require(registry.positionOf(account, account).stake >= registry.unvestedOf(account), "unbonded unvested");
            }
        } catch {}
    }

    /// @dev Emission vesting into the keeper's own position (as the emission pool does).
    function vest(uint256 pool, uint256 amount, uint256 duration) external {
        amount = amount % MAX_AMOUNT;
        token.mint(address(registry), amount);
        registry.vest(keeper(pool), amount, 1 + duration % 30 days);
    }

    function withdraw(uint256 who, uint256 pool) external {
        vm.warp(block.timestamp + registry.unbondingPeriod());
        vm.prank(actor(who));
        try registry.withdraw(keeper(pool)) {} catch {}
    }

    function claim(uint256 who, uint256 pool) external {
        vm.prank(actor(who));
        try registry.claimRewards(keeper(pool)) {} catch {}
    }

    function lockBond(uint256 pool, uint256 amount) external {
        uint256 free = registry.freeStakeOf(keeper(pool));
        if (free == 0) return;
        registry.lockBond(keeper(pool), amount % (free + 1));
    }

    function unlockBond(uint256 pool, uint256 amount) external {
        registry.unlockBond(keeper(pool), amount % MAX_AMOUNT);
    }

    function slash(uint256 pool, uint256 amount) external {
        slashedOut += registry.slash(keeper(pool), amount % MAX_AMOUNT, 0, address(0xdead));
    }

    /// @dev A slash backed by `bond` of the keeper's locked stake (as the court's are).
    function slashBond(uint256 pool, uint256 amount, uint256 bond) external {
        address k = keeper(pool);
        slashedOut += registry.slash(k, amount % MAX_AMOUNT, bond % (registry.lockedBondOf(k) + 1), address(0xdead));
    }

    function reward(uint256 pool, uint256 amount) external {
        amount = amount % MAX_AMOUNT;
        token.mint(address(registry), amount);
        registry.reward(keeper(pool), amount);
    }

    function setCommission(uint256 pool, uint16 bps) external {
        vm.prank(keeper(pool));
        registry.setCommission(bps % 2_001);
    }

    function warp(uint256 secs) external {
        vm.warp(block.timestamp + 1 + (secs % 10 days));
    }
}

/// @notice The registry's PAR balance is exactly what it owes: pool stakes (locked bonds
///         included), unbonding stakes and unclaimed rewards.
contract KeeperRegistryTest {
    KeeperRegistry internal registry;
    ParadigmToken internal token;
    KeeperRegistryHandler internal handler;

    function setUp() public {
        token = new ParadigmToken(address(this));
        registry = new KeeperRegistry(address(token), address(this), 0, 7 days, 2_000, 1 days);
        handler = new KeeperRegistryHandler(registry, token);
        token.setMinter(address(handler));
        registry.grantRole(registry.MARKET_ROLE(), address(handler));
        registry.grantRole(registry.VESTER_ROLE(), address(handler));
        handler.init();
    }

    /// @notice This contract stands in for the timelock, the registry's admin: its delay is above
    ///         any unbonding period (KeeperRegistry asks a timelock with code for its delay).
    function getMinDelay() external pure returns (uint256) {
        return type(uint256).max;
    }

    /// @notice Only the handler is fuzzed.
    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /// hardhat-config: invariant.runs = 10000
    /// hardhat-config: invariant.depth = 15
    function invariant_balanceEqualsOwed() public view {
        require(token.balanceOf(address(registry)) == registry.owed(), "balance != owed");
        require(token.balanceOf(address(0xdead)) == handler.slashedOut(), "slashed != paid out");
    }

    /// @notice Every position in every pool is worth no more than the pool holds.
    /// hardhat-config: invariant.runs = 10000
    /// hardhat-config: invariant.depth = 15
    function invariant_positionsCovered() public view {
        for (uint256 k; k < 3; ++k) {
            address keeper = handler.keeper(k);
            uint256 stakes;
            uint256 unbonding;
            for (uint256 a; a < 5; ++a) {
                KeeperRegistry.Position memory p = registry.positionOf(keeper, handler.actor(a));
                stakes += p.stake;
                unbonding += p.unbonding;
            }
            require(stakes <= registry.stakeOf(keeper), "stakes not covered");
            require(unbonding <= registry.unbondingOf(keeper), "unbonding not covered");
            require(registry.lockedBondOf(keeper) <= registry.stakeOf(keeper), "bond above stake");
        }
    }

    /// @notice A sequence of stake, reward, slash, unbond and claim keeps the books exact and pays
    ///         each holder at most its exact share.
    function testFuzz_rewardSlashUnbond_keepBooksExact(uint96 a, uint96 b, uint96 r, uint96 s) public {
        handler.stake(3, 1, a);
        handler.stake(4, 1, b);
        handler.reward(1, r);
        handler.unbond(3, 1, a);
        handler.slash(1, s);
        handler.claim(3, 1);
        handler.claim(4, 1);
        handler.claim(1, 1);
        handler.withdraw(3, 1);
        require(token.balanceOf(address(registry)) == registry.owed(), "balance != owed");
    }

    function test_slash_reachesUnbondingStake() public {
        handler.stake(3, 1, 100e8 - 1);
        handler.unbond(3, 1, 100e8 - 1); // 1 + (amount % held) = all of actor 3's 100 PAR
        uint256 unbonding = registry.unbondingOf(handler.keeper(1));
        require(unbonding == 100e8, "unbonding");
        handler.slash(1, 100e8 - 1); // pro rata: 50 PAR from free stake, 49.99999999 PAR (rounded down) from unbonding
        require(registry.unbondingOf(handler.keeper(1)) == 50e8 + 1, "unbonding slashed");
    }

    function test_slash_takesOtherBondsOnlyAfterFreeStake() public {
        address k = handler.keeper(1); // registered with 100 PAR of its own
        handler.lockBond(1, 20e8); // the case being punished
        handler.lockBond(1, 30e8); // another task in flight
        require(registry.lockedBondOf(k) == 50e8, "locked");
        handler.slashBond(1, 40e8, 20e8);
        require(registry.lockedBondOf(k) == 30e8 && registry.stakeOf(k) == 60e8, "other task's bond untouched");
        handler.slash(1, 70e8); // more than the free stake: the other bond goes last
        require(registry.lockedBondOf(k) == 0 && registry.stakeOf(k) == 0, "all taken");
    }
}
