// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @notice The cheatcodes Paradigm's Solidity tests use (Hardhat 3 / EDR, forge-compatible).
interface Vm {
    function warp(uint256 timestamp) external;
    function prank(address sender) external;
    function expectRevert(bytes calldata revertData) external;
}

/// @dev The cheatcode address: uint160(uint256(keccak256("hevm cheat code"))).
Vm constant vm = Vm(0x7109709ECfa91a80626fF3989D68f67F5b1DD12D);
