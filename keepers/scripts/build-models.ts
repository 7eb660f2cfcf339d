/**
 * Writes the models built in code to keepers/models/*.onnx (byte-identical on every run): the
 * genesis models mlp and mixed, the emission policy from its trained weights
 * (keepers/policy/genesis-policy.json; `npm run policy:train` retrains them), and luma, the
 * example docs/models.md registers.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { buildLuma } from "../examples/luma.js";
import { buildPolicyOnnx } from "../policy/model/onnx.js";
import { MODELS, sha256 } from "../src/models.js";

const buildPolicy = () => buildPolicyOnnx(JSON.parse(readFileSync(new URL("../policy/genesis-policy.json", import.meta.url), "utf8")));

const dir = fileURLToPath(new URL("../models/", import.meta.url));
mkdirSync(dir, { recursive: true });
const built: Record<string, () => Uint8Array> = { mlp: MODELS.mlp.bytes, mixed: MODELS.mixed.bytes, policy: buildPolicy, luma: buildLuma };
for (const [key, build] of Object.entries(built)) {
  const bytes = build();
  writeFileSync(`${dir}${key}.onnx`, bytes);
  console.log(`${key}.onnx ${bytes.length} bytes sha256 ${sha256(bytes)}`);
}
