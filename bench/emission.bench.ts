import { keccak256, toHex } from "viem";
import type { BenchSuite } from "./types.js";
import { gasOf } from "./types.js";

const EPOCH = 60n;

/**
 * Emission pool costs in steady state: two contributors per epoch, a policy proposal per epoch,
 * a contributor that has claimed before (its balance and vote checkpoints already exist).
 */
const suite: BenchSuite = async (connection) => {
  const { viem, networkHelpers } = connection;
  const [admin, market, alice, bob] = await viem.getWalletClients();
  const token = await viem.deployContract("ParadigmToken", [admin.account.address]);
  const pool = await viem.deployContract("EmissionPool", [token.address, admin.account.address, EPOCH]);
  await token.write.setMinter([pool.address]);
  await pool.write.grantRole([keccak256(toHex("MARKET_ROLE")), market.account.address]);
  await pool.write.grantRole([keccak256(toHex("POLICY_ROLE")), admin.account.address]);
  const genesis = await pool.read.genesis();
  const asMarket = { account: market.account };

  let creditFirst = 0;
  let creditWarm = 0;
  let close = 0;
  for (let epoch = 0n; epoch < 12n; epoch++) {
    await pool.write.proposePolicy([epoch + 1n, 11_000, 100n]);
    creditFirst = await gasOf(connection, await pool.write.creditWork([alice.account.address, 500n, 0n, 10n ** 20n], asMarket));
    creditWarm = await gasOf(connection, await pool.write.creditWork([alice.account.address, 500n, 0n, 10n ** 20n], asMarket));
    await pool.write.creditWork([bob.account.address, 700n, 0n, 10n ** 20n], asMarket);
    await networkHelpers.time.increaseTo(genesis + (epoch + 1n) * EPOCH);
    close = await gasOf(connection, await pool.write.closeEpoch());
  }
  const asAlice = { account: alice.account };
  await pool.write.claim([0n, 0n], asAlice);
  const claimOne = await gasOf(connection, await pool.write.claim([1n, 1n], asAlice));
  const claimTen = await gasOf(connection, await pool.write.claim([2n, 11n], asAlice));
  return [
    { name: "emission.closeEpoch", value: close, unit: "gas" },
    { name: "emission.claim.1epoch", value: claimOne, unit: "gas" },
    { name: "emission.claim.10epochs", value: claimTen, unit: "gas" },
    { name: "emission.creditWork", value: creditWarm, unit: "gas" },
    { name: "emission.creditWork.firstInEpoch", value: creditFirst, unit: "gas" },
  ];
};
export default suite;
