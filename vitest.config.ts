import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Tests and examples import the package by its name, as users do; here that name means the sources.
const src = (path: string) => fileURLToPath(new URL(`./src/${path}`, import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^appointment-scheduler$/, replacement: src("index.ts") },
      { find: /^appointment-scheduler\/(http|icalendar|postgres|sqlite|testing)$/, replacement: src("$1/index.ts") },
    ],
  },
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/global-setup.ts"],
    setupFiles: ["test/support/clock.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
