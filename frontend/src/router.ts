/** A hash router: `#/market`, `#/task/12`, `#/keeper/0xabc…`. */
import { useEffect, useState } from "react";

export type Route = { page: string; param?: string };

export function parseHash(hash: string): Route {
  const [page = "wallet", param] = hash.replace(/^#\/?/, "").split("/");
  return { page: page || "wallet", param: param ? decodeURIComponent(param) : undefined };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(window.location.hash));
  useEffect(() => {
    const on = () => setRoute(parseHash(window.location.hash));
    window.addEventListener("hashchange", on);
    return () => window.removeEventListener("hashchange", on);
  }, []);
  return route;
}

export const go = (path: string) => {
  window.location.hash = `#/${path}`;
};
