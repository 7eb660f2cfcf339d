/** Writes the in-code genesis models to keepers/models/*.onnx (byte-identical on every run). */
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { MODELS, sha256 } from "../src/models.js";

const dir = fileURLToPath(new URL("../models/", import.meta.url));
mkdirSync(dir, { recursive: true });
for (const key of ["mlp", "mixed"]) {
  const bytes = MODELS[key].bytes();
  writeFileSync(`${dir}${key}.onnx`, bytes);
  console.log(`${key}.onnx ${bytes.length} bytes sha256 ${sha256(bytes)}`);
}
