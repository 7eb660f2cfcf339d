import { keccak256, maxUint256, stringToHex, toHex } from "viem";
import type { BenchSuite } from "./types.js";
import { gasOf } from "./types.js";

const PAR = 10n ** 8n;

/** Keeper registry: registration, delegation, and the market's hot-path calls (lockBond, reward). */
const suite: BenchSuite = async (connection) => {
  const { viem } = connection;
  const [admin, market, keeper, other, delegator] = await viem.getWalletClients();
  const token = await viem.deployContract("ParadigmToken", [admin.account.address]);
  await token.write.setMinter([admin.account.address]);
  const registry = await viem.deployContract("KeeperRegistry", [
    token.address, admin.account.address, 0n, 7n * 86_400n, 2_000n, 3n * 86_400n,
  ]);
  await registry.write.grantRole([keccak256(toHex("MARKET_ROLE")), market.account.address]);
  for (const who of [market, keeper, other, delegator]) {
    await token.write.mint([who.account.address, 10_000n * PAR]);
    await token.write.approve([registry.address, maxUint256], { account: who.account });
  }
  const cpu = stringToHex("cpu", { size: 32 });
  // a first keeper, so the measured registration is not the first write of the tree
  await registry.write.register(["https://a.example", cpu, [1], 100n * PAR, 500], { account: other.account });
  const register = await registry.write.register(["https://keeper.example", cpu, [1, 2], 100n * PAR, 1_000], {
    account: keeper.account,
  });
  const k = keeper.account.address;
  const delegate = await registry.write.delegate([k, 50n * PAR], { account: delegator.account });
  const lockBond = await registry.write.lockBond([k, 10n * PAR], { account: market.account });
  const unlockBond = await registry.write.unlockBond([k, 10n * PAR], { account: market.account });
  await token.write.transfer([registry.address, PAR], { account: market.account });
  await registry.write.reward([k, PAR], { account: market.account });
  await token.write.transfer([registry.address, PAR], { account: market.account });
  const reward = await registry.write.reward([k, PAR], { account: market.account });
  await registry.write.lockBond([k, 10n * PAR], { account: market.account });
  await token.write.transfer([registry.address, PAR], { account: market.account });
  const unlockAndReward = await registry.write.unlockAndReward([k, 10n * PAR, PAR], { account: market.account });
  // Steady state: the pool's sortition nodes last changed more than 256 blocks ago (beyond any
  // draw), so their checkpoints reuse a slot instead of appending.
  await connection.networkHelpers.mine(300);
  const delegateSettled = await registry.write.delegate([k, 50n * PAR], { account: delegator.account });
  return [
    { name: "registry.register", value: await gasOf(connection, register), unit: "gas" },
    { name: "registry.delegate", value: await gasOf(connection, delegate), unit: "gas" },
    { name: "registry.delegate.settled", value: await gasOf(connection, delegateSettled), unit: "gas" },
    { name: "registry.lockBond", value: await gasOf(connection, lockBond), unit: "gas" },
    { name: "registry.unlockBond", value: await gasOf(connection, unlockBond), unit: "gas" },
    { name: "registry.reward", value: await gasOf(connection, reward), unit: "gas" },
    { name: "registry.unlockAndReward", value: await gasOf(connection, unlockAndReward), unit: "gas" },
  ];
};
export default suite;
