// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title The model registry
/// @notice Models are registered by the sha256 of their .onnx bytes. Anyone proposes a model;
///         only the timelock (DEFAULT_ADMIN_ROLE) approves or retires it. Only approved models
///         take tasks. Ids are assigned sequentially from 1.
/// @dev Tensor dtypes: 1 = float32, 2 = int64, 3 = int32, 4 = uint8. A shape dimension is either
///      positive or -1 (dynamic).
interface IModelRegistry {
    /// @notice Lifecycle of a model. `None` means the id was never assigned.
    enum ModelStatus {
        None,
        Proposed,
        Approved,
        Retired
    }

    /// @notice One input or output tensor.
    /// @param name the tensor's name in the ONNX graph
    /// @param dtype 1 = float32, 2 = int64, 3 = int32, 4 = uint8
    /// @param shape dimensions, -1 for a dynamic dimension
    struct TensorSpec {
        string name;
        uint8 dtype;
        int64[] shape;
    }

    /// @notice Everything a proposer declares about a model.
    /// @param modelHash sha256 of the .onnx file bytes
    /// @param uri where to fetch the .onnx file (ipfs://, https://, npm:...)
    /// @param computeUnits compute units (CU) charged per inference
    /// @param maxInputBytes largest accepted canonical input bundle, in bytes
    /// @param maxOutputBytes largest accepted canonical output, in bytes
    /// @param outputDecimals float outputs are quantised as round-half-even(x * 10^outputDecimals)
    /// @param tolerance largest accepted |a - b| between two quantised output elements
    /// @param inputs input tensors, in the order of the canonical input bundle
    /// @param outputs output tensors, in the order of the canonical output bytes
    struct ModelSpec {
        bytes32 modelHash;
        string uri;
        uint32 computeUnits;
        uint32 maxInputBytes;
        uint32 maxOutputBytes;
        uint8 outputDecimals;
        uint32 tolerance;
        TensorSpec[] inputs;
        TensorSpec[] outputs;
    }

    /// @notice A registered model as the SDK reads it.
    struct Model {
        uint32 id;
        ModelStatus status;
        address proposer;
        uint64 proposedAt;
        ModelSpec spec;
    }

    /// @notice Model `id` was proposed by `proposer` with all its fields.
    event ModelProposed(uint32 indexed id, bytes32 indexed modelHash, address indexed proposer, ModelSpec spec);
    /// @notice Model `id` was approved by governance and may take tasks.
    event ModelApproved(uint32 indexed id);
    /// @notice Model `id` was retired by governance and takes no new tasks.
    event ModelRetired(uint32 indexed id);

    /// @notice The model hash is zero.
    error ZeroModelHash();
    /// @notice The model URI is empty or longer than the maximum.
    error InvalidUri(uint256 length, uint256 maxLength);
    /// @notice A model with the same sha256 is already registered as `existingId`.
    error DuplicateModel(bytes32 modelHash, uint32 existingId);
    /// @notice A numeric field (`computeUnits`, `maxInputBytes`, `maxOutputBytes`, `outputDecimals`)
    ///         is zero or above its maximum.
    error InvalidLimit(bytes32 field, uint256 value);
    /// @notice The inputs (`isInput`) or outputs list is empty or longer than the maximum.
    error InvalidTensorCount(bool isInput, uint256 count, uint256 max);
    /// @notice Tensor `index` of the inputs (`isInput`) or outputs has an empty or too long name.
    error InvalidTensorName(bool isInput, uint256 index);
    /// @notice Tensor `index` has a dtype outside 1..4.
    error InvalidDtype(bool isInput, uint256 index, uint8 dtype);
    /// @notice Tensor `index` has more dimensions than the maximum.
    error InvalidRank(bool isInput, uint256 index, uint256 rank, uint256 maxRank);
    /// @notice Dimension `dim` of tensor `index` is neither positive nor -1.
    error InvalidDimension(bool isInput, uint256 index, uint256 dim, int64 value);
    /// @notice No model has id `id`.
    error UnknownModel(uint32 id);
    /// @notice The transition is not allowed from the model's current status.
    error InvalidStatus(uint32 id, ModelStatus status);

    /// @notice Proposes a model. Anyone. Reverts on duplicates and malformed specs.
    /// @return id the new model's id
    function propose(ModelSpec calldata spec) external returns (uint32 id);

    /// @notice Approves a proposed model. Only the timelock.
    function approve(uint32 id) external;

    /// @notice Retires a proposed or approved model. Only the timelock. Final.
    function retire(uint32 id) external;

    /// @notice The fields the market needs to accept a task, read from one storage slot.
    /// @return status the model's status (as uint8; 2 = Approved)
    function taskSpec(uint32 id)
        external
        view
        returns (uint8 status, uint32 computeUnits, uint32 maxInputBytes, uint32 maxOutputBytes);

    /// @notice The full record of model `id`, tensor specs included. Reverts `UnknownModel`.
    function modelOf(uint32 id) external view returns (Model memory);

    /// @notice Whether model `id` is approved (takes tasks).
    function isApproved(uint32 id) external view returns (bool);

    /// @notice The id registered for `modelHash`, 0 if none.
    function idOf(bytes32 modelHash) external view returns (uint32);

    /// @notice The number of models ever proposed (the highest id).
    function modelCount() external view returns (uint32);
}
