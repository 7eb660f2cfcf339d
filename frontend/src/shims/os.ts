/** Browser stand-in for node:os, as far as the SDK's tensor code uses it: the host's byte order. */
export function endianness(): "LE" | "BE" {
  return new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? "LE" : "BE";
}
export default { endianness };
