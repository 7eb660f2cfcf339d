import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { encodeErrorResult, getAddress, stringToHex, type Hex } from "viem";
import * as abis from "../keepers/src/abi.js";
import { createTaskBook } from "../keepers/src/chain/taskbook.js";
import { ERROR_SENTENCES, type AbiError, explain, explainRevert, paradigmErrorsAbi, parsePar, paradigmFrom } from "../keepers/src/index.js";
import { param } from "./helpers/market.js";
import { clientsFor, fundedKey, liveChain, stakedKeeper } from "./helpers/sdk-chain.js";

const require = createRequire(import.meta.url);
const NOW = 1_800_000_000; // 2027-01-15 08:00:00 UTC
const A = getAddress("0x00000000000000000000000000000000000000a1");

/** A value of each ABI type, for rendering every sentence. */
function sample(type: string): unknown {
  if (type === "address") return A;
  if (type === "bool") return true;
  if (type === "bytes32") return stringToHex("minStake", { size: 32 });
  if (type === "string") return "x";
  if (type.startsWith("bytes")) return "0x01";
  return 7n;
}
const encode = (e: AbiError, args = e.inputs.map((i) => sample(i.type))) => encodeErrorResult({ abi: [e], errorName: e.name, args });
const errorOf = (name: string, abi: readonly { type: string; name?: string }[] = paradigmErrorsAbi) =>
  abi.find((i): i is AbiError => i.type === "error" && i.name === name)!;
const revert = (name: string, args: unknown[]) => explainRevert(encode(errorOf(name), args), { now: NOW });

describe("SDK error sentences", function () {
  this.timeout(120_000);

  it("has a sentence for every custom error of every generated ABI (add one to keepers/src/chain/errors/ when this fails)", () => {
    const missing = Object.entries(abis).flatMap(([abiName, abi]) =>
      (abi as readonly { type: string; name?: string }[]).filter((i) => i.type === "error" && !ERROR_SENTENCES[i.name!]).map((i) => `${abiName}: ${i.name}`),
    );
    assert.deepEqual(missing, []);
    assert.ok(paradigmErrorsAbi.length > 100, `${paradigmErrorsAbi.length} errors decoded`);
  });

  it("renders every error of every ABI with its values (no undefined, NaN or raw selector)", () => {
    for (const e of paradigmErrorsAbi) {
      const s = explainRevert(encode(e), { now: NOW });
      assert.doesNotMatch(s, /undefined|NaN|\[object|null|reverted with/, `${e.name}: ${s}`);
    }
  });

  it("decodes the OpenZeppelin errors a Paradigm call can raise, from OpenZeppelin's own artifacts", () => {
    const oz = (artifact: string, names?: string[]) =>
      (JSON.parse(readFileSync(require.resolve(`@openzeppelin/contracts/build/contracts/${artifact}.json`), "utf8")).abi as AbiError[])
        .filter((i) => i.type === "error" && (!names || names.includes(i.name)));
    const errors = [
      ...oz("IERC20Errors"), ...oz("IAccessControl"), ...oz("ECDSA"), ...oz("ReentrancyGuardTransient"), ...oz("ReentrancyGuard"), ...oz("Nonces"),
      ...oz("SafeERC20", ["SafeERC20FailedOperation"]), ...oz("ERC20Permit", ["ERC2612ExpiredSignature", "ERC2612InvalidSigner"]),
      ...oz("ERC20Votes", ["ERC20ExceededSafeSupply", "ERC5805FutureLookup", "VotesExpiredSignature", "CheckpointUnorderedInsertion", "SafeCastOverflowedUintDowncast"]),
    ];
    assert.equal(errors.length, 22);
    for (const e of errors) {
      const s = explainRevert(encode(e), { now: NOW });
      assert.equal(s, ERROR_SENTENCES[e.name]?.(Object.fromEntries(e.inputs.map((i) => [i.name, sample(i.type)])), { now: NOW }), `${e.name}: ${s}`);
    }
    assert.equal(
      revert("ERC20InsufficientBalance", [A, 25_000_000n, 1_00000000n]),
      `${A} holds 0.25 PAR but this needs 1 PAR; send that wallet at least 0.75 PAR more first (par wallet balance shows it)`,
    );
    assert.match(revert("ERC20InsufficientAllowance", [A, 0n, 5n]), /may spend only 0 PAR of your PAR but this needs 0.00000005 PAR; approve/);
  });

  it("writes amounts in PAR, times as dates with how far they are, and bytes32 names as text", () => {
    assert.equal(revert("UnbondingNotReady", [BigInt(NOW + 600)]), "the unbonding stake can be withdrawn from 2027-01-15 08:10:00 UTC (in 10 minutes); run par keeper withdraw then");
    assert.equal(
      revert("ParameterOutOfBounds", [stringToHex("unbondingPeriod", { size: 32 }), 30n, 1n, 5_184_000n]),
      "parameter unbondingPeriod must lie between 1 second and 60 days; 30 seconds was given",
    );
    assert.equal(
      revert("ParameterOutOfBounds", [stringToHex("protocolFeeBps", { size: 32 }), 2500n, 0n, 1000n]),
      "parameter protocolFeeBps must lie between 0% (0 bps) and 10% (1000 bps); 25% (2500 bps) was given",
    );
    assert.match(revert("UnknownParameter", [stringToHex("nope", { size: 32 })]), /^nope is not a parameter of this contract/);
    assert.equal(
      revert("NotExpired", [3n, BigInt(NOW + 20 * 60)]),
      "task 3 cannot be reclaimed yet: it expires after 2027-01-15 08:20:00 UTC (in 20 minutes) (its deadline, or for a submitted task with a callback the end of its challenge window plus the claim timeout); reclaim it then",
    );
    assert.equal(revert("ClaimNotLapsed", [3n, BigInt(NOW - 7200)]).includes("(2 hours ago)"), true);
    assert.equal(
      revert("ChallengeNotCommitted", [4n, A]),
      `${A} has no commitment to this challenge of task 4 from an earlier block; call commitChallenge first, then challenge in a later block`,
    );
    assert.match(revert("DrawOutOfRange", [10n, 400n]), /^a draw asked about block 10, but the current block is 400: draws reach only the 256 blocks before/);
    assert.equal(revert("DuplicateModel", [5]), "model 5 appears twice in the model list; list each model once");
    const hash = `0x${"ab".repeat(32)}` as Hex;
    assert.match(explainRevert(encode(abis.modelRegistryAbi.find((i) => i.type === "error" && i.name === "DuplicateModel") as AbiError, [hash, 2]), { now: NOW }), /already registered as model 2/);
    assert.match(revert("AccessControlUnauthorizedAccount", [A, `0x${"00".repeat(32)}`]), /lacks DEFAULT_ADMIN_ROLE \(governance\)/);
    assert.equal(explainRevert("0x12345678", { fn: "modelOf" }), "modelOf reverted with the unknown error 0x12345678, which no Paradigm contract raises; check that the address book belongs to this chain");
  });

  describe("on a chain", () => {
    let live: Awaited<ReturnType<typeof liveChain>>;
    before(async () => (live = await liveChain()));
    after(() => live?.server.close());

    it("explains a read of an unknown model, a post without PAR and a claim by a keeper that was not drawn", async () => {
      const { conn, fx, url } = live;
      const broke = paradigmFrom(clientsFor(url, fx.book, await fundedKey(conn, fx, 0n)));
      const unknown = await broke.getModel(42).then(() => assert.fail("model 42 exists"), (e) => e);
      assert.equal(explain(unknown), "model 42 does not exist; see par models list");

      const post = await broke.postTask(fx.modelIds.mlp, { x: { dims: [1, 4], data: [1, 2, 3, 4] } }, { fee: parsePar("1.5") }).then(() => assert.fail("posted"), (e) => e);
      assert.equal(explain(post), `${broke.clients.account!.address} holds 0 PAR but this needs 1.5 PAR; send that wallet at least 1.5 PAR more first (par wallet balance shows it)`);

      await fx.market.write.setParameter([param("assignWindow"), 600n]);
      const keepers = [await stakedKeeper(live, [fx.modelIds.mlp], 100n * 10n ** 8n), await stakedKeeper(live, [fx.modelIds.mlp], 100n * 10n ** 8n)];
      const requester = paradigmFrom(clientsFor(url, fx.book, await fundedKey(conn, fx, 10n * 10n ** 8n)));
      const id = await requester.postTask(fx.modelIds.mlp, { x: { dims: [1, 4], data: [1, 2, 3, 4] } });
      const book = createTaskBook(requester.clients);
      await book.sync();
      const t = book.tasks.get(id)!;
      while ((await conn.viem.getPublicClient().then((p) => p.getBlockNumber())) <= t.task.postBlock + 1n) await new Promise((r) => setTimeout(r, 200));
      const assignee = await fx.market.read.assigneeOf([id, t.task]);
      const other = keepers.find((k) => k.c.account!.address !== assignee)!;
      const claim = await other.c.contracts.market.write
        .claim([id, t.task], { account: other.c.walletClient!.account, chain: other.c.walletClient!.chain })
        .then(() => assert.fail("claimed"), (e) => e);
      assert.equal(
        explain(claim),
        `only the drawn keeper ${assignee} may claim this task during its exclusive assign window; ${other.c.account!.address} may claim it once the window has passed`,
      );
    });

    it("explains a governance parameter out of bounds and an unknown parameter", async () => {
      const { fx } = live;
      const low = await fx.keepers.write.setParameter([param("unbondingPeriod"), 0n]).then(() => assert.fail("set"), (e) => e);
      assert.equal(explain(low), "parameter unbondingPeriod must lie between 1 second and 60 days; 0 seconds was given");
      const unknown = await fx.market.write.setParameter([param("noSuchThing"), 1n]).then(() => assert.fail("set"), (e) => e);
      assert.match(explain(unknown), /^noSuchThing is not a parameter of this contract/);
    });
  });
});
