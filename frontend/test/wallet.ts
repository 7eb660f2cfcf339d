/**
 * A test wallet injected into the page: an EIP-1193 provider that announces itself by EIP-6963
 * (name, icon, rdns) and forwards every request to this process, which signs with a dev key
 * (viem local account) and relays reads to the chain. Switches make it answer 4001 (the user
 * declined), start on another chain, or not know the dApp's chain (4902 → wallet_addEthereumChain).
 */
import type { Page } from "playwright-core";
import { createWalletClient, http, toHex, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";

export type WalletOptions = { key: Hex; rpcUrl: string; chainId: number; startChainId?: number; knowsChain?: boolean; name?: string; legacyOnly?: boolean };

export type TestWallet = {
  address: Hex;
  /** Every method the page asked for, in order. */
  calls: string[];
  /** While true, any request that needs the user's approval is declined with 4001. */
  reject: boolean;
  chainId: number;
};

const ICON = "data:image/svg+xml;base64," + Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="32" height="32"><circle cx="16" cy="16" r="14" fill="#2b6cb0"/></svg>').toString("base64");

const NEEDS_USER = new Set(["eth_requestAccounts", "eth_sendTransaction", "eth_signTypedData_v4", "personal_sign", "wallet_switchEthereumChain", "wallet_addEthereumChain"]);

type RpcError = { code: number; message: string; data?: unknown };

async function rpc(url: string, method: string, params: unknown[]): Promise<unknown> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
  const body = (await res.json()) as { result?: unknown; error?: RpcError };
  if (body.error) throw body.error;
  return body.result;
}

/** Typed-data JSON as the page sends it (bigints as strings) → what viem signs. */
function typedData(json: string) {
  const d = JSON.parse(json) as { domain: Record<string, unknown>; types: Record<string, { name: string; type: string }[]>; primaryType: string; message: Record<string, unknown> };
  const { EIP712Domain: _, ...types } = d.types;
  const fix = (type: string, value: Record<string, unknown>) => {
    for (const f of types[type] ?? []) if (/^u?int\d*$/.test(f.type) && value[f.name] !== undefined) value[f.name] = BigInt(value[f.name] as string);
  };
  fix(d.primaryType, d.message);
  return { domain: { ...d.domain, chainId: d.domain.chainId === undefined ? undefined : Number(d.domain.chainId) }, types, primaryType: d.primaryType, message: d.message };
}

export async function installWallet(page: Page, opts: WalletOptions): Promise<TestWallet> {
  const account = privateKeyToAccount(opts.key);
  const wallet: TestWallet = { address: account.address, calls: [], reject: false, chainId: opts.startChainId ?? opts.chainId };
  let connected = false;
  let knowsChain = opts.knowsChain ?? true;
  const client = createWalletClient({ account, transport: http(opts.rpcUrl) });

  async function handle(method: string, params: unknown[]): Promise<unknown> {
    wallet.calls.push(method);
    if (NEEDS_USER.has(method) && wallet.reject) throw { code: 4001, message: "User rejected the request." };
    switch (method) {
      case "eth_chainId": return toHex(wallet.chainId);
      case "net_version": return String(wallet.chainId);
      case "eth_accounts": return connected ? [account.address] : [];
      case "eth_requestAccounts": connected = true; return [account.address];
      case "wallet_requestPermissions": connected = true; return [{ parentCapability: "eth_accounts" }];
      case "wallet_getPermissions": return connected ? [{ parentCapability: "eth_accounts" }] : [];
      case "wallet_revokePermissions": connected = false; return null;
      case "wallet_switchEthereumChain": {
        const id = Number((params[0] as { chainId: string }).chainId);
        if (id === opts.chainId && !knowsChain) throw { code: 4902, message: `Unrecognized chain ID ${toHex(id)}. Try adding the chain using wallet_addEthereumChain first.` };
        wallet.chainId = id;
        return null;
      }
      case "wallet_addEthereumChain": {
        const id = Number((params[0] as { chainId: string }).chainId);
        knowsChain = true;
        wallet.chainId = id;
        return null;
      }
      case "eth_sendTransaction": {
        const tx = params[0] as { to?: Hex; data?: Hex; value?: Hex; gas?: Hex };
        if (wallet.chainId !== opts.chainId) throw { code: 4901, message: "the wallet is on another chain" };
        const gas = tx.gas ? BigInt(tx.gas) : (BigInt((await rpc(opts.rpcUrl, "eth_estimateGas", [{ from: account.address, to: tx.to, data: tx.data, value: tx.value }])) as string) * 12n) / 10n;
        return client.sendTransaction({ account, chain: null, to: tx.to, data: tx.data, value: tx.value ? BigInt(tx.value) : 0n, gas });
      }
      case "eth_signTypedData_v4": return account.signTypedData(typedData(params[1] as string) as Parameters<typeof account.signTypedData>[0]);
      case "personal_sign": return account.signMessage({ message: { raw: params[0] as Hex } });
      default: return rpc(opts.rpcUrl, method, params);
    }
  }

  await page.exposeFunction("__parWalletRequest", async (json: string) => {
    const { method, params } = JSON.parse(json) as { method: string; params?: unknown[] };
    try {
      return JSON.stringify({ result: await handle(method, params ?? []) });
    } catch (e) {
      const err = e as RpcError & { cause?: unknown };
      const code = typeof err.code === "number" ? err.code : -32603;
      return JSON.stringify({ error: { code, message: err.message ?? String(e), data: err.data } });
    }
  });
  const info = { uuid: crypto.randomUUID(), name: opts.name ?? "Paradigm Test Wallet", icon: ICON, rdns: "org.paradigm.testwallet" };
  await page.addInitScript({ content: `(${PAGE_SIDE})(${JSON.stringify(info)}, ${opts.legacyOnly ? "true" : "false"});` });
  return wallet;
}

/**
 * The page side of the wallet, as source text (so no build step rewrites it): an EIP-1193
 * provider whose requests go to `__parWalletRequest`, emitting chainChanged after a switch, and
 * announced by EIP-6963 (or set as window.ethereum only, the legacy way).
 */
const PAGE_SIDE = String.raw`function (info, legacyOnly) {
  const listeners = {};
  const emit = (ev, arg) => (listeners[ev] || []).slice().forEach((l) => l(arg));
  let chain;
  const call = async (method, params) => {
    const out = JSON.parse(await window.__parWalletRequest(JSON.stringify({ method, params })));
    if (out.error) throw Object.assign(new Error(out.error.message), out.error);
    return out.result;
  };
  const provider = {
    isMetaMask: false,
    async request({ method, params }) {
      const result = await call(method, params);
      if (method === "eth_requestAccounts") emit("connect", { chainId: await call("eth_chainId") });
      if (method === "wallet_switchEthereumChain" || method === "wallet_addEthereumChain") {
        const now = await call("eth_chainId");
        if (now !== chain) { chain = now; emit("chainChanged", now); }
      }
      if (method === "eth_chainId") chain = result;
      return result;
    },
    on(ev, l) { (listeners[ev] = listeners[ev] || []).push(l); return provider; },
    removeListener(ev, l) { listeners[ev] = (listeners[ev] || []).filter((x) => x !== l); return provider; },
  };
  if (legacyOnly) { window.ethereum = provider; return; }
  const announce = () => window.dispatchEvent(new CustomEvent("eip6963:announceProvider", { detail: Object.freeze({ info, provider }) }));
  window.addEventListener("eip6963:requestProvider", announce);
  announce();
}`;
