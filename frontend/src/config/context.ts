/** The loaded configuration, for every component below the root. */
import { createContext, useContext } from "react";
import type { ParadigmConfig } from "./runtime";

export const ConfigContext = createContext<ParadigmConfig | null>(null);

export function useConfig(): ParadigmConfig {
  const c = useContext(ConfigContext);
  if (!c) throw new Error("useConfig outside the ConfigContext provider");
  return c;
}
