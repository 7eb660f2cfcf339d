// Runner bootstrap: loads the TypeScript runner through tsx, whatever loader the parent used.
import { tsImport } from "tsx/esm/api";
await tsImport("./runner.ts", import.meta.url);
