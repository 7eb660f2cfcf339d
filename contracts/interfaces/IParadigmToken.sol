// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @title PAR, the Paradigm token
/// @notice 8 decimals, no premine, minted only by the emission pool, under a cap that only the
///         timelock may raise, by at most `capGrowthMaxBps` per 365 days.
interface IParadigmToken is IERC20 {
    /// @notice The one-time minter assignment was made.
    event MinterSet(address indexed minter);
    /// @notice The supply cap was raised by governance.
    event CapRaised(uint256 previousCap, uint256 newCap);
    /// @notice The bound on a yearly cap raise was changed by governance.
    event CapGrowthMaxBpsSet(uint16 previousBps, uint16 newBps);

    /// @notice Only the emission pool may mint.
    error NotMinter(address caller);
    /// @notice Only governance (the timelock) may call this.
    error NotGovernance(address caller);
    /// @notice Only the deployer may assign the minter, and only once.
    error MinterAlreadySet(address minter);
    /// @notice The deployer tried to set a zero or otherwise invalid minter.
    error InvalidMinter(address minter);
    /// @notice Minting `amount` would take the supply past the cap.
    error CapExceeded(uint256 supplyAfter, uint256 cap);
    /// @notice A cap raise came before `nextAllowedAt` (one raise per 365 days).
    error CapRaiseTooSoon(uint256 nextAllowedAt);
    /// @notice A cap raise must increase the cap, by at most `maxCap`.
    error InvalidCapRaise(uint256 requested, uint256 currentCap, uint256 maxCap);
    /// @notice The growth bound must stay within [0, MAX_CAP_GROWTH_BPS].
    error CapGrowthOutOfBounds(uint16 requested, uint16 maximum);

    /// @notice Mints `amount` to `to`. Only the emission pool.
    function mint(address to, uint256 amount) external;
    /// @notice The current supply cap in base units.
    function cap() external view returns (uint256);
    /// @notice The address allowed to mint (the emission pool).
    function minter() external view returns (address);
    /// @notice Raises the cap. Only the timelock, once per 365 days, by at most capGrowthMaxBps.
    function raiseCap(uint256 newCap) external;
}
