/**
 * Deploys Paradigm on the selected network and writes its address book <chainId>.json into
 * PAR_DEPLOYMENTS, where `par` reads it (default deploy/deployments/):
 *
 *   npx hardhat run --network localhost deploy/deploy.ts
 *
 * PARADIGM_PROFILE=devnet (the default on chain 31337) uses seconds-long windows and epochs, and
 * waits for one block after each step instead of Ignition's five: nobody reorgs a local chain.
 * The genesis models of the SDK's catalog (keepers/src/models.ts) are approved at deployment.
 * PARADIGM_CANARY names the canary service's address (benchmarks and canaries; default: the deployer).
 */
import path from "node:path";
import { network } from "hardhat";
import { MODELS, specStruct } from "../keepers/src/index.js";
import { POLICY_MODEL } from "../keepers/src/models.js";
import { deployParadigm, writeAddressBook } from "./deployment.js";
import { DEVNET } from "./parameters.js";

const connection = await network.create();
const chainId = await (await connection.viem.getPublicClient()).getChainId();
const devnet = (process.env.PARADIGM_PROFILE ?? (chainId === 31337 ? "devnet" : "production")) === "devnet";
// The genesis models (docs/design.md §9) are approved at deployment: ids 1, 2, 3 in catalog order,
// then the emission policy (id 4), whose tasks the protocol posts at each epoch's close.
const genesisModels = [...Object.values(MODELS), POLICY_MODEL].map(specStruct);
const policyModelId = genesisModels.length;
// The canary service (attestation: docs/market.md) is PARADIGM_CANARY, else the deployer.
const canary = process.env.PARADIGM_CANARY ? { canary: process.env.PARADIGM_CANARY } : {};
const profile = devnet ? DEVNET : { parameters: {}, market: {} };
const options = { ...profile, parameters: { ...profile.parameters, ...canary }, market: { ...profile.market, policyModelId }, genesisModels };
const book = await deployParadigm(connection, options, devnet ? 1 : undefined);
const file = writeAddressBook(book, process.env.PAR_DEPLOYMENTS);
console.log(`Paradigm deployed on chain ${book.chainId} at block ${book.deployBlock} → ${path.relative(process.cwd(), file)}`);
for (const [name, address] of Object.entries(book.contracts)) console.log(`  ${name.padEnd(18)} ${address}`);
