import { defineConfig } from "tsup";

export default defineConfig({
  // One entry per public subpath; package.json "exports" lists the same four (a test checks both agree).
  entry: {
    index: "src/index.ts",
    http: "src/http/index.ts",
    postgres: "src/postgres/index.ts",
    testing: "src/testing/index.ts",
  },
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  sourcemap: true,
  // Shared chunks in both formats, so a subpath and the root share one copy of each class (instanceof).
  splitting: true,
  target: "node20",
  // Peer dependencies stay imports, so the host's single copy is used.
  external: ["temporal-polyfill", "pg", "@electric-sql/pglite", "vitest", "fast-check"],
});
