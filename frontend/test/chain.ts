/** Chain set-up the browser tests add to the SDK fixture (test/helpers/sdk-chain.ts). */
import { keccak256, toHex, zeroAddress, type Hex } from "viem";
import type { Connection, SdkChain } from "../../test/helpers/sdk-chain.js";

const PAR = 10n ** 8n;

/**
 * A timelock and a governor over the fixture's token (as test/helpers/indexer-scenario.ts wires
 * them: 10 s voting delay, 60 s voting period, 1 PAR to propose), added to its address book.
 */
export async function addGovernance(conn: Connection, fx: SdkChain): Promise<Hex> {
  const [deployer] = await conn.viem.getWalletClients();
  const timelock = await conn.viem.deployContract("ParadigmTimelock", [60n, [], [zeroAddress], deployer.account.address]);
  const governor = await conn.viem.deployContract("ParadigmGovernor", [fx.token.address, timelock.address, 10, 60, PAR, 4n, fx.keepers.address]);
  await timelock.write.grantRole([keccak256(toHex("PROPOSER_ROLE")), governor.address]);
  fx.book.contracts.ParadigmTimelock = timelock.address;
  fx.book.contracts.ParadigmGovernor = governor.address;
  return governor.address;
}

/** Points the token's minter at `minter` (a storage write); returns how to undo it. */
export async function setMinter(conn: Connection, fx: SdkChain, minter: Hex): Promise<() => Promise<void>> {
  const current = (await fx.token.read.minter()).toLowerCase().slice(2);
  for (let slot = 0; slot < 64; slot++) {
    const at = toHex(slot, { size: 32 });
    const value = ((await conn.provider.request({ method: "eth_getStorageAt", params: [fx.token.address, at, "latest"] })) as string).toLowerCase();
    if (value.includes(current)) {
      const put = (word: string) => conn.provider.request({ method: "hardhat_setStorageAt", params: [fx.token.address, at, word] });
      await put(value.replace(current, minter.toLowerCase().slice(2)));
      return async () => { await put(value); };
    }
  }
  throw new Error("the token's minter slot was not found");
}

