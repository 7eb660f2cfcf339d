export { paradigmTokenAbi } from "./paradigmToken.js";
export { modelRegistryAbi } from "./modelRegistry.js";
export { keeperRegistryAbi } from "./keeperRegistry.js";
export { taskMarketAbi } from "./taskMarket.js";
export { taskCourtAbi } from "./taskCourt.js";
export { emissionPoolAbi } from "./emissionPool.js";
export { genesisGuardianAbi } from "./genesisGuardian.js";
export { paradigmTimelockAbi } from "./paradigmTimelock.js";
