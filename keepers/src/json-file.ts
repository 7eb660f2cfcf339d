/** Reads a JSON file that a user gives (an input, a keystore, an address book). */
import { readFileSync } from "node:fs";

/** The parsed file; a syntax error names the file, then V8's account of it (the token and where). */
export function readJsonFile(file: string, what: string): unknown {
  const text = readFileSync(file, "utf8");
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${what} ${file}: ${(e as Error).message}`);
  }
}
