// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IModelRegistry} from "../interfaces/IModelRegistry.sol";
import {ModelSpecs} from "../libraries/ModelSpecs.sol";

/// @title ModelRegistry
/// @notice Registry of ONNX models by sha256. Anyone proposes; the timelock approves and retires.
/// @dev The fields the market reads per task live in one packed slot (`Header`); the tensor specs
///      are stored ABI-encoded, since only off-chain readers decode them.
contract ModelRegistry is AccessControl, IModelRegistry {
    /// @dev One storage slot: everything `taskSpec` returns, plus the canonicalisation fields.
    struct Header {
        ModelStatus status;
        uint32 computeUnits;
        uint32 maxInputBytes;
        uint32 maxOutputBytes;
        uint8 outputDecimals;
        uint32 tolerance;
        uint64 proposedAt;
    }

    struct Body {
        bytes32 modelHash;
        address proposer;
        string uri;
        bytes tensors;
    }

    uint32 private _count;
    mapping(uint32 id => Header) private _headers;
    mapping(uint32 id => Body) private _bodies;
    mapping(bytes32 modelHash => uint32 id) private _ids;

    /// @param timelock receives DEFAULT_ADMIN_ROLE (as does the deployer, who approves the genesis
    ///        models and then renounces).
    constructor(address timelock) {
        _grantRole(DEFAULT_ADMIN_ROLE, timelock);
        _grantRole(DEFAULT_ADMIN_ROLE, msg.sender);
    }

    /// @inheritdoc IModelRegistry
    function propose(ModelSpec calldata spec) external returns (uint32 id) {
        ModelSpecs.validate(spec);
        uint32 existing = _ids[spec.modelHash];
        if (existing != 0) revert DuplicateModel(spec.modelHash, existing);

        id = ++_count;
        _ids[spec.modelHash] = id;
        _headers[id] = Header({
            status: ModelStatus.Proposed,
            computeUnits: spec.computeUnits,
            maxInputBytes: spec.maxInputBytes,
            maxOutputBytes: spec.maxOutputBytes,
            outputDecimals: spec.outputDecimals,
            tolerance: spec.tolerance,
            proposedAt: uint64(block.timestamp)
        });
        Body storage body = _bodies[id];
        body.modelHash = spec.modelHash;
        body.proposer = msg.sender;
        body.uri = spec.uri;
        body.tensors = abi.encode(spec.inputs, spec.outputs);
        emit ModelProposed(id, spec.modelHash, msg.sender, spec);
    }

    /// @inheritdoc IModelRegistry
    function approve(uint32 id) external onlyRole(DEFAULT_ADMIN_ROLE) {
        Header storage header = _headers[id];
        ModelStatus status = header.status;
        if (status == ModelStatus.None) revert UnknownModel(id);
        if (status != ModelStatus.Proposed) revert InvalidStatus(id, status);
        header.status = ModelStatus.Approved;
        emit ModelApproved(id);
    }

    /// @inheritdoc IModelRegistry
    function retire(uint32 id) external onlyRole(DEFAULT_ADMIN_ROLE) {
        Header storage header = _headers[id];
        ModelStatus status = header.status;
        if (status == ModelStatus.None) revert UnknownModel(id);
        if (status == ModelStatus.Retired) revert InvalidStatus(id, status);
        header.status = ModelStatus.Retired;
        emit ModelRetired(id);
    }

    /// @inheritdoc IModelRegistry
    function taskSpec(uint32 id)
        external
        view
        returns (uint8 status, uint32 computeUnits, uint32 maxInputBytes, uint32 maxOutputBytes)
    {
        Header memory header = _headers[id];
        return (uint8(header.status), header.computeUnits, header.maxInputBytes, header.maxOutputBytes);
    }

    /// @inheritdoc IModelRegistry
    function modelOf(uint32 id) external view returns (Model memory model) {
        Header memory header = _headers[id];
        if (header.status == ModelStatus.None) revert UnknownModel(id);
        Body storage body = _bodies[id];
        (TensorSpec[] memory inputs, TensorSpec[] memory outputs) =
            abi.decode(body.tensors, (TensorSpec[], TensorSpec[]));
        model = Model({
            id: id,
            status: header.status,
            proposer: body.proposer,
            proposedAt: header.proposedAt,
            spec: ModelSpec({
                modelHash: body.modelHash,
                uri: body.uri,
                computeUnits: header.computeUnits,
                maxInputBytes: header.maxInputBytes,
                maxOutputBytes: header.maxOutputBytes,
                outputDecimals: header.outputDecimals,
                tolerance: header.tolerance,
                inputs: inputs,
                outputs: outputs
            })
        });
    }

    /// @inheritdoc IModelRegistry
    function isApproved(uint32 id) external view returns (bool) {
        return _headers[id].status == ModelStatus.Approved;
    }

    /// @inheritdoc IModelRegistry
    function idOf(bytes32 modelHash) external view returns (uint32) {
        return _ids[modelHash];
    }

    /// @inheritdoc IModelRegistry
    function modelCount() external view returns (uint32) {
        return _count;
    }
}
