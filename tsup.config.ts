import { join } from "node:path";
import { defineConfig } from "tsup";
import { fixSourceMapFiles } from "./scripts/source-maps.js";

export default defineConfig({
  // One entry per public subpath; package.json "exports" lists the same six (a test checks both agree).
  entry: {
    index: "src/index.ts",
    http: "src/http/index.ts",
    icalendar: "src/icalendar/index.ts",
    postgres: "src/postgres/index.ts",
    sqlite: "src/sqlite/index.ts",
    testing: "src/testing/index.ts",
  },
  format: ["esm", "cjs"],
  // Declarations come from tsc (`tsconfig.build.json`), one file per source file under dist/types/, and
  // their CommonJS copies from scripts/emit-cjs-declarations.ts: see docs/module-systems.md.
  dts: false,
  clean: true,
  // Maps with relative sources (`../src/…`) and the sources' text inside (`sourcesContent`), so they work
  // without src/ in the package; the plugin drops the one absolute path tsup's CommonJS splitting leaves.
  sourcemap: true,
  // Shared chunks in both formats, so a subpath and the root share one copy of each class (instanceof).
  splitting: true,
  target: "node20",
  // Peer dependencies stay imports, so the host's single copy is used.
  external: ["temporal-polyfill", "pg", "@electric-sql/pglite", "vitest", "fast-check"],
  plugins: [
    {
      name: "relative-source-maps",
      buildEnd({ writtenFiles }) {
        fixSourceMapFiles(writtenFiles.map((file) => join(process.cwd(), file.name)));
      },
    },
  ],
});
