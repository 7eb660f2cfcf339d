/** The shell: navigation, wallet, banners; each page is a lazy chunk. */
import { lazy, Suspense } from "react";
import { useRoute } from "./router";
import { Connect } from "./wallet/Connect";
import { Banners } from "./wallet/Banners";

const PAGES = {
  wallet: lazy(() => import("./pages/WalletPage")),
  market: lazy(() => import("./pages/MarketPage")),
  task: lazy(() => import("./pages/TaskPage")),
  keepers: lazy(() => import("./pages/KeepersPage")),
  keeper: lazy(() => import("./pages/KeeperPage")),
  emission: lazy(() => import("./pages/EmissionPage")),
  governance: lazy(() => import("./pages/GovernancePage")),
  models: lazy(() => import("./pages/ModelsPage")),
} as const;

const NAV: [keyof typeof PAGES, string][] = [
  ["wallet", "Wallet"], ["market", "Market"], ["keepers", "Keepers"], ["emission", "Emission"], ["governance", "Governance"], ["models", "Models"],
];

export function App() {
  const route = useRoute();
  const Page = PAGES[route.page as keyof typeof PAGES] ?? PAGES.wallet;
  return (
    <div className="app">
      <header>
        <span className="logo">Paradigm</span>
        <nav>
          {NAV.map(([page, label]) => (
            <a key={page} href={`#/${page}`} className={route.page === page ? "active" : ""} data-testid={`nav-${page}`}>{label}</a>
          ))}
        </nav>
        <Connect />
      </header>
      <Banners />
      <main>
        <Suspense fallback={<p>Loading…</p>}>
          <Page param={route.param} />
        </Suspense>
      </main>
    </div>
  );
}
