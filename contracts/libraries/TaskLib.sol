// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ITaskMarketTypes} from "../interfaces/ITaskMarketTypes.sol";

/// @title Pure task logic: commitments, bonds, fee split, policy output decoding
library TaskLib {
    /// @dev The low byte of a task word holds its status.
    uint256 internal constant STATUS_MASK = 0xff;
    /// @dev Words of a `Task` (13 static fields): its memory image equals abi.encode(task).
    uint256 internal constant TASK_BYTES = 13 * 32;
    /// @notice Work units credited per compute unit of a paid task. Work is counted this finely
    ///         so that a fraction of a CU (the zero-fee rate, in bps) never rounds to zero.
    uint256 internal constant WORK_PER_CU = 10_000;

    /// @notice keccak256(abi.encode(t)) with the low byte replaced by `status`.
    function commitment(ITaskMarketTypes.Task memory t, ITaskMarketTypes.TaskStatus status) internal pure returns (bytes32 c) {
        assembly ("memory-safe") {
            c := keccak256(t, TASK_BYTES)
        }
        c = bytes32((uint256(c) & ~STATUS_MASK) | uint256(uint8(status)));
    }

    /// @notice Whether `word` commits to `t` (status ignored).
    function matches(bytes32 word, ITaskMarketTypes.Task memory t) internal pure returns (bool) {
        bytes32 c;
        assembly ("memory-safe") {
            c := keccak256(t, TASK_BYTES)
        }
        return (uint256(word) ^ uint256(c)) & ~STATUS_MASK == 0;
    }

    /// @notice The status byte of a stored word.
    function statusOf(bytes32 word) internal pure returns (ITaskMarketTypes.TaskStatus) {
        return ITaskMarketTypes.TaskStatus(uint8(uint256(word)));
    }

    /// @notice 0 for zero-fee tasks, else max(challengeBond, fee × multiplierBps / 10_000).
    function bond(uint256 fee, uint256 multiplierBps, uint256 challengeBond) internal pure returns (uint96) {
        if (fee == 0) return 0;
        uint256 b = fee * multiplierBps / 10_000;
        return uint96(b > challengeBond ? b : challengeBond);
    }

    /// @notice Work units of a finalized task: CU × WORK_PER_CU when paid, CU × `zeroFeeCreditBps`
    ///         for a zero-fee task (bps of WORK_PER_CU, so exact).
    function work(uint256 fee, uint256 computeUnits, uint256 zeroFeeCreditBps) internal pure returns (uint256) {
        return computeUnits * (fee == 0 ? zeroFeeCreditBps : WORK_PER_CU);
    }

    /// @notice `amount` × bps / 10_000, rounded down.
    function bps(uint256 amount, uint256 bps_) internal pure returns (uint256) {
        return amount * bps_ / 10_000;
    }

    /// @notice The policy's declared output ranges (keepers/src/policy-io.ts): the multiplier in
    ///         bps and minFeePerCU in base units. The genesis policy never leaves them, so an
    ///         output outside them is a wrong result.
    uint256 internal constant POLICY_MIN_MULTIPLIER_BPS = 5_000;
    uint256 internal constant POLICY_MAX_MULTIPLIER_BPS = 15_000;
    uint256 internal constant POLICY_MAX_FEE_PER_CU = 1_000_000;
    /// @dev Metrics per epoch in a policy input; the input holds two epochs.
    uint256 internal constant POLICY_METRICS = 8;
    /// @dev Input bundle header for one int64 tensor [1, 16] (keepers/src/tensors.ts): count 1,
    ///      rank 2, dims 1 and 16 as uint32 little-endian.
    bytes10 internal constant POLICY_INPUT_HEADER = 0x01020100000010000000;

    /// @notice The policy model's output: two int64 little-endian elements, the multiplier and
    ///         minFeePerCU. `ok` is false when the output is not 16 bytes or leaves the ranges.
    function decodePolicy(bytes calldata output)
        internal
        pure
        returns (uint32 multiplierBps, uint96 minFeePerCU, bool ok)
    {
        if (output.length != 16) return (0, 0, false);
        int64 m = int64(uint64(swap64(uint64(bytes8(output[0:8])))));
        int64 f = int64(uint64(swap64(uint64(bytes8(output[8:16])))));
        if (m < int64(int256(POLICY_MIN_MULTIPLIER_BPS)) || m > int64(int256(POLICY_MAX_MULTIPLIER_BPS))) return (0, 0, false);
        if (f < 0 || f > int64(int256(POLICY_MAX_FEE_PER_CU))) return (0, 0, false);
        return (uint32(uint64(m)), uint96(uint64(f)), true);
    }

    /// @notice The policy task's input bundle: one int64 tensor [1, 16], little-endian.
    function policyInputBundle(int64[16] memory metrics) internal pure returns (bytes memory input) {
        input = abi.encodePacked(POLICY_INPUT_HEADER);
        for (uint256 i; i < 16; ++i) {
            input = abi.encodePacked(input, bytes8(swap64(uint64(metrics[i]))));
        }
    }

    /// @notice Reverses the byte order of a 64-bit word (big- to little-endian and back).
    function swap64(uint64 v) internal pure returns (uint64) {
        v = ((v & 0xFF00FF00FF00FF00) >> 8) | ((v & 0x00FF00FF00FF00FF) << 8);
        v = ((v & 0xFFFF0000FFFF0000) >> 16) | ((v & 0x0000FFFF0000FFFF) << 16);
        return (v >> 32) | (v << 32);
    }
}
