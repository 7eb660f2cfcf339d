/**
 * Posting a task from the wallet: from the deposit when it covers the fee, else by EIP-2612 permit
 * (one signature, `postWithPermit`) or approve + post, as the SDK's requester does.
 */
import { parseEventLogs, toHex, zeroAddress, zeroHash, type Address, type Hex } from "viem";
import { paradigmTokenAbi, taskMarketAbi } from "@paradigm/keepers/abi";
import type { TxTools } from "../tx/useTx";
import { permitFromWallet } from "../chain/permit";
import type { EncodedInput } from "./input";

export type PayBy = "permit" | "approve";

export async function postTask(
  t: TxTools, addr: { token: Address; market: Address }, modelId: number, input: EncodedInput, fee: bigint, payBy: PayBy, ttl = 600,
): Promise<bigint> {
  const now = Number((await t.client.getBlock()).timestamp);
  const p = { modelId, items: input.items, fee, deadline: now + ttl, callback: zeroAddress, callbackGas: 0, input: toHex(input.bytes), inputHash: zeroHash, inputURI: "" };
  const market = { address: addr.market, abi: taskMarketAbi };
  const deposit = await t.client.readContract({ ...market, functionName: "depositOf", args: [t.account] });
  const allowance = await t.client.readContract({ address: addr.token, abi: paradigmTokenAbi, functionName: "allowance", args: [t.account, addr.market] });
  let receipt;
  if (fee === 0n || deposit >= fee || allowance >= fee) {
    receipt = await t.send({ ...market, functionName: "post", args: [p] }, deposit >= fee && fee > 0n ? "post (fee from your deposit)" : "post");
  } else if (payBy === "permit") {
    t.signing("sign the permit for the fee");
    const permit = await permitFromWallet(t.client, await t.wallet(), addr.token, t.account, addr.market, fee);
    receipt = await t.send({ ...market, functionName: "postWithPermit", args: [p, permit] }, "postWithPermit");
  } else {
    await t.send({ address: addr.token, abi: paradigmTokenAbi, functionName: "approve", args: [addr.market, fee] }, "approve the fee");
    receipt = await t.send({ ...market, functionName: "post", args: [p] }, "post");
  }
  const [ev] = parseEventLogs({ abi: taskMarketAbi, logs: receipt.logs, eventName: "TaskPosted" });
  return ev.args.id;
}
