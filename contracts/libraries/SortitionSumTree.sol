// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title A sum tree for weighted random selection (a Fenwick tree)
/// @notice Leaves are numbered from 1 in the order they are pushed; each holds a weight. Updating a
///         weight and finding the leaf that owns a point in [0, total) both cost O(log n).
/// @dev Node i holds the sum of the leaves (i - lowbit(i), i]. Leaves are never removed: a leaf
///      that leaves the draw gets weight 0. Callers keep each leaf's weight themselves and only
///      call `sub` with at most that weight.
library SortitionSumTree {
    struct Tree {
        uint256 size;
        uint256 total;
        mapping(uint256 index => uint256 sum) nodes;
    }

    /// @notice Appends a leaf with `weight` and returns its index (from 1).
    function push(Tree storage tree, uint256 weight) internal returns (uint256 index) {
        index = tree.size + 1;
        tree.size = index;
        uint256 sum = weight;
        uint256 low = index - _lowbit(index);
        for (uint256 j = index - 1; j > low; j -= _lowbit(j)) {
            sum += tree.nodes[j];
        }
        tree.nodes[index] = sum;
        tree.total += weight;
    }

    /// @notice Adds `amount` to the weight of leaf `index`.
    function add(Tree storage tree, uint256 index, uint256 amount) internal {
        if (amount == 0) return;
        uint256 size = tree.size;
        for (uint256 i = index; i <= size; i += _lowbit(i)) {
            tree.nodes[i] += amount;
        }
        tree.total += amount;
    }

    /// @notice Subtracts `amount` (at most the leaf's weight) from the weight of leaf `index`.
    function sub(Tree storage tree, uint256 index, uint256 amount) internal {
        if (amount == 0) return;
        uint256 size = tree.size;
        for (uint256 i = index; i <= size; i += _lowbit(i)) {
            tree.nodes[i] -= amount;
        }
        tree.total -= amount;
    }

    /// @notice Sets the weight of leaf `index` from `previous` to `weight`.
    function set(Tree storage tree, uint256 index, uint256 previous, uint256 weight) internal {
        if (weight > previous) add(tree, index, weight - previous);
        else sub(tree, index, previous - weight);
    }

    /// @notice The leaf whose weight range holds `point`: the smallest index whose prefix sum
    ///         exceeds `point`. Zero-weight leaves are never returned. Requires point < total.
    function find(Tree storage tree, uint256 point) internal view returns (uint256 index) {
        uint256 size = tree.size;
        uint256 pos;
        for (uint256 step = size == 0 ? 0 : 1 << Math.log2(size); step != 0; step >>= 1) {
            uint256 next = pos + step;
            if (next <= size) {
                uint256 sum = tree.nodes[next];
                if (sum <= point) {
                    pos = next;
                    point -= sum;
                }
            }
        }
        return pos + 1;
    }

    function _lowbit(uint256 i) private pure returns (uint256) {
        unchecked {
            return i & (~i + 1);
        }
    }
}
