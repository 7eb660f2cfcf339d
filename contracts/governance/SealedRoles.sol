// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ISealedRoles} from "../interfaces/ISealedRoles.sol";

/// @title SealedRoles
/// @notice AccessControl whose protected roles (`_isProtectedRole`) can be sealed once: after
///         `sealRoles()`, granting, revoking or renouncing a protected role reverts with
///         `RoleSealed`, whoever calls, DEFAULT_ADMIN_ROLE included. Other roles are unaffected.
/// @dev Every path that changes a role (grantRole, revokeRole, renounceRole, and a derived
///      contract's own calls) goes through `_grantRole` / `_revokeRole`, which this overrides.
abstract contract SealedRoles is AccessControl, ISealedRoles {
    bool private _sealed;

    /// @inheritdoc ISealedRoles
    function sealRoles() external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (_sealed) return;
        _sealed = true;
        emit RolesSealed();
    }

    /// @inheritdoc ISealedRoles
    function rolesSealed() external view returns (bool) {
        return _sealed;
    }

    /// @dev Whether `role` is sealed by `sealRoles()`.
    function _isProtectedRole(bytes32 role) internal view virtual returns (bool);

    function _grantRole(bytes32 role, address account) internal virtual override returns (bool) {
        _checkNotSealed(role);
        return super._grantRole(role, account);
    }

    function _revokeRole(bytes32 role, address account) internal virtual override returns (bool) {
        _checkNotSealed(role);
        return super._revokeRole(role, account);
    }

    function _checkNotSealed(bytes32 role) private view {
        if (_sealed && _isProtectedRole(role)) revert RoleSealed(role);
    }
}
