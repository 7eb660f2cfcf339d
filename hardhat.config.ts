import { createRequire } from "node:module";
import { configVariable, type HardhatUserConfig } from "hardhat/config";
import hardhatViem from "@nomicfoundation/hardhat-viem";
import hardhatViemAssertions from "@nomicfoundation/hardhat-viem-assertions";
import hardhatMocha from "@nomicfoundation/hardhat-mocha";
import hardhatNetworkHelpers from "@nomicfoundation/hardhat-network-helpers";
import hardhatIgnitionViem from "@nomicfoundation/hardhat-ignition-viem";
import hardhatKeystore from "@nomicfoundation/hardhat-keystore";
import hardhatVerify from "@nomicfoundation/hardhat-verify";

const require = createRequire(import.meta.url);

/** The wasm compiler from the `solc` npm package: compiles offline, no download. */
const solc = {
  version: "0.8.37",
  path: require.resolve("solc/soljson.js"),
  settings: { optimizer: { enabled: true, runs: 10_000 }, evmVersion: "cancun", viaIR: false },
};

/**
 * Tuned for size rather than for calls: the keeper registry (its sortition trees with history
 * leave it above the 24 KiB code limit at 10,000 runs, and its hot paths, bonds and rewards, are
 * short either way) and the market's extension, which holds only its cold functions.
 */
const small = { ...solc, settings: { ...solc.settings, optimizer: { enabled: true, runs: 200 } } };

/**
 * The market itself at 1,000 runs: at 10,000 its code passed the 24 KiB limit once
 * `claimAndSubmit` joined its hot paths (25,471 bytes for that function alone).
 */
const market = { ...solc, settings: { ...solc.settings, optimizer: { enabled: true, runs: 1_000 } } };

/**
 * Chainlink Functions' local testnet (@chainlink/functions-toolkit) runs on ganache, which stops at
 * Shanghai (no MCOPY, no transient storage): the Functions oracle compiles for Shanghai, which runs
 * unchanged on every Cancun chain Chainlink Functions serves.
 */
const shanghai = { ...solc, settings: { ...solc.settings, evmVersion: "shanghai" } };

const profile = {
  compilers: [solc],
  overrides: {
    "contracts/registry/KeeperRegistry.sol": small,
    "contracts/market/TaskMarketExtension.sol": small,
    "contracts/market/TaskMarket.sol": market,
    "contracts/emission/PolicyFunctionsOracle.sol": shanghai,
    "contracts/test/FixedPolicyMetrics.sol": shanghai,
  },
};

/**
 * The real L2s Paradigm deploys to (docs/deploy.md), each with the production profile
 * (deploy/profiles.ts). The RPC URL and the deployer's key are configuration variables, kept
 * encrypted in Hardhat's keystore (`npx hardhat keystore set PARADIGM_DEPLOYER_KEY`) and read only
 * when a command uses that network.
 */
const L2S = {
  base: ["BASE_RPC_URL", "op"],
  baseSepolia: ["BASE_SEPOLIA_RPC_URL", "op"],
  optimism: ["OPTIMISM_RPC_URL", "op"],
  optimismSepolia: ["OPTIMISM_SEPOLIA_RPC_URL", "op"],
  arbitrum: ["ARBITRUM_RPC_URL", "generic"],
  arbitrumSepolia: ["ARBITRUM_SEPOLIA_RPC_URL", "generic"],
} as const;
const l2Networks = Object.fromEntries(
  Object.entries(L2S).map(([name, [url, chainType]]) => [
    name,
    { type: "http", chainType, url: configVariable(url), accounts: [configVariable("PARADIGM_DEPLOYER_KEY")] } as const,
  ]),
);

const config: HardhatUserConfig = {
  plugins: [hardhatViem, hardhatViemAssertions, hardhatMocha, hardhatNetworkHelpers, hardhatIgnitionViem, hardhatKeystore, hardhatVerify],
  solidity: {
    profiles: {
      default: profile,
      production: profile,
    },
  },
  test: {
    mocha: {
      timeout: 120_000,
      rootHooks: {
        // Keeper e2e tests spawn processes, worker threads and servers; should any handle
        // outlive its test, the run still ends once Hardhat has printed its summary.
        afterAll() {
          setTimeout(() => process.exit(process.exitCode ?? 0), 5_000).unref();
        },
      },
    },
  },
  paths: {
    sources: "./contracts",
    tests: { mocha: "./test", solidity: "./contracts/test" },
    ignition: "./deploy",
  },
  networks: {
    /**
     * `hardhat node --network devnet`, the devnet's chain (deploy/devnet.ts), mined like an L2:
     * no automine (it mined each transaction in a block of its own, one second after the last, so
     * the chain's clock ran ahead of the wall clock by hours); deploy/devnet.ts starts a block a
     * second, holding every transaction sent in that second, once it has replayed any saved
     * blocks, so no block is mined here before the replay. FIFO order and the genesis date from
     * PARADIGM_DEVNET_GENESIS let a replay rebuild a saved chain block for block (docs/devnet.md).
     */
    devnet: {
      type: "edr-simulated",
      chainType: "l1",
      chainId: 31337,
      initialDate: process.env.PARADIGM_DEVNET_GENESIS,
      mining: { auto: false, interval: 0, mempool: { order: "fifo" } },
    },
    /** The devnet's RPC, on PARADIGM_RPC_PORT (default 8545), for deploy/deploy.ts. */
    localhost: { type: "http", chainType: "l1", url: `http://127.0.0.1:${process.env.PARADIGM_RPC_PORT ?? 8545}` },
    ...l2Networks,
  },
  /** Sources are verified on Etherscan (one key for every chain it serves), Blockscout and Sourcify. */
  verify: { etherscan: { apiKey: configVariable("ETHERSCAN_API_KEY") } },
};

export default config;
