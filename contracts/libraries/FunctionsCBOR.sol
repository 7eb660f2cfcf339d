// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title The CBOR encoding of a Chainlink Functions request
/// @notice Encodes what the DON reads from a request with inline JavaScript and string arguments,
///         byte for byte as Chainlink's `FunctionsRequest.encodeCBOR` does (data version 1): a
///         sequence of key/value pairs without a map header (the DON reads it as a map),
///         `codeLocation` and `language` as 32-byte bignums (tag 2), `source` as a text string,
///         `args` as an indefinite-length array of text strings.
/// @dev Only what the policy request needs: no secrets, no bytes arguments.
library FunctionsCBOR {
    uint8 internal constant MAJOR_TEXT = 3;

    /// @dev "codeLocation" → bignum 0 (Location.Inline); "language" → bignum 0 (JavaScript);
    ///      then the key "source". A bignum is tag 2 (0xc2) over a 32-byte byte string (0x58 0x20).
    bytes internal constant HEAD =
        hex"6c636f64654c6f636174696f6e" hex"c25820" hex"0000000000000000000000000000000000000000000000000000000000000000"
        hex"686c616e6775616765" hex"c25820" hex"0000000000000000000000000000000000000000000000000000000000000000"
        hex"66736f75726365";
    /// @dev The key "args" and the start of an indefinite-length array.
    bytes internal constant ARGS = hex"6461726773" hex"9f";
    /// @dev The "break" that closes an indefinite-length array.
    bytes internal constant BREAK = hex"ff";

    /// @notice The request data for inline JavaScript `source` with string arguments `args`
    ///         (omitted when empty, as Chainlink's encoder does).
    function encodeInlineJavaScript(string memory source, string[] memory args) internal pure returns (bytes memory) {
        bytes memory tail;
        if (args.length != 0) {
            tail = ARGS;
            for (uint256 i; i < args.length; ++i) {
                tail = bytes.concat(tail, textString(args[i]));
            }
            tail = bytes.concat(tail, BREAK);
        }
        return bytes.concat(HEAD, header(MAJOR_TEXT, bytes(source).length), bytes(source), tail);
    }

    /// @notice `value` in decimal, with a leading "-" when negative (the form Functions string
    ///         arguments take; the source parses them with BigInt).
    function decimal(int256 value) internal pure returns (string memory) {
        uint256 magnitude = value < 0 ? uint256(-(value + 1)) + 1 : uint256(value);
        uint256 digits = 1;
        for (uint256 t = magnitude; t >= 10; t /= 10) {
            ++digits;
        }
        uint256 sign = value < 0 ? 1 : 0;
        bytes memory out = new bytes(digits + sign);
        if (sign == 1) out[0] = "-";
        for (uint256 i = out.length; i > sign;) {
            --i;
            out[i] = bytes1(uint8(48 + magnitude % 10));
            magnitude /= 10;
        }
        return string(out);
    }

    /// @notice A CBOR text string: its header, then its UTF-8 bytes.
    function textString(string memory value) internal pure returns (bytes memory) {
        return bytes.concat(header(MAJOR_TEXT, bytes(value).length), bytes(value));
    }

    /// @notice The head of a data item of major type `major` and length (or value) `len`, in its
    ///         shortest form.
    function header(uint8 major, uint256 len) internal pure returns (bytes memory) {
        uint8 m = major << 5;
        if (len < 24) return abi.encodePacked(m | uint8(len));
        if (len <= type(uint8).max) return abi.encodePacked(m | 24, uint8(len));
        if (len <= type(uint16).max) return abi.encodePacked(m | 25, uint16(len));
        if (len <= type(uint32).max) return abi.encodePacked(m | 26, uint32(len));
        return abi.encodePacked(m | 27, uint64(len));
    }
}
