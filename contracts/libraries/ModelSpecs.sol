// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IModelRegistry} from "../interfaces/IModelRegistry.sol";

/// @title Validation of model specs
/// @notice Checks a proposed model's fields and tensor specs; reverts with the IModelRegistry
///         error that names the first problem found.
library ModelSpecs {
    uint256 internal constant MAX_URI_LENGTH = 512;
    uint256 internal constant MAX_TENSORS = 16;
    uint256 internal constant MAX_NAME_LENGTH = 64;
    uint256 internal constant MAX_RANK = 8;
    /// @dev 10^18 keeps every quantised float of magnitude < 9.2 inside int64.
    uint256 internal constant MAX_OUTPUT_DECIMALS = 18;
    uint8 internal constant DTYPE_MAX = 4;

    /// @notice Reverts unless `spec` is well formed.
    function validate(IModelRegistry.ModelSpec calldata spec) internal pure {
        if (spec.modelHash == bytes32(0)) revert IModelRegistry.ZeroModelHash();
        uint256 uriLength = bytes(spec.uri).length;
        if (uriLength == 0 || uriLength > MAX_URI_LENGTH) revert IModelRegistry.InvalidUri(uriLength, MAX_URI_LENGTH);
        if (spec.computeUnits == 0) revert IModelRegistry.InvalidLimit("computeUnits", 0);
        if (spec.maxInputBytes == 0) revert IModelRegistry.InvalidLimit("maxInputBytes", 0);
        if (spec.maxOutputBytes == 0) revert IModelRegistry.InvalidLimit("maxOutputBytes", 0);
        if (spec.outputDecimals > MAX_OUTPUT_DECIMALS) {
            revert IModelRegistry.InvalidLimit("outputDecimals", spec.outputDecimals);
        }
        validateTensors(spec.inputs, true);
        validateTensors(spec.outputs, false);
    }

    /// @notice Reverts unless `tensors` holds 1..MAX_TENSORS well-formed tensor specs.
    function validateTensors(IModelRegistry.TensorSpec[] calldata tensors, bool isInput) internal pure {
        uint256 count = tensors.length;
        if (count == 0 || count > MAX_TENSORS) revert IModelRegistry.InvalidTensorCount(isInput, count, MAX_TENSORS);
        for (uint256 i; i < count; ++i) {
            IModelRegistry.TensorSpec calldata t = tensors[i];
            uint256 nameLength = bytes(t.name).length;
            if (nameLength == 0 || nameLength > MAX_NAME_LENGTH) revert IModelRegistry.InvalidTensorName(isInput, i);
            if (t.dtype == 0 || t.dtype > DTYPE_MAX) revert IModelRegistry.InvalidDtype(isInput, i, t.dtype);
            uint256 rank = t.shape.length;
            if (rank > MAX_RANK) revert IModelRegistry.InvalidRank(isInput, i, rank, MAX_RANK);
            for (uint256 d; d < rank; ++d) {
                int64 dim = t.shape[d];
                if (dim <= 0 && dim != -1) revert IModelRegistry.InvalidDimension(isInput, i, d, dim);
            }
        }
    }
}
