// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title A sum tree for weighted random selection that remembers its past (a Fenwick tree with
///        per-node checkpoints)
/// @notice Leaves are numbered from 1 in the order they are pushed; each holds a weight. Updating a
///         weight costs O(log n) writes; finding the leaf that owns a point in [0, total) as the
///         tree stood at the start of any past block costs O(log n) reads (one per node when the
///         node has not changed since, else a binary search of its checkpoints).
/// @dev Node i holds the sum of the leaves (i - lowbit(i), i]. Every node, and the tree's size and
///      total, keep their latest value in a head slot; when a later block writes them, the head
///      moves into an append-only history. A draw reads the tree "at the start of block b": the
///      state that block b - 1 left. Whoever sees a seed taken from block b's hash can no longer
///      change that state. Leaves are never removed: a leaf that leaves the draw gets weight 0.
///      Callers keep each leaf's weight themselves and only subtract at most that weight.
library SortitionSumTree {
    /// @notice Blocks back that a draw may look: as far as `blockhash` reaches, so every seed a
    ///         block hash gives can be drawn with. History older than that is dropped: a node
    ///         whose latest checkpoint is older keeps only that one, in a slot it reuses.
    uint256 internal constant HORIZON = 256;

    /// @dev The latest checkpoint of a node: `value` from block `blockNumber` on; `count` entries
    ///      of history come before it.
    struct Head {
        uint48 blockNumber;
        uint48 count;
        uint160 value;
    }

    /// @dev The latest checkpoint of the tree's size and total.
    struct Meta {
        uint48 blockNumber;
        uint48 count;
        uint32 size;
        uint128 total;
    }

    /// @dev A past checkpoint: `value` (a node's sum, or size << 128 | total) from `blockNumber`.
    struct Past {
        uint48 blockNumber;
        uint208 value;
    }

    struct Tree {
        Meta meta;
        mapping(uint256 k => Past) metaHistory;
        mapping(uint256 index => Head) heads;
        mapping(uint256 index => mapping(uint256 k => Past)) history;
    }

    /// @notice Appends a leaf with `weight` and returns its index (from 1).
    function push(Tree storage tree, uint256 weight) internal returns (uint256 index) {
        Meta memory m = tree.meta;
        index = uint256(m.size) + 1;
        uint256 sum = weight;
        uint256 low = index - _lowbit(index);
        for (uint256 j = index - 1; j > low; j -= _lowbit(j)) {
            sum += tree.heads[j].value;
        }
        _write(tree, index, sum);
        _writeMeta(tree, m, index, uint256(m.total) + weight);
    }

    /// @notice Sets the weight of leaf `index` from `previous` to `weight`.
    function set(Tree storage tree, uint256 index, uint256 previous, uint256 weight) internal {
        if (weight == previous) return;
        Meta memory m = tree.meta;
        uint256 size = m.size;
        bool up = weight > previous;
        uint256 delta = up ? weight - previous : previous - weight;
        for (uint256 i = index; i <= size; i += _lowbit(i)) {
            uint256 v = tree.heads[i].value;
            _write(tree, i, up ? v + delta : v - delta);
        }
        _writeMeta(tree, m, size, up ? uint256(m.total) + delta : uint256(m.total) - delta);
    }

    /// @notice The tree's size and total weight at the start of block `blockNumber`.
    function metaAt(Tree storage tree, uint256 blockNumber) internal view returns (uint256 size, uint256 total) {
        Meta memory m = tree.meta;
        if (m.blockNumber < blockNumber) return (m.size, m.total);
        uint256 packed = _search(tree.metaHistory, m.count, blockNumber);
        return (packed >> 128, uint128(packed));
    }

    /// @notice The total weight now.
    function totalWeight(Tree storage tree) internal view returns (uint256) {
        return tree.meta.total;
    }

    /// @notice The leaf whose weight range held `point` at the start of block `blockNumber` (at
    ///         most `HORIZON` blocks back), in a
    ///         tree then of `size` leaves: the smallest index whose prefix sum exceeds `point`.
    ///         Zero-weight leaves are never returned. Requires point < the total at that block.
    function find(Tree storage tree, uint256 point, uint256 size, uint256 blockNumber)
        internal
        view
        returns (uint256 index)
    {
        uint256 pos;
        for (uint256 step = size == 0 ? 0 : 1 << Math.log2(size); step != 0; step >>= 1) {
            uint256 next = pos + step;
            if (next <= size) {
                uint256 sum = _valueAt(tree, next, blockNumber);
                if (sum <= point) {
                    pos = next;
                    point -= sum;
                }
            }
        }
        return pos + 1;
    }

    function _valueAt(Tree storage tree, uint256 index, uint256 blockNumber) private view returns (uint256) {
        Head memory h = tree.heads[index];
        if (h.blockNumber < blockNumber) return h.value;
        return _search(tree.history[index], h.count, blockNumber);
    }

    /// @dev The value of the last of `count` checkpoints written before `blockNumber` (0 if none).
    function _search(mapping(uint256 => Past) storage past, uint256 count, uint256 blockNumber)
        private
        view
        returns (uint256)
    {
        uint256 low;
        uint256 high = count;
        while (low < high) {
            uint256 mid = Math.average(low, high);
            if (past[mid].blockNumber < blockNumber) low = mid + 1;
            else high = mid;
        }
        return low == 0 ? 0 : past[low - 1].value;
    }

    function _write(Tree storage tree, uint256 index, uint256 value) private {
        Head memory h = tree.heads[index];
        if (h.blockNumber == block.number) {
            tree.heads[index].value = uint160(value);
            return;
        }
        uint256 count = h.count;
        if (h.blockNumber != 0) {
            if (h.blockNumber + HORIZON < block.number) count = 0; // no draw can ask about older blocks
            tree.history[index][count] = Past(h.blockNumber, h.value);
            ++count;
        }
        tree.heads[index] = Head(uint48(block.number), uint48(count), uint160(value));
    }

    function _writeMeta(Tree storage tree, Meta memory m, uint256 size, uint256 total_) private {
        uint256 count = m.count;
        if (m.blockNumber != block.number && m.blockNumber != 0) {
            if (m.blockNumber + HORIZON < block.number) count = 0; // no draw can ask about older blocks
            tree.metaHistory[count] = Past(m.blockNumber, uint208((uint256(m.size) << 128) | m.total));
            ++count;
        }
        tree.meta = Meta(uint48(block.number), uint48(count), uint32(size), uint128(total_));
    }

    function _lowbit(uint256 i) private pure returns (uint256) {
        unchecked {
            return i & (~i + 1);
        }
    }
}
