import type { BenchSuite } from "./types.js";
import { gasOf } from "./types.js";

/** PAR transfers: the cost every fee and payout builds on. */
const suite: BenchSuite = async (connection) => {
  const { viem } = connection;
  const [deployer, alice, bob] = await viem.getWalletClients();
  const token = await viem.deployContract("ParadigmToken", [deployer.account.address]);
  await token.write.setMinter([deployer.account.address]);
  await token.write.mint([alice.account.address, 10n ** 12n]);
  const transfer = await token.write.transfer([bob.account.address, 10n ** 8n], { account: alice.account });
  return [{ name: "token.transfer", value: await gasOf(connection, transfer), unit: "gas" }];
};
export default suite;
