import type { NetworkConnection } from "hardhat/types/network";
import { encodeFunctionData, keccak256, toHex, zeroAddress, type Abi, type Address, type Hex } from "viem";

export type Viem = NetworkConnection["viem"];
type Networkhelpers = NetworkConnection["networkHelpers"];

export const PROPOSER_ROLE = keccak256(toHex("PROPOSER_ROLE"));
export const CANCELLER_ROLE = keccak256(toHex("CANCELLER_ROLE"));
export const DEFAULT_ADMIN_ROLE = `0x${"00".repeat(32)}` as Hex;
export const MIN_DELAY = 3_600n;
export const VOTING_DELAY = 60;
export const VOTING_PERIOD = 3_600;
/** Votes needed to propose: 1 PAR. */
export const PROPOSAL_THRESHOLD = 10n ** 8n;

/**
 * The genesis governance stack as deployment wires it: timelock (executors open, deployer admin
 * renounced), PAR governed by the timelock, Governor and GenesisGuardian as proposers/cancellers.
 * `keepers`: the registry whose votes the Governor's quorum leaves out (none by default).
 */
export async function deployGovernance(viem: Viem, guardian: Address, threshold: bigint, keepers: Address = zeroAddress) {
  const [deployer] = await viem.getWalletClients();
  const timelock = await viem.deployContract("ParadigmTimelock", [MIN_DELAY, [], [zeroAddress], deployer.account.address]);
  const token = await viem.deployContract("ParadigmToken", [timelock.address]);
  const governor = await viem.deployContract("ParadigmGovernor", [
    token.address,
    timelock.address,
    VOTING_DELAY,
    VOTING_PERIOD,
    PROPOSAL_THRESHOLD,
    4n,
    keepers,
  ]);
  const genesisGuardian = await viem.deployContract("GenesisGuardian", [
    timelock.address,
    token.address,
    guardian,
    threshold,
  ]);
  for (const role of [PROPOSER_ROLE, CANCELLER_ROLE]) {
    for (const who of [governor.address, genesisGuardian.address]) await timelock.write.grantRole([role, who]);
  }
  await timelock.write.renounceRole([DEFAULT_ADMIN_ROLE, deployer.account.address]);
  return { timelock, token, governor, genesisGuardian };
}

/**
 * A timelock and a governor over an existing `token` (quorum leaves out `keepers`' votes), with
 * seconds-long settings for tests that drive a proposal end to end: a 60 s timelock delay, a 10 s
 * voting delay, a 60 s voting period and 1 PAR of votes to propose.
 */
export async function addGovernor(viem: Viem, token: Address, keepers: Address) {
  const [deployer] = await viem.getWalletClients();
  const timelock = await viem.deployContract("ParadigmTimelock", [60n, [], [zeroAddress], deployer.account.address]);
  const governor = await viem.deployContract("ParadigmGovernor", [token, timelock.address, 10, 60, PROPOSAL_THRESHOLD, 4n, keepers]);
  await timelock.write.grantRole([PROPOSER_ROLE, governor.address]);
  return { timelock, governor };
}

/** One call for a timelock or Governor operation. */
export function call<const TAbi extends Abi>(target: { address: Address; abi: TAbi }, functionName: string, args: unknown[]) {
  const data = encodeFunctionData({ abi: target.abi as Abi, functionName, args });
  return { target: target.address, value: 0n, data };
}

/** Runs a Governor proposal through propose → vote (for) → queue → execute, as `voter`. */
export async function passProposal(
  governor: Awaited<ReturnType<typeof deployGovernance>>["governor"],
  networkHelpers: Networkhelpers,
  voter: Address,
  op: { target: Address; value: bigint; data: Hex },
  description: string,
) {
  const args = [[op.target], [op.value], [op.data]] as const;
  const descriptionHash = keccak256(toHex(description));
  await governor.write.propose([...args, description], { account: voter });
  const id = await governor.read.hashProposal([...args, descriptionHash]);
  await networkHelpers.time.increase(VOTING_DELAY + 1);
  await governor.write.castVote([id, 1], { account: voter });
  await networkHelpers.time.increase(VOTING_PERIOD + 1);
  await governor.write.queue([...args, descriptionHash], { account: voter });
  await networkHelpers.time.increase(Number(MIN_DELAY) + 1);
  await governor.write.execute([...args, descriptionHash], { account: voter });
  return id;
}
