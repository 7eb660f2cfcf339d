// Thread bootstrap for the pool's worker and runner threads: loads the TypeScript module named
// in workerData through tsx, whatever loader the parent used.
import { workerData } from "node:worker_threads";
import { tsImport } from "tsx/esm/api";
await tsImport(workerData.module, import.meta.url);
