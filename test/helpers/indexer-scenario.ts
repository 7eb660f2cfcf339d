/**
 * Drives a real chain through every lifecycle the indexer must record: zero-fee genesis work and
 * its emission claim, a plain task, a lot, an expiry, a dispute that slashes a liar, delegation
 * and undelegation, a commission change, PAR transfers and vote delegation, and a governance
 * proposal from creation to execution. The protocol is wired as deployment wires it, with the
 * emission pool as PAR's only minter: every PAR in the scenario was earned.
 */
import { keccak256, parseEventLogs, toHex, type Address, type Hex } from "viem";
import type { NetworkConnection } from "hardhat/types/network";
import type { AddressBook } from "../../keepers/src/chain/addresses.js";
import { addGovernor } from "./governance.js";
import { deployMarket, PAR, param, type MarketFixture } from "./market.js";

const GOOD = "0x0a00000000000000f4ffffffffffffff" as Hex;
const BAD = "0x0b00000000000000f4ffffffffffffff" as Hex;
const SALT = keccak256("0x5a");
const EPOCH = 3600;

export type Scenario = Awaited<ReturnType<typeof deployScenarioChain>>;

/** The protocol with a governor and timelock over its token, and the address book the indexer reads. */
export async function deployScenarioChain(conn: NetworkConnection) {
  const publicClient = await conn.viem.getPublicClient();
  const deployBlock = Number(await publicClient.getBlockNumber()) + 1;
  const f = await deployMarket(conn, { emissionMinter: true });
  const { timelock, governor } = await addGovernor(conn.viem, f.token.address, f.keepers.address);
  await f.court.write.setParameter([param("jurySize"), 3n]);
  const book: AddressBook = {
    chainId: await publicClient.getChainId(),
    deployBlock,
    contracts: {
      ParadigmToken: f.token.address,
      ModelRegistry: f.models.address,
      KeeperRegistry: f.keepers.address,
      TaskMarket: f.market.address,
      TaskCourt: f.court.address,
      EmissionPool: f.pool.address,
      ParadigmTimelock: timelock.address,
      ParadigmGovernor: governor.address,
    },
  };
  return { f, timelock, governor, book };
}

type Wallet = MarketFixture["admin"];

/** Part one: genesis. Zero-fee work by zero-stake keepers, an expiry, and the emission it earns, claimed. */
export async function genesisWork({ f }: Scenario) {
  const keepers = f.keeperWallets.slice(0, 6);
  for (const w of keepers) await f.register(w, 0n, [1]);
  // five plain tasks (the zero-fee allowance is 10 inputs a day), so that several keepers are drawn
  const plains: bigint[] = [];
  for (let i = 0; i < 5; i++) {
    const id = await f.post(f.requester, { fee: 0n });
    await f.claimAsAssignee(id);
    await f.submit(id, GOOD);
    plains.push(id);
  }
  const lot = await f.post(f.requester, { fee: 0n, items: 3, input: lotInput(3) });
  await f.claimAsAssignee(lot);
  await f.submit(lot, GOOD);
  const expiring = await f.post(f.requester, { fee: 0n, deadlineIn: 60 });
  await f.networkHelpers.time.increase(3_700);
  await f.finalize([...plains, lot]);
  await f.track(await f.market.write.expire([[expiring], [f.book.get(expiring)!]]));
  await f.flush(keepers.map((w) => w.account.address));
  await f.networkHelpers.time.increase(EPOCH + 1);
  const epoch = await f.pool.read.currentEpoch();
  while ((await f.pool.read.nextEpochToClose()) < epoch) await f.pool.write.closeEpoch();
  for (const w of keepers) {
    if ((await f.pool.read.claimable([w.account.address, epoch - 1n])) > 0n) {
      await f.pool.write.claim([0n, epoch - 1n], { account: w.account });
    }
  }
  return { keepers, tasks: { plains, lot, expiring } };
}

/** A lot of `items` tiny inputs (the market only checks sizes; the indexer only counts them). */
function lotInput(items: number): Hex {
  const item = "08000000" + "0102030405060708";
  return `0x${item.repeat(items)}`;
}

/** Part two: the earned PAR at work. Stake, delegation, commission, paid tasks, a slashing dispute, votes and a proposal. */
export async function paidWork(s: Scenario, keepers: Wallet[]) {
  const { f } = s;
  const [k0, k1] = keepers;
  const others = keepers.slice(1);
  const balance = (w: Wallet) => f.balance(w.account.address);
  // the keepers that earned emission share it with the rest, the requester and a delegator
  const earners: Wallet[] = [];
  for (const w of keepers) if ((await balance(w)) > 0n) earners.push(w);
  const everyone = [...keepers.filter((w) => !earners.includes(w)), f.requester, f.stranger];
  for (const e of earners) {
    const share = (await balance(e)) / BigInt(everyone.length + 1);
    for (const to of everyone) await f.token.write.transfer([to.account.address, share], { account: e.account });
  }
  // every keeper stakes most of what it holds
  for (const w of keepers) {
    const stake = ((await balance(w)) * 3n) / 4n;
    await f.token.write.approve([f.keepers.address, stake], { account: w.account });
    await f.keepers.write.addStake([stake], { account: w.account });
  }
  const delegated = (await balance(f.stranger)) / 2n;
  await f.token.write.approve([f.keepers.address, delegated], { account: f.stranger.account });
  await f.keepers.write.delegate([k1!.account.address, delegated], { account: f.stranger.account });
  await f.keepers.write.setCommission([500], { account: k1!.account });

  // a paid task, answered honestly
  const paid = await f.post(f.requester, { fee: PAR });
  await f.claimAsAssignee(paid);
  await f.submit(paid, GOOD);
  // a paid task answered with a lie, challenged, judged and slashed
  const lied = await f.post(f.requester, { fee: PAR });
  const liar = await f.claimAsAssignee(lied);
  await f.submit(lied, BAD);
  const challenger = others.find((w) => w !== liar) ?? k0!;
  await f.challenge(lied, GOOD, challenger);
  // one draw, whatever it seats (drawFullJury's retries would mine hundreds of blocks at once,
  // which EDR reserves with parent hashes that do not chain: a real node never does that)
  await f.closeChallengeWindow(lied);
  await f.court.write.drawJury([lied]);
  const { jurors } = await f.court.read.disputeOf([lied]);
  const round = (await f.court.read.disputeOf([lied])).round;
  for (const j of jurors) {
    const c = await f.court.read.voteCommitment([lied, round, 2, SALT, j]);
    await f.court.write.commitVote([lied, c], { account: f.byAddress(j).account });
  }
  await f.networkHelpers.time.increase(301);
  for (const j of jurors) await f.court.write.revealVote([lied, 2, SALT], { account: f.byAddress(j).account });
  await f.networkHelpers.time.increase(301);
  await f.track(await f.court.write.resolve([lied, f.book.get(lied)!, GOOD]));
  await f.networkHelpers.time.increase(3_700);
  await f.finalize([paid]);
  await f.flush(keepers.map((w) => w.account.address));

  // the delegator leaves half its position, and later withdraws it
  const position = await f.keepers.read.positionOf([k1!.account.address, f.stranger.account.address]);
  await f.keepers.write.undelegate([k1!.account.address, position.stake / 2n], { account: f.stranger.account });
  await f.networkHelpers.time.increase(3_601);
  await f.keepers.write.withdraw([k1!.account.address], { account: f.stranger.account });
  return { tasks: { paid, lied }, liar, challenger };
}

/** Part three: governance. PAR holders delegate votes; a proposal is made, voted for (and `other` abstains), queued and executed. */
export async function governance({ f, governor, timelock }: Scenario, other: Wallet) {
  const voter = f.requester; // the largest holder
  await f.token.write.delegate([voter.account.address], { account: voter.account });
  await f.token.write.delegate([other.account.address], { account: other.account });
  await f.networkHelpers.mine(1);
  const op = { target: timelock.address, value: 0n, data: "0x" as Hex };
  const args = [[op.target], [op.value], [op.data]] as const;
  const description = "indexer test: a proposal from creation to execution";
  const descriptionHash = keccak256(toHex(description));
  const receipt = await f.publicClient.waitForTransactionReceipt({
    hash: await governor.write.propose([...args, description], { account: voter.account }),
  });
  const [created] = parseEventLogs({ abi: governor.abi, logs: receipt.logs, eventName: "ProposalCreated" });
  await f.networkHelpers.time.increase(11);
  await governor.write.castVote([created!.args.proposalId, 1], { account: voter.account });
  await governor.write.castVoteWithReason([created!.args.proposalId, 2, "no view"], { account: other.account });
  await f.networkHelpers.time.increase(61);
  await governor.write.queue([...args, descriptionHash], { account: voter.account });
  await f.networkHelpers.time.increase(61);
  await governor.write.execute([...args, descriptionHash], { account: voter.account });
  return created!.args.proposalId;
}

export type { Address };
