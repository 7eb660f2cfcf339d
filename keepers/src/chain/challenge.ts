import { encodeAbiParameters, keccak256, type Address, type Hex } from "viem";

/**
 * The commitment a challenger posts with `commitChallenge` a block before its `challenge`:
 * keccak256(abi.encode(id, resultHash, challenger)). It reveals neither the result nor anything
 * another address could use, so a copycat who sees the challenge cannot front-run it. A rival
 * commits to joining a dispute (`TaskCourt.commitRival`) in the same form, with its own address.
 */
export function challengeCommitment(id: bigint, resultHash: Hex, challenger: Address): Hex {
  return keccak256(
    encodeAbiParameters([{ type: "uint256" }, { type: "bytes32" }, { type: "address" }], [id, resultHash, challenger]),
  );
}
