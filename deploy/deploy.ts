/**
 * Deploys Paradigm on the selected network and writes its address book <chainId>.json into
 * PAR_DEPLOYMENTS, where `par` reads it (default deploy/deployments/):
 *
 *   npx hardhat run --network localhost deploy/deploy.ts
 *
 * The network's profile (deploy/profiles.ts) sets the parameters: the devnet's, seconds-long windows
 * and epochs, waiting for one block after each step instead of Ignition's five (nobody reorgs a
 * local chain); a real L2's, production. A real L2 takes its RPC URL and the deployer's key from
 * Hardhat's encrypted keystore (docs/deploy.md).
 * The genesis models of the SDK's catalog (keepers/src/models.ts) are approved at deployment.
 * PARADIGM_CANARY names the canary service's address (benchmarks and canaries; default: the deployer).
 */
import path from "node:path";
import { network } from "hardhat";
import { MODELS, specStruct } from "../keepers/src/index.js";
import { POLICY_MODEL } from "../keepers/src/models.js";
import { deployParadigm, writeAddressBook } from "./deployment.js";
import { DEVNET, PROFILES } from "./profiles.js";

const connection = await network.create();
const base = PROFILES[connection.networkName];
if (!base) throw new Error(`no parameter profile for network "${connection.networkName}": add one to PROFILES in deploy/profiles.ts`);
const devnet = base === DEVNET;
// The genesis models (docs/design.md §9) are approved at deployment: ids 1, 2, 3 in catalog order,
// then the emission policy (id 4), whose tasks the protocol posts at each epoch's close.
const genesisModels = [...Object.values(MODELS), POLICY_MODEL].map(specStruct);
const policyModelId = genesisModels.length;
// The canary service (attestation: docs/market.md) is PARADIGM_CANARY, else the deployer.
const canary = process.env.PARADIGM_CANARY ? { canary: process.env.PARADIGM_CANARY } : {};
const options = { ...base, parameters: { ...base.parameters, ...canary }, market: { ...base.market, policyModelId }, genesisModels };
const { book } = await deployParadigm(connection, options, devnet ? 1 : undefined);
const file = writeAddressBook(book, process.env.PAR_DEPLOYMENTS);
console.log(`Paradigm deployed on chain ${book.chainId} at block ${book.deployBlock} → ${path.relative(process.cwd(), file)}`);
for (const [name, address] of Object.entries(book.contracts)) console.log(`  ${name.padEnd(18)} ${address}`);
