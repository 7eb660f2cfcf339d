/** The deployment's contracts: address (from paradigm.json) and ABI (generated, from the SDK). */
import {
  emissionPoolAbi, keeperRegistryAbi, modelRegistryAbi, paradigmGovernorAbi, paradigmTokenAbi, taskCourtAbi, taskMarketAbi,
} from "@paradigm/keepers/abi";
import type { Address } from "viem";
import { useConfig } from "../config/context";

export function useContracts() {
  const { contracts: c } = useConfig();
  return {
    token: { address: c.ParadigmToken, abi: paradigmTokenAbi },
    models: { address: c.ModelRegistry, abi: modelRegistryAbi },
    keepers: { address: c.KeeperRegistry, abi: keeperRegistryAbi },
    market: { address: c.TaskMarket, abi: taskMarketAbi },
    court: c.TaskCourt ? { address: c.TaskCourt, abi: taskCourtAbi } : undefined,
    pool: c.EmissionPool ? { address: c.EmissionPool, abi: emissionPoolAbi } : undefined,
    governor: c.ParadigmGovernor ? { address: c.ParadigmGovernor, abi: paradigmGovernorAbi } : undefined,
  } as const;
}

export type Contracts = ReturnType<typeof useContracts>;
export type { Address };
