import assert from "node:assert/strict";
import { describe, it } from "mocha";
import { type Hex } from "viem";
import { deployMarket, PAR, WORK_PER_CU } from "./helpers/market.js";

const OUTPUT = "0x0a00000000000000" as Hex;

describe("Wash-work defence", () => {
  it("a requester feeding its own keeper gets only its stake share of its tasks, paying the rest away", async () => {
    const f = await deployMarket();
    const [attackerKeeper, honest] = f.keeperWallets;
    await f.register(attackerKeeper, 1000n * PAR);
    await f.register(honest, 1000n * PAR);
    const attacker = f.requester; // the attacker's requester address
    await f.market.write.setParameter([`0x${Buffer.from("assignWindow").toString("hex").padEnd(64, "0")}`, 3600n]);
    const n = 12;
    const ids: bigint[] = [];
    for (let i = 0; i < n; i++) ids.push(await f.post(attacker, { fee: PAR, input: `0x0${i % 10}` as Hex }));
    await f.networkHelpers.mine(2);
    let own = 0;
    for (const id of ids) {
      const assignee = await f.market.read.assigneeOf([id, f.book.get(id)!]);
      const mine = assignee.toLowerCase() === attackerKeeper.account.address.toLowerCase();
      if (mine) own++;
      else {
        // the attacker's keeper cannot take a task drawn for someone else in the window
        await f.viem.assertions.revertWithCustomError(
          f.market.write.claim([id, f.book.get(id)!], { account: attackerKeeper.account }),
          f.market,
          "NotAssignee",
        );
      }
      const w = f.byAddress(assignee);
      await f.track(await f.market.write.claim([id, f.book.get(id)!], { account: w.account }));
      await f.submit(id, OUTPUT);
    }
    await f.networkHelpers.time.increase(600);
    await f.finalize(ids);
    await f.flush([attackerKeeper.account.address, honest.account.address]);
    assert.ok(own > 0 && own < n, "both keepers were drawn");
    // Emission: the attacker's keeper earns CU only for the tasks drawn for it, like honest work.
    assert.equal(await f.work(attackerKeeper.account.address), BigInt(own) * 100n * WORK_PER_CU);
    assert.equal(await f.work(honest.account.address), BigInt(n - own) * 100n * WORK_PER_CU);
    // PAR: it paid n fees and got back only (1 - p) of its own tasks' fees (into its pool).
    const p = 500n;
    const recovered = (BigInt(own) * PAR * (10_000n - p)) / 10_000n;
    const lost = BigInt(n) * PAR - recovered;
    assert.equal(lost, BigInt(n - own) * PAR + (BigInt(own) * PAR * p) / 10_000n);
    // Expected profit per fake task s·CU·e − F·(1 − s(1 − p)) < 0 iff e < F(1 − s(1 − p))/(s·CU):
    // here (docs/market.md) the attacker needs e > (1 − 0.95·s)/s × 1e6 base units per CU to break even.
  });
});
