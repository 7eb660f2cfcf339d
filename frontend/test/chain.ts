/** Chain set-up the browser tests add to the SDK fixture (test/helpers/sdk-chain.ts). */
import { toHex, type Hex } from "viem";
import { addGovernor } from "../../test/helpers/governance.js";
import type { Connection, SdkChain } from "../../test/helpers/sdk-chain.js";


/** A timelock and a governor over the fixture's token (test/helpers/governance.ts), added to its address book. */
export async function addGovernance(conn: Connection, fx: SdkChain): Promise<Hex> {
  const { timelock, governor } = await addGovernor(conn.viem, fx.token.address, fx.keepers.address);
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

