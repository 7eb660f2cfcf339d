import assert from "node:assert/strict";
import { describe, it } from "mocha";
import { artifacts } from "hardhat";

/** EIP-170: the most bytes of code a contract may deploy. */
const LIMIT = 24_576;
/** Contracts above this many bytes are printed with their margin, so a shrinking one is seen. */
const NEAR = 20_000;
/** The contracts known to sit near the limit: each must exist and fit. */
const NEAR_LIMIT = ["TaskMarket", "TaskMarketExtension", "TaskCourt", "KeeperRegistry", "ParadigmGovernor"];

/** Bytes of deployed code in an artifact (immutables and library links are placeholders of full size). */
async function deployedSize(name: string): Promise<number> {
  const { deployedBytecode } = await artifacts.readArtifact(name);
  return (deployedBytecode.length - 2) / 2;
}

/** Every deployable contract of the protocol (not the Solidity tests and their helpers). */
async function protocolContracts(): Promise<string[]> {
  const names = [...(await artifacts.getAllFullyQualifiedNames())];
  return names.filter((n) => n.startsWith("contracts/") && !n.startsWith("contracts/test/")).sort();
}

// As Uniswap v4-core measures its PoolManager: the deployed bytecode of each contract near the
// EIP-170 limit, asserted under it, with the margin printed.
describe("contract sizes (EIP-170: 24,576 bytes)", () => {
  for (const name of NEAR_LIMIT) {
    it(`${name} fits`, async () => {
      const size = await deployedSize(name);
      console.log(`      ${name}: ${size} bytes, margin ${LIMIT - size}`);
      assert.ok(size <= LIMIT, `${name} is ${size} bytes, ${size - LIMIT} over the limit`);
    });
  }

  it(`every protocol contract fits, and every one above ${NEAR} bytes is listed above`, async () => {
    const near: string[] = [];
    for (const fqn of await protocolContracts()) {
      const size = await deployedSize(fqn);
      assert.ok(size <= LIMIT, `${fqn} is ${size} bytes, ${size - LIMIT} over the limit`);
      if (size > NEAR) near.push(fqn.split(":")[1]);
    }
    const unlisted = near.filter((n) => !NEAR_LIMIT.includes(n));
    assert.deepEqual(unlisted, [], `near the limit but not listed: ${unlisted.join(", ")}`);
  });
});
