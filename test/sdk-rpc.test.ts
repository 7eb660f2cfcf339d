import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { BaseError } from "viem";
import { createParadigm, PROBE_MS, RpcUnreachableError, type AddressBook } from "../keepers/src/index.js";

const someone = "0x000000000000000000000000000000000000bEEF";
const book: AddressBook = { chainId: 31337, deployBlock: 0, contracts: { ParadigmToken: someone, ModelRegistry: someone, KeeperRegistry: someone, TaskMarket: someone } };
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

const listen = (server: Server, port = 0) => new Promise<string>((r) => server.listen(port, "127.0.0.1", () => r(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
const closed = (server: Server) => new Promise((r) => server.close(r));
/** A node that answers eth_chainId and eth_blockNumber. */
const node = () =>
  createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d)).on("end", () => {
      const { id, method } = JSON.parse(body);
      res.setHeader("content-type", "application/json").end(JSON.stringify({ jsonrpc: "2.0", id, result: method === "eth_chainId" ? "0x7a69" : "0x10" }));
    });
  });

/** How long `p` takes to reject, and its error. */
async function failure(p: Promise<unknown>): Promise<{ ms: number; error: Error }> {
  const t0 = performance.now();
  return p.then(
    () => assert.fail("it should have failed"),
    (error: Error) => ({ ms: performance.now() - t0, error }),
  );
}

describe("SDK: an RPC that does not answer", function () {
  this.timeout(30_000);

  it("fails at once when nothing listens at the URL, naming it and saying how to start a devnet or set the URL (was ~7 s, 'HTTP request failed.')", async () => {
    const server = createServer();
    const url = await listen(server);
    await closed(server); // the port is free again: connection refused
    const { ms, error } = await failure(createParadigm({ rpcUrl: url, addresses: book }).listModels());
    assert.match(error.message, new RegExp(`^cannot reach the RPC at ${esc(url)} \\(ECONNREFUSED\\); start a local devnet \\(\\./scripts/devnet\\.sh\\) or give the URL of a running node \\(rpcUrl in the SDK`));
    assert.ok(error instanceof BaseError && error.walk((e) => e instanceof RpcUnreachableError), "an RpcUnreachableError, maybe wrapped by viem");
    assert.ok(ms < 1_000, `took ${ms.toFixed(0)} ms`);
  });

  it(`gives up after ${PROBE_MS / 1000} s on a node that takes the connection but never answers (was 6 tries of 20 s)`, async () => {
    const server = createServer(() => {}); // never responds
    const url = await listen(server);
    try {
      const { ms, error } = await failure(createParadigm({ rpcUrl: url, addresses: book }).clients.publicClient.getBlockNumber());
      assert.match(error.message, new RegExp(`^cannot reach the RPC at ${esc(url)} \\(no answer within ${PROBE_MS / 1000} s\\)`));
      assert.ok(ms < PROBE_MS + 2_000, `took ${ms.toFixed(0)} ms`);
    } finally {
      server.closeAllConnections();
      await closed(server);
    }
  });

  it("still retries once the node has answered: a node that restarts under a running client is waited for", async () => {
    let server = node();
    const url = await listen(server);
    const { publicClient } = createParadigm({ rpcUrl: url, addresses: book }).clients;
    assert.equal(await publicClient.getBlockNumber({ cacheTime: 0 }), 16n);
    server.closeAllConnections();
    await closed(server);
    setTimeout(() => void listen((server = node()), Number(new URL(url).port)), 300); // back 300 ms later
    try {
      assert.equal(await publicClient.getBlockNumber({ cacheTime: 0 }), 16n);
    } finally {
      server.closeAllConnections();
      await closed(server);
    }
  });
});
