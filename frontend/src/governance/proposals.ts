/**
 * Proposals as the page lists them: from the indexer, or from the governor's ProposalCreated
 * events when the indexer is down. State and votes are always read from the governor itself.
 */
import { paradigmGovernorAbi } from "@paradigm/keepers/abi";
import type { Address, PublicClient } from "viem";

export type ProposalListing = { id: string; proposer: string; description: string; createdAt?: number };
export type ProposalTally = { state: number; against: bigint; for: bigint; abstain: bigint; deadline: bigint; voted: boolean };

export async function proposalsFromChain(client: PublicClient, governor: Address, fromBlock: bigint): Promise<ProposalListing[]> {
  const logs = await client.getContractEvents({ address: governor, abi: paradigmGovernorAbi, eventName: "ProposalCreated", fromBlock });
  return logs.reverse().map((l) => {
    const a = l.args as { proposalId: bigint; proposer: Address; description: string };
    return { id: a.proposalId.toString(), proposer: a.proposer, description: a.description };
  });
}

/** State, votes and deadline of each proposal, and whether `voter` (if any) has voted on it. */
export async function tallies(client: PublicClient, governor: Address, ids: string[], voter?: Address): Promise<ProposalTally[]> {
  const g = { address: governor, abi: paradigmGovernorAbi } as const;
  return Promise.all(ids.map(async (id) => {
    const [state, [against, forVotes, abstain], deadline, voted] = await Promise.all([
      client.readContract({ ...g, functionName: "state", args: [BigInt(id)] }),
      client.readContract({ ...g, functionName: "proposalVotes", args: [BigInt(id)] }),
      client.readContract({ ...g, functionName: "proposalDeadline", args: [BigInt(id)] }),
      voter ? client.readContract({ ...g, functionName: "hasVoted", args: [BigInt(id), voter] }) : Promise.resolve(false),
    ]);
    return { state, against, for: forVotes, abstain, deadline, voted };
  }));
}
