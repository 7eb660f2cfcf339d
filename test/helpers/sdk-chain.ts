/**
 * E2E fixtures for the SDK and keeper: deploys the whole protocol on an in-process EDR chain
 * (test account = timelock), serves that chain over HTTP so keeper processes can connect, and
 * makes funded keeper/requester keys.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { network } from "hardhat";
import { getContract, keccak256, parseEther, stringToHex, toHex, type Address, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { taskMarketAbi } from "../../keepers/src/abi/index.js";
import type { AddressBook } from "../../keepers/src/chain/addresses.js";
import { connect, type ParadigmClients } from "../../keepers/src/chain/client.js";
import { specStruct } from "../../keepers/src/chain/models.js";
import { MODELS } from "../../keepers/src/models.js";

export type Connection = Awaited<ReturnType<typeof network.create>>;

/** Devnet-like parameters: a full round trip takes seconds. */
export const PARAMS = { assignWindow: 2n, claimTimeout: 10n, challengeWindow: 10n, challengeBond: 10n ** 6n, commitPeriod: 4n, revealPeriod: 4n, jurySize: 1n };

export async function deployParadigm(conn: Connection) {
  const { viem } = conn;
  const [deployer] = await viem.getWalletClients();
  const gov = deployer.account.address;
  const token = await viem.deployContract("ParadigmToken", [gov]);
  await token.write.setMinter([gov]);
  const pool = await viem.deployContract("EmissionPool", [token.address, gov, 3600n]);
  const models = await viem.deployContract("ModelRegistry", [gov]);
  const keepers = await viem.deployContract("KeeperRegistry", [token.address, gov, 0n, 60n, 2000n, 60n]);
  const marketImpl = await viem.deployContract("TaskMarket", [token.address, models.address, keepers.address, pool.address, gov]);
  const court = await viem.deployContract("TaskCourt", [token.address, keepers.address, pool.address, marketImpl.address, gov]);
  const market = getContract({ address: marketImpl.address, abi: taskMarketAbi, client: { wallet: deployer } });
  await market.write.setCourt([court.address]);
  const MARKET_ROLE = keccak256(toHex("MARKET_ROLE"));
  for (const who of [marketImpl.address, court.address]) {
    await keepers.write.grantRole([MARKET_ROLE, who]);
    await pool.write.grantRole([MARKET_ROLE, who]);
  }
  for (const name of ["assignWindow", "claimTimeout", "challengeWindow", "challengeBond"] as const) {
    await market.write.setParameter([stringToHex(name, { size: 32 }), PARAMS[name]]);
  }
  for (const name of ["commitPeriod", "revealPeriod", "jurySize"] as const) {
    await court.write.setParameter([stringToHex(name, { size: 32 }), PARAMS[name]]);
  }
  const modelIds: Record<string, number> = {};
  for (const key of ["mlp", "mixed", "silero"]) {
    await models.write.propose([specStruct(MODELS[key])]);
    modelIds[key] = Number(await models.read.modelCount());
    await models.write.approve([modelIds[key]]);
  }
  const publicClient = await viem.getPublicClient();
  const book: AddressBook = {
    chainId: await publicClient.getChainId(),
    deployBlock: Number(await publicClient.getBlockNumber()) - 40,
    contracts: { ParadigmToken: token.address, ModelRegistry: models.address, KeeperRegistry: keepers.address, TaskMarket: marketImpl.address, TaskCourt: court.address, EmissionPool: pool.address },
  };
  if (book.deployBlock < 0) book.deployBlock = 0;
  return { token, pool, models, keepers, market, court, book, modelIds, deployer };
}

/** Serves the in-process chain as a JSON-RPC endpoint on 127.0.0.1 (for keeper processes). */
export async function serveRpc(conn: Connection): Promise<{ url: string; server: Server }> {
  const call = async (req: { id: unknown; method: string; params?: unknown[] }) => {
    try {
      return { jsonrpc: "2.0", id: req.id, result: await conn.provider.request({ method: req.method, params: req.params ?? [] }) };
    } catch (e) {
      const err = e as { code?: number; message: string; data?: unknown };
      return { jsonrpc: "2.0", id: req.id, error: { code: err.code ?? -32603, message: err.message, data: err.data } };
    }
  };
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", async () => {
      const parsed = JSON.parse(body);
      const out = Array.isArray(parsed) ? await Promise.all(parsed.map(call)) : await call(parsed);
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(out, (_k, v) => (typeof v === "bigint" ? toHex(v) : v)));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** A fresh key with gas and `par` PAR base units (minted by the test governance account). */
export async function fundedKey(conn: Connection, fx: Awaited<ReturnType<typeof deployParadigm>>, par: bigint): Promise<Hex> {
  const key = generatePrivateKey();
  const address = privateKeyToAccount(key).address;
  await conn.networkHelpers.setBalance(address, parseEther("100"));
  if (par > 0n) await fx.token.write.mint([address, par]);
  return key;
}

/** Registers `key` as a keeper serving `modelIds` with `stake`. */
export async function registerKeeper(c: ParadigmClients, modelIds: number[], stake: bigint) {
  const tx = { account: c.walletClient!.account, chain: c.walletClient!.chain };
  if (stake > 0n) await c.publicClient.waitForTransactionReceipt({ hash: await c.contracts.token.write.approve([c.book.contracts.KeeperRegistry, stake], tx) });
  const hash = await c.contracts.keepers.write.register(["http://127.0.0.1", stringToHex("cpu", { size: 32 }), modelIds, stake, 0], tx);
  await c.publicClient.waitForTransactionReceipt({ hash });
}

export function clientsFor(url: string, book: AddressBook, key: Hex): ParadigmClients {
  return connect({ rpcUrl: url, book, privateKey: key, pollingInterval: 100 });
}

export function writeBook(book: AddressBook): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "par-book-")), `${book.chainId}.json`);
  writeFileSync(file, JSON.stringify(book));
  return file;
}

export type { Address };
