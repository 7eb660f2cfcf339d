/**
 * Connects the SDK to a chain: a public client with retries and backoff, an optional wallet
 * client whose account has a nonce manager (many transactions in flight) and that estimates gas,
 * with headroom, before it takes a nonce and sends in nonce order, and typed contract instances
 * from the address book.
 */
import {
  createPublicClient,
  createWalletClient,
  defineChain,
  getContract,
  http,
  toHex,
  type Account,
  type Chain,
  type EIP1193RequestFn,
  type Hex,
  type PublicClient,
  type EstimateContractGasParameters,
  type WriteContractParameters,
  type Transport,
  type WalletClient,
} from "viem";
import { nonceManager, privateKeyToAccount } from "viem/accounts";
import { estimateContractGas, writeContract } from "viem/actions";
import { attestorAbi, emissionPoolAbi, genesisGuardianAbi, keeperRegistryAbi, modelRegistryAbi, paradigmTimelockAbi, paradigmTokenAbi, taskCourtAbi, taskMarketAbi } from "../abi.js";
import type { AddressBook } from "./addresses.js";
import { withReachCheck } from "./reach.js";
import { explainNoGas } from "./no-gas.js";

export type ParadigmClients = {
  publicClient: PublicClient<Transport, Chain>;
  walletClient?: WalletClient<Transport, Chain, Account>;
  account?: Account;
  book: AddressBook;
  contracts: ReturnType<typeof bindContracts>;
};

export function chainFor(chainId: number, rpcUrl: string): Chain {
  return defineChain({
    id: chainId,
    name: chainId === 31337 ? "paradigm-devnet" : `chain-${chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  });
}

function bindContracts(publicClient: PublicClient<Transport, Chain>, walletClient: WalletClient<Transport, Chain, Account> | undefined, book: AddressBook) {
  // Typed as if a wallet were always present; the SDK checks for one before any write.
  const client = { public: publicClient, wallet: walletClient as WalletClient<Transport, Chain, Account> };
  const c = book.contracts;
  return {
    token: getContract({ address: c.ParadigmToken, abi: paradigmTokenAbi, client }),
    models: getContract({ address: c.ModelRegistry, abi: modelRegistryAbi, client }),
    keepers: getContract({ address: c.KeeperRegistry, abi: keeperRegistryAbi, client }),
    market: getContract({ address: c.TaskMarket, abi: taskMarketAbi, client }),
    court: c.TaskCourt ? getContract({ address: c.TaskCourt, abi: taskCourtAbi, client }) : undefined,
    pool: c.EmissionPool ? getContract({ address: c.EmissionPool, abi: emissionPoolAbi, client }) : undefined,
    timelock: c.ParadigmTimelock ? getContract({ address: c.ParadigmTimelock, abi: paradigmTimelockAbi, client }) : undefined,
    guardian: c.GenesisGuardian ? getContract({ address: c.GenesisGuardian, abi: genesisGuardianAbi, client }) : undefined,
    attestor: c.Attestor ? getContract({ address: c.Attestor, abi: attestorAbi, client }) : undefined,
  };
}

/**
 * Gas limit = estimate × 6/5 + 100,000. A node's estimate is exact for the state it ran on, but
 * the transaction executes in a later block, where a branch on `block.timestamp` can cost more:
 * a zero-fee window that rolls over costs a few gas more; a finalize mined in the epoch after
 * its estimate settles the keeper's earlier work in the pool first, ~72,000 more (test
 * `sdk-client`). Only the gas used is paid, so headroom costs nothing but the balance to cover it.
 */
export const GAS_HEADROOM = { num: 6n, den: 5n, extra: 100_000n } as const;

/** `gas` raised by {@link GAS_HEADROOM}. */
export const withHeadroom = (gas: bigint) => (gas * GAS_HEADROOM.num) / GAS_HEADROOM.den + GAS_HEADROOM.extra;

/** `transport` with every `eth_estimateGas` answer raised by {@link GAS_HEADROOM}. */
export function withGasHeadroom(transport: Transport): Transport {
  return (params) => {
    const t = transport(params);
    const request = (async (args, options) => {
      const result = await t.request(args, options);
      return args.method === "eth_estimateGas" ? toHex(withHeadroom(BigInt(result as Hex))) : result;
    }) as EIP1193RequestFn;
    return { ...t, request };
  };
}

/**
 * `wallet` with contract writes that are safe for many transactions in flight from one account:
 * - each estimates its gas before the nonce manager hands out a nonce. viem takes the nonce first
 *   and estimates after, so a call that reverts in its estimate (a race that another keeper or
 *   requester won) resets the manager, and the account's other transactions in flight carry
 *   nonces above a gap, which the node refuses ("nonce higher than expected");
 * - they take their nonces and reach the node one at a time, in nonce order. Sent side by side
 *   over HTTP, a later nonce can arrive first, and a node that mines at once refuses it.
 * The estimate goes through the wallet's transport, so `withGasHeadroom` applies. A sender that
 * cannot pay the gas gets a NoGasError (no-gas.ts) saying so and how to get ETH.
 */
export function nonceSafe(wallet: WalletClient<Transport, Chain, Account>): WalletClient<Transport, Chain, Account> {
  let sending: Promise<unknown> = Promise.resolve();
  return wallet.extend((client) => ({
    writeContract: (async (args: WriteContractParameters) => {
      const account = args.account ?? client.account;
      try {
        const gas = args.gas ?? (await estimateContractGas(client, { ...args, account, prepare: false } as EstimateContractGasParameters));
        const sent = sending.then(() => writeContract(client, { ...args, gas }));
        sending = sent.catch(() => undefined);
        return await sent;
      } catch (e) {
        throw await explainNoGas(e, client, typeof account === "string" ? account : account.address);
      }
    }) as typeof client.writeContract,
  }));
}

/**
 * Builds clients from an RPC URL (HTTP, retried with exponential backoff, but failing at once with
 * `RpcUnreachableError` if the node has never answered) and an optional key.
 */
export function connect(opts: { rpcUrl: string; book: AddressBook; privateKey?: Hex; pollingInterval?: number }): ParadigmClients {
  const chain = chainFor(opts.book.chainId, opts.rpcUrl);
  const transport = withGasHeadroom(withReachCheck(http(opts.rpcUrl, { retryCount: 5, retryDelay: 200, timeout: 20_000 }), opts.rpcUrl));
  const publicClient = createPublicClient({ chain, transport, pollingInterval: opts.pollingInterval ?? 500 }) as PublicClient<Transport, Chain>;
  const account = opts.privateKey ? privateKeyToAccount(opts.privateKey, { nonceManager }) : undefined;
  const walletClient = account ? nonceSafe(createWalletClient({ chain, transport, account })) : undefined;
  return { publicClient, walletClient, account, book: opts.book, contracts: bindContracts(publicClient, walletClient, opts.book) };
}

/** Wraps already-built viem clients (e.g. Hardhat's) with the address book. */
export function fromClients(
  publicClient: PublicClient<Transport, Chain>,
  walletClient: WalletClient<Transport, Chain, Account> | undefined,
  book: AddressBook,
): ParadigmClients {
  return { publicClient, walletClient, account: walletClient?.account, book, contracts: bindContracts(publicClient, walletClient, book) };
}
