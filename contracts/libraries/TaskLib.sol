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

    /// @notice The policy model's output: first two int64 little-endian elements, clamped to
    ///         [0, type(uint32).max] and [0, type(uint96).max]. Shorter outputs give (0, 0, false).
    function decodePolicy(bytes calldata output)
        internal
        pure
        returns (uint32 multiplierBps, uint96 minFeePerCU, bool ok)
    {
        if (output.length < 16) return (0, 0, false);
        int64 m = readInt64LE(output, 0);
        int64 f = readInt64LE(output, 8);
        multiplierBps = m <= 0 ? 0 : (uint64(m) > type(uint32).max ? type(uint32).max : uint32(uint64(m)));
        minFeePerCU = f <= 0 ? 0 : uint96(uint64(f));
        ok = true;
    }

    /// @notice Reads an int64 stored little-endian at `offset`.
    function readInt64LE(bytes calldata b, uint256 offset) internal pure returns (int64) {
        uint64 u;
        for (uint256 i; i < 8; ++i) {
            u |= uint64(uint8(b[offset + i])) << (8 * i);
        }
        return int64(u);
    }
}
