/** What the Attestor's canary service commits (contracts/interfaces/IAttestor.sol). */
import { encodeAbiParameters, keccak256, type Address, type Hex } from "viem";

const encoded = (types: string[], values: unknown[]) => keccak256(encodeAbiParameters(types.map((type) => ({ type })), values));

/** A benchmark's answer, committed when it is issued: keccak256(abi.encode(keeper, answerHash, salt)). */
export const benchmarkCommitment = (keeper: Address, answerHash: Hex, salt: Hex): Hex =>
  encoded(["address", "bytes32", "bytes32"], [keeper, answerHash, salt]);

/** A canary's answer, committed after its post (`commitCanary`): keccak256(abi.encode(taskId, answerHash, salt)); it names no task. */
export const canaryKey = (taskId: bigint, answerHash: Hex, salt: Hex): Hex =>
  encoded(["uint256", "bytes32", "bytes32"], [taskId, answerHash, salt]);
