import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import type { Future } from "@nomicfoundation/ignition-core";
import { keccak256, stringToHex, toHex, zeroAddress, type Address, type Hex } from "viem";

/** A ModelSpec tensor: `{ string name; uint8 dtype; int64[] shape }`. */
type TensorSpecStruct = { name: string; dtype: number; shape: bigint[] };

/**
 * A model to approve at genesis: the ModelRegistry's ModelSpec, as viem encodes it. Arrays are
 * mutable because Ignition's `ArgumentType` accepts no readonly ones.
 */
export type GenesisModel = {
  modelHash: Hex;
  uri: string;
  computeUnits: number;
  maxInputBytes: number;
  maxOutputBytes: number;
  outputDecimals: number;
  tolerance: number;
  inputs: TensorSpecStruct[];
  outputs: TensorSpecStruct[];
};

/** Governance parameters set at genesis, by name (`setParameter(bytes32 name, uint256 value)`). */
export type ParameterSet = Readonly<Record<string, bigint | number>>;

export type ParadigmModuleOptions = {
  genesisModels?: readonly GenesisModel[];
  market?: ParameterSet;
  court?: ParameterSet;
  pool?: ParameterSet;
  /**
   * Attestation by useful work (default on): an Attestor whose canary service (module parameter
   * "canary", default the deployer) benchmarks each new keeper before it may be active, and posts
   * canaries. Off only for tests that run keepers without a canary service.
   */
  attestation?: boolean;
  /**
   * The second policy oracle (docs/policy-functions.md): a PolicyFunctionsOracle on this chain's
   * Chainlink Functions router, granted POLICY_ROLE beside the market before the role is sealed.
   * Governance then chooses which one steers: `policyModelId` 0 switches the market's off,
   * `pinSource(0)` the oracle's. Absent: the keeper network is the only oracle.
   */
  functions?: { router: Address; donId: Hex; subscriptionId: bigint; callbackGasLimit: number };
  /**
   * Tests only (deploy/profiles.ts, TEST): the deployer stands in for the timelock. It governs
   * every contract and keeps its admin roles (nothing is sealed or renounced), so a test can set
   * parameters, grant roles and arbitrate; no timelock, Governor or guardian is deployed.
   * `minter: "deployer"` makes it PAR's minter too, so tests can mint; "pool": the emission pool
   * is, as in production. `policyTasks: false` leaves the pool without a market, so closing an
   * epoch posts no policy task (a bare market, for the gas bench's comparison).
   */
  test?: { minter: "deployer" | "pool"; policyTasks?: boolean };
};

const role = (name: string) => keccak256(toHex(name));
const DEFAULT_ADMIN_ROLE: Hex = `0x${"00".repeat(32)}`;

/**
 * The whole protocol, wired as docs/design.md §9 wants it at genesis: PAR with zero supply and the
 * emission pool as its only minter; Governor + GenesisGuardian proposing through the timelock;
 * the market holding the pool's and the registry's market roles, sealed for good; the genesis
 * models approved; then every deployer admin role renounced, so only the timelock governs.
 *
 * Parameters (module "Paradigm") default to production values; the devnet passes seconds.
 */
export function paradigmModule({
  genesisModels = [],
  market: marketParameters = {},
  court: courtParameters = {},
  pool: poolParameters = {},
  attestation = true,
  functions,
  test,
}: ParadigmModuleOptions = {}) {
  return buildModule("Paradigm", (m) => {
    const deployer = m.getAccount(0);
    const p = <T extends string | number | bigint>(name: string, fallback: T) => m.getParameter(name, fallback);

    // The timelock's delay stays above the registry's unbonding period, so stakers can always
    // unbond and withdraw before a scheduled operation executes (both contracts enforce it).
    const timelock = test ? undefined : m.contract("ParadigmTimelock", [p("timelockDelay", 8n * 86_400n), [], [zeroAddress], deployer]);
    const governance = timelock ?? deployer;
    const token = m.contract("ParadigmToken", [governance]);
    const guardian = timelock && m.contract("GenesisGuardian", [
      timelock,
      token,
      p("guardian", deployer as unknown as string),
      p("guardianThreshold", 80_000_000n * 10n ** 8n),
    ]);

    const pool = m.contract("EmissionPool", [token, governance, p("epochLength", 86_400n)]);
    const setMinter = m.call(token, "setMinter", [test?.minter === "deployer" ? deployer : pool]);

    const models = m.contract("ModelRegistry", [governance]);
    const keepers = m.contract("KeeperRegistry", [
      token,
      governance,
      p("minStake", 0n),
      p("unbondingPeriod", 7n * 86_400n),
      p("maxCommissionBps", 2_000n),
      p("commissionDelay", 7n * 86_400n),
    ]);
    // Quorum is a fraction of the votable supply: staked PAR (the registry's own, uncast votes) is left out.
    const governor = timelock && m.contract("ParadigmGovernor", [
      token,
      timelock,
      p("votingDelay", 86_400),
      p("votingPeriod", 5 * 86_400),
      p("proposalThreshold", 100_000n * 10n ** 8n),
      p("quorumPercent", 4n),
      keepers,
    ]);
    const extension = m.contract("TaskMarketExtension", [token, models, keepers, pool]);
    const market = m.contract("TaskMarket", [token, models, keepers, pool, governance, extension]);
    // TaskMarket forwards its cold functions (setCourt, setParameter, ...) to an extension: call
    // them through the full ITaskMarket ABI at the market's address.
    const marketApi = m.contractAt("ITaskMarket", market, { id: "TaskMarketApi" });
    const court = m.contract("TaskCourt", [token, keepers, pool, market, governance]);
    const functionsOracle = functions
      ? m.contract("PolicyFunctionsOracle", [
          governance, functions.router, pool, market, functions.donId, functions.subscriptionId, functions.callbackGasLimit,
        ])
      : undefined;

    // The roles through which funds move (credit work and mint, slash, vest, steer emission) go
    // to the protocol's own contracts, then are sealed: nobody, the timelock included, can grant
    // or revoke them afterwards (SealedRoles; docs/governance.md).
    const poolRoles = [
      m.call(pool, "grantRole", [role("MARKET_ROLE"), market], { id: "pool_market" }),
      m.call(pool, "grantRole", [role("POLICY_ROLE"), market], { id: "pool_policy" }),
      m.call(pool, "grantRole", [role("MARKET_ROLE"), court], { id: "pool_court" }),
      ...(functionsOracle ? [m.call(pool, "grantRole", [role("POLICY_ROLE"), functionsOracle], { id: "pool_policy_functions" })] : []),
    ];
    const keepersRoles = [
      m.call(keepers, "grantRole", [role("MARKET_ROLE"), market], { id: "keepers_market" }),
      m.call(keepers, "grantRole", [role("MARKET_ROLE"), court], { id: "keepers_court" }),
      // keepers' emission vests into their own stake while genesisVesting > 0 (docs/design.md §9)
      m.call(keepers, "grantRole", [role("VESTER_ROLE"), pool], { id: "keepers_vester" }),
    ];
    const wiring: Future[] = [
      setMinter,
      ...poolRoles,
      ...keepersRoles,
      m.call(pool, "setKeepers", [keepers]),
      m.call(marketApi, "setCourt", [court]),
    ];
    // each closeEpoch has the market post the policy task
    if (test?.policyTasks !== false) wiring.push(m.call(pool, "setMarket", [market]));
    if (timelock && governor && guardian) {
      wiring.push(
        m.call(timelock, "grantRole", [role("PROPOSER_ROLE"), governor], { id: "proposer_governor" }),
        m.call(timelock, "grantRole", [role("CANCELLER_ROLE"), governor], { id: "canceller_governor" }),
        m.call(timelock, "grantRole", [role("PROPOSER_ROLE"), guardian], { id: "proposer_guardian" }),
        m.call(timelock, "grantRole", [role("CANCELLER_ROLE"), guardian], { id: "canceller_guardian" }),
        m.call(timelock, "setKeepers", [keepers], { id: "timelock_keepers" }),
      );
    }
    if (!test) {
      wiring.push(
        m.call(pool, "sealRoles", [], { id: "pool_seal", after: poolRoles }),
        m.call(keepers, "sealRoles", [], { id: "keepers_seal", after: keepersRoles }),
        m.call(court, "sealRoles", [], { id: "court_seal" }), // ARBITER_ROLE: the timelock, from the constructor
      );
    }
    const attestor = attestation ? m.contract("Attestor", [keepers, court, governance]) : undefined;
    if (attestor) {
      const canaryRole = m.call(attestor, "grantRole", [role("CANARY_ROLE"), p("canary", deployer as unknown as string)], { id: "attestor_canary" });
      wiring.push(canaryRole, m.call(keepers, "setAttestor", [attestor], { id: "keepers_attestor" }));
    }
    const setParameters = (contract: typeof marketApi | typeof court | typeof pool, prefix: string, values: ParameterSet) => {
      for (const [name, value] of Object.entries(values)) {
        wiring.push(m.call(contract, "setParameter", [stringToHex(name, { size: 32 }), BigInt(value)], { id: `${prefix}_${name}` }));
      }
    };
    setParameters(marketApi, "market", marketParameters);
    setParameters(court, "court", courtParameters);
    setParameters(pool, "pool", poolParameters);

    genesisModels.forEach((spec, i) => {
      const proposed = m.call(models, "propose", [spec], { id: `propose_model_${i}` });
      const id = m.readEventArgument(proposed, "ModelProposed", "id", { id: `model_id_${i}` });
      wiring.push(m.call(models, "approve", [id], { id: `approve_model_${i}` }));
    });

    if (timelock) {
      const admins = { timelock, pool, models, keepers, market, court, ...(attestor && { attestor }) };
      for (const [name, contract] of Object.entries(admins)) {
        m.call(contract, "renounceRole", [DEFAULT_ADMIN_ROLE, deployer], { id: `renounce_${name}`, after: wiring });
      }
    }

    return {
      token, pool, models, keepers, market, marketApi, court,
      ...(timelock && { timelock, governor: governor!, guardian: guardian! }),
      ...(attestor && { attestor }), ...(functionsOracle && { functionsOracle }),
    };
  });
}

export default paradigmModule();
