/** `par`: the Paradigm keeper and requester CLI. Every command has --help. */
import { Command } from "commander";
import { explain } from "../chain/errors/index.js";
import { defaults, type GlobalOpts } from "./context.js";
import { registerKeeperCommands } from "./keeper.js";
import { registerModelsCommands } from "./models.js";
import { registerTaskCommands } from "./task.js";
import { registerFaucetCommand, registerWalletCommands } from "./wallet.js";

const program = new Command("par")
  .description("Paradigm: paid, verifiable ML inference. Run a keeper, post tasks, manage PAR.")
  .option("--rpc <url>", "JSON-RPC endpoint (env PAR_RPC)", defaults.rpc)
  .option("--addresses <file>", "deployment address book (default deploy/deployments/<chainId>.json; env PAR_DEPLOYMENTS sets the folder)")
  .option("--keystore <file>", "encrypted keystore (env PAR_KEYSTORE); passphrase from PAR_PASSPHRASE or a prompt", defaults.keystore)
  .option("--cache <dir>", "model cache folder (env PAR_CACHE)", defaults.cache)
  .option("--json", "machine-readable output and structured logs")
  .showHelpAfterError("(run with --help for usage)");

const g = (): GlobalOpts => program.opts<GlobalOpts>();

registerKeeperCommands(program, g);
registerTaskCommands(program, g);
registerWalletCommands(program, g);
registerFaucetCommand(program, g);
registerModelsCommands(program, g);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  // a revert reads as a sentence with its values (keepers/src/chain/errors); other errors keep their message
  console.error(`par: ${explain(e)}`);
  process.exit(1);
}
