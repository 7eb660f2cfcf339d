/** Boot: fetch paradigm.json, then mount wagmi, TanStack Query and the app. */
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { WagmiProvider } from "wagmi";
import { loadConfig } from "./config/runtime";
import { ConfigContext } from "./config/context";
import { wagmiConfigFor } from "./wallet/wagmi";
import { App } from "./App";
import "./styles.css";

const root = createRoot(document.getElementById("root")!);

loadConfig().then(
  (cfg) => {
    const wagmi = wagmiConfigFor(cfg);
    const queries = new QueryClient({ defaultOptions: { queries: { staleTime: 1000 } } });
    root.render(
      <StrictMode>
        <ConfigContext.Provider value={cfg}>
          <WagmiProvider config={wagmi}>
            <QueryClientProvider client={queries}>
              <App />
            </QueryClientProvider>
          </WagmiProvider>
        </ConfigContext.Provider>
      </StrictMode>,
    );
  },
  (e: Error) => {
    root.render(<div className="note note-error" data-testid="config-error">The dApp cannot start: {e.message}</div>);
  },
);
