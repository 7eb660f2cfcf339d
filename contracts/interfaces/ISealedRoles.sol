// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title Sealed roles
/// @notice The roles through which a contract moves funds (credit work, mint, slash, vest) are
///         granted once, at deployment, to other protocol contracts, then sealed: from then on
///         nobody can grant or revoke them, the timelock included. Governance keeps its parameters
///         (inside their on-chain bounds) but holds no key that moves funds outside the rules.
interface ISealedRoles {
    /// @notice The protected roles were sealed: their holders are final.
    event RolesSealed();

    /// @notice `role` is sealed: it can no longer be granted, revoked or renounced.
    error RoleSealed(bytes32 role);

    /// @notice Seals the protected roles for good. Only DEFAULT_ADMIN_ROLE: the deployer, after it
    ///         wired the roles and before it renounces its admin role. Calling it again does nothing.
    function sealRoles() external;

    /// @notice True once the protected roles are sealed.
    function rolesSealed() external view returns (bool);
}
