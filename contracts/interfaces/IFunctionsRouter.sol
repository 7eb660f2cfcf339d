// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title Chainlink Functions router (the part a consumer calls)
/// @notice The router of Chainlink Functions v1: it bills a subscription, forwards the request to
///         the DON's coordinator, and calls back the consumer's
///         `handleOracleFulfillment(bytes32 requestId, bytes response, bytes err)` with the
///         aggregated report.
interface IFunctionsRouter {
    /// @notice Sends a request to the DON `donId`, billed to `subscriptionId` (the caller must be
    ///         one of its consumers).
    /// @param data the CBOR-encoded request (codeLocation, language, source, args, …)
    /// @param dataVersion the request encoding version (1)
    /// @param callbackGasLimit gas the router gives the consumer's fulfilment callback
    /// @return requestId the id the fulfilment will carry
    function sendRequest(
        uint64 subscriptionId,
        bytes calldata data,
        uint16 dataVersion,
        uint32 callbackGasLimit,
        bytes32 donId
    ) external returns (bytes32 requestId);
}
