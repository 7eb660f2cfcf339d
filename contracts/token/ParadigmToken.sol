// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {ERC20Votes} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Votes.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {Time} from "@openzeppelin/contracts/utils/types/Time.sol";
import {IParadigmToken} from "../interfaces/IParadigmToken.sol";

/// @title ParadigmToken (PAR)
/// @notice ERC-20 with EIP-2612 permit and timestamp-clocked vote checkpoints. The supply starts
///         at zero; the emission pool is the only minter; the cap only rises, through the timelock.
contract ParadigmToken is ERC20, ERC20Permit, ERC20Votes, IParadigmToken {
    /// @notice 8,000,000,000 PAR in base units (8 decimals).
    uint256 public constant INITIAL_CAP = 8_000_000_000 * 1e8;
    /// @notice The most governance may ever allow per yearly raise: 10%.
    uint16 public constant MAX_CAP_GROWTH_BPS = 1_000;
    /// @notice Minimum time between two cap raises.
    uint256 public constant CAP_RAISE_INTERVAL = 365 days;

    /// @notice The timelock: the only address that may raise the cap.
    address public immutable governance;
    address private immutable _deployer;

    /// @inheritdoc IParadigmToken
    address public minter;
    /// @notice When the cap was last raised (0: never).
    uint48 public lastCapRaise;
    /// @notice Largest raise allowed per interval, in basis points of the current cap.
    uint16 public capGrowthMaxBps = 200;
    /// @inheritdoc IParadigmToken
    uint256 public cap = INITIAL_CAP;

    modifier onlyGovernance() {
        if (msg.sender != governance) revert NotGovernance(msg.sender);
        _;
    }

    constructor(address governance_) ERC20("Paradigm", "PAR") ERC20Permit("Paradigm") {
        governance = governance_;
        _deployer = msg.sender;
    }

    /// @notice Assigns the emission pool as the minter. Callable once, by the deployer, before any
    ///         PAR exists; afterwards nobody can change it.
    function setMinter(address minter_) external {
        if (msg.sender != _deployer || minter != address(0)) revert MinterAlreadySet(minter);
        if (minter_ == address(0)) revert InvalidMinter(minter_);
        minter = minter_;
        emit MinterSet(minter_);
    }

    /// @inheritdoc IParadigmToken
    function mint(address to, uint256 amount) external {
        if (msg.sender != minter) revert NotMinter(msg.sender);
        uint256 supplyAfter = totalSupply() + amount;
        if (supplyAfter > cap) revert CapExceeded(supplyAfter, cap);
        _mint(to, amount);
    }

    /// @inheritdoc IParadigmToken
    function raiseCap(uint256 newCap) external onlyGovernance {
        uint256 nextAllowedAt = lastCapRaise == 0 ? 0 : uint256(lastCapRaise) + CAP_RAISE_INTERVAL;
        if (block.timestamp < nextAllowedAt) revert CapRaiseTooSoon(nextAllowedAt);
        uint256 current = cap;
        uint256 maxCap = current + (current * capGrowthMaxBps) / 10_000;
        if (newCap <= current || newCap > maxCap || newCap < totalSupply()) {
            revert InvalidCapRaise(newCap, current, maxCap);
        }
        cap = newCap;
        lastCapRaise = Time.timestamp();
        emit CapRaised(current, newCap);
    }

    /// @notice Sets the bound on a yearly cap raise, at most MAX_CAP_GROWTH_BPS. Only the timelock.
    function setCapGrowthMaxBps(uint16 bps) external onlyGovernance {
        if (bps > MAX_CAP_GROWTH_BPS) revert CapGrowthOutOfBounds(bps, MAX_CAP_GROWTH_BPS);
        emit CapGrowthMaxBpsSet(capGrowthMaxBps, bps);
        capGrowthMaxBps = bps;
    }

    function decimals() public pure override returns (uint8) {
        return 8;
    }

    /// @notice Votes are checkpointed by timestamp: L2 block numbers are not a reliable clock.
    function clock() public view override returns (uint48) {
        return Time.timestamp();
    }

    // solhint-disable-next-line func-name-mixedcase
    function CLOCK_MODE() public pure override returns (string memory) {
        return "mode=timestamp";
    }

    function nonces(address owner) public view override(ERC20Permit, Nonces) returns (uint256) {
        return super.nonces(owner);
    }

    function _update(address from, address to, uint256 value) internal override(ERC20, ERC20Votes) {
        super._update(from, to, value);
    }
}
