// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title The emission policy's input, as the chain computes it
/// @notice The metrics the policy model reads (keepers/src/policy-io.ts, docs/policy.md): the
///         oracles that evaluate the policy take their input from here, never from whoever asks.
interface IPolicyMetrics {
    /// @notice The policy input built on the metrics of `epoch` (elements 0–7) and of `epoch − 1`
    ///         (8–15, all zero for epoch 0), each in the order of POLICY_METRICS: tasks, work,
    ///         fees, requesters, keepers, disputeRateBps, herfindahlBps, scheduleBps.
    /// @dev `epoch` has ended when an oracle asks (the Functions oracle passes the epoch before the
    ///      running one).
    function policyInput(uint64 epoch) external view returns (int64[16] memory);
}
