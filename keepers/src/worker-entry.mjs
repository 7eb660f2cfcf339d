// Worker bootstrap: loads the TypeScript worker through tsx, whatever loader the parent used.
import { tsImport } from "tsx/esm/api";
await tsImport("./worker.ts", import.meta.url);
