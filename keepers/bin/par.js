#!/usr/bin/env node
// The `par` CLI: runs the TypeScript entry through tsx.
import { tsImport } from "tsx/esm/api";
await tsImport("../src/cli/main.ts", import.meta.url);
