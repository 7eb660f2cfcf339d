/** `par wallet`: balances, the market deposit, transfers, the keystore's address; and `par faucet` (devnet gas). */
import { InvalidArgumentError, type Command } from "commander";
import { formatUnits, parseEther, type Address, type Hex } from "viem";
import { formatPar } from "../amounts.js";
import type { ParadigmClients } from "../chain/client.js";
import { fundFromNode } from "../chain/faucet.js";
import { deposit, mined, withdrawDeposit } from "../chain/requester.js";
import { keystoreAddress } from "../keystore.js";
import { addrArg, chainIdOf, clients, parArg, print, type GlobalOpts } from "./context.js";

/** Printed with every faucet answer: a new account's next question is where its PAR comes from. */
const HOW_TO_GET_PAR =
  "none: PAR has no premine and the emission pool is its only minter, so no faucet can give it. " +
  "On the devnet, earn it as a keeper (`par keeper stake 0 --models 1,2,3`, then `par keeper run`), " +
  "or ask a keeper to send you some (`par wallet send <address> <amount>`)";

const ethArg = (v: string) => {
  if (!/^\d+(\.\d{1,18})?$/.test(v)) throw new InvalidArgumentError(`--eth must be an amount of ETH like 10 or 0.5, got "${v}"`);
  return v;
};

/**
 * `wallet deposit` and `wallet withdraw`: move <amount> PAR into or out of the market deposit,
 * then print the amount moved (under `done`), the deposit left and the transaction.
 */
function depositCommand(
  wallet: Command, g: () => GlobalOpts,
  name: string, description: string, done: string, move: (c: ParadigmClients, amount: bigint) => Promise<Hex>,
): void {
  wallet
    .command(`${name} <amount>`)
    .description(description)
    .action(async (amountText: string) => {
      const amount = parArg("<amount>")(amountText);
      const { c } = await clients(g(), true);
      const tx = await move(c, amount);
      print(g(), { [done]: formatPar(amount), deposit: formatPar(await c.contracts.market.read.depositOf([c.account!.address])), tx });
    });
}

export function registerWalletCommands(program: Command, g: () => GlobalOpts): void {
  const wallet = program.command("wallet").description("PAR balances and transfers");

  wallet
    .command("balance [address]")
    .description("PAR and gas balance (default: your keystore's address, no passphrase needed)")
    .action(async (address?: string) => {
      const who = address ? addrArg(address) : keystoreAddress(g().keystore);
      const { c } = await clients(g(), false);
      print(g(), {
        address: who,
        PAR: formatPar(await c.contracts.token.read.balanceOf([who])),
        deposit: formatPar(await c.contracts.market.read.depositOf([who])),
        ETH: formatUnits(await c.publicClient.getBalance({ address: who }), 18),
      });
    });

  depositCommand(wallet, g, "deposit", "prepay <amount> PAR of task fees into the market (posts then need no approval and cost less gas)",
    "deposited", (c, amount) => deposit(c, amount));
  depositCommand(wallet, g, "withdraw", "take <amount> PAR of your unused deposit back to your wallet", "withdrawn", withdrawDeposit);

  wallet
    .command("send <to> <amount>")
    .description("send <amount> PAR (8 decimals, exact) to <to>")
    .action(async (to: string, amountText: string) => {
      const dest: Address = addrArg(to);
      const amount = parArg("<amount>")(amountText);
      const { c } = await clients(g(), true);
      const have = await c.contracts.token.read.balanceOf([c.account!.address]);
      if (have < amount) throw new Error(`insufficient PAR: have ${formatPar(have)}, sending ${formatPar(amount)}`);
      const hash = await c.contracts.token.write.transfer([dest, amount], { account: c.walletClient!.account, chain: c.walletClient!.chain });
      await mined(c, hash, "transfer");
      print(g(), { sent: formatPar(amount), to: dest, tx: hash });
    });

  wallet
    .command("address")
    .description("the address of your keystore (read from the file: no passphrase, no chain)")
    .action(() => print(g(), { address: keystoreAddress(g().keystore) }));
}

export function registerFaucetCommand(program: Command, g: () => GlobalOpts): void {
  program
    .command("faucet [address]")
    .description("local devnet only: send <address> (default: your keystore's) ETH for gas from the node's own account; PAR cannot be handed out, only earned")
    .option("--eth <amount>", "ETH to send", ethArg, "10")
    .action(async (address: string | undefined, o) => {
      const who = address ? addrArg(address) : keystoreAddress(g().keystore);
      await chainIdOf(g().rpc);
      const tx = await fundFromNode(g().rpc, who, parseEther(o.eth));
      print(g(), { address: who, ETH: `+${o.eth}`, tx, PAR: HOW_TO_GET_PAR });
    });
}
