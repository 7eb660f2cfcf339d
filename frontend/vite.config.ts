import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

/**
 * The dApp's build. The SDK's tensor code checks the host's endianness with node:os; in the
 * browser that import resolves to a shim (browsers are little-endian in practice, and the shim
 * still checks with a typed array). Pages are lazy chunks; only the shell loads up front.
 */
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "./",
  plugins: [react()],
  resolve: {
    alias: { "node:os": fileURLToPath(new URL("./src/shims/os.ts", import.meta.url)) },
  },
  build: { target: "es2022", outDir: "dist", emptyOutDir: true, chunkSizeWarningLimit: 2000 },
});
