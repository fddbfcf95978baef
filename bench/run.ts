/**
 * `npm run bench [-- memory|list|http|http-breakdown|postgres|embedded|resources ...] [--quick]`: runs the
 * benchmarks (all when none is named), prints each table, and, for a full run, rewrites
 * docs/benchmarks.md with the figures as measured. `--quick` is a short trial run that writes nothing.
 * The PostgreSQL part, and the list and resources parts' server rows, need `TEST_DATABASE_URL`; they are skipped
 * without it.
 *
 * What is measured is the package as published: the run first builds it with tsup (the JavaScript of
 * `npm run build`, without type declarations) into node_modules/.cache, then runs again with
 * `appointment-scheduler` resolved to that build, in this process and in the server processes it starts.
 * (The sources through tsx would cost more than users pay: tsx wraps closures to keep their names.)
 */
import { execFileSync, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Section } from "./report.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const BUILD = join(root, "node_modules", ".cache", "appointment-scheduler-bench");
const require = createRequire(import.meta.url);

if (process.env.BENCH_PACKAGE_BUILD !== BUILD) {
  console.log(`Building the package into ${BUILD} …`);
  const tsup = join(require.resolve("tsup/package.json"), "..", "dist", "cli-default.js");
  execFileSync(
    process.execPath,
    [tsup, "--out-dir", BUILD, "--format", "esm", "--no-dts", "--no-sourcemap", "--silent"],
    { cwd: root, stdio: "inherit" },
  );
  writeFileSync(join(BUILD, "package.json"), '{ "type": "module" }\n');
  writeFileSync(
    join(BUILD, "tsconfig.json"),
    `${JSON.stringify(
      {
        extends: "../../../tsconfig.json",
        compilerOptions: { paths: { "appointment-scheduler": ["./index.js"], "appointment-scheduler/*": ["./*.js"] } },
      },
      null,
      2,
    )}\n`,
  );
  const run = spawnSync(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    {
      stdio: "inherit",
      env: { ...process.env, BENCH_PACKAGE_BUILD: BUILD, TSX_TSCONFIG_PATH: join(BUILD, "tsconfig.json") },
    },
  );
  process.exit(run.status ?? 1);
}

// Imported only now, so that they, and the package they import, load from the build.
const { httpBenchmark, httpBreakdownBenchmark } = await import("./http.js");
const { listBenchmark } = await import("./list.js");
const { embeddedBenchmark } = await import("./embedded.js");
const { memoryBenchmark } = await import("./memory.js");
const { postgresBenchmark } = await import("./postgres.js");
const { resourcesBenchmark } = await import("./resources.js");
const { environment, markdownReport, sectionTable } = await import("./report.js");

/** The parts of a full run, in order. */
const allParts = {
  memory: memoryBenchmark,
  list: listBenchmark,
  http: httpBenchmark,
  "http-breakdown": httpBreakdownBenchmark,
  postgres: postgresBenchmark,
  embedded: embeddedBenchmark,
  resources: resourcesBenchmark,
};
const args = process.argv.slice(2);
const quick = args.includes("--quick");
const chosen = args.filter((arg) => !arg.startsWith("--"));
const unknown = chosen.filter((name) => !(name in allParts));
if (unknown.length > 0) {
  console.error(`Unknown part ${unknown.join(", ")}: choose from ${Object.keys(allParts).join(", ")}`);
  process.exit(2);
}
if (!(globalThis as { gc?: unknown }).gc) console.warn("Run with --expose-gc (npm run bench does) to measure memory.");
const resolved = import.meta.resolve("appointment-scheduler");
if (!resolved.startsWith(`file://${BUILD}`)) throw new Error(`appointment-scheduler resolved to ${resolved}`);

const sections: Section[] = [];
for (const [name, run] of Object.entries(allParts)) {
  if (chosen.length > 0 && !chosen.includes(name)) continue;
  console.log(`\n== ${name}${quick ? " (quick)" : ""}`);
  // Each section starts on a collected heap: the one before may leave a large one (the memory section's
  // million appointments), whose collection would otherwise fall into this section's measurements.
  (globalThis as { gc?: () => void }).gc?.();
  const section = await run({ quick });
  console.log(sectionTable(section));
  sections.push(section);
}

if (!quick && chosen.length === 0) {
  const file = join(root, "docs", "benchmarks.md");
  writeFileSync(file, markdownReport(sections, environment(), new Date().toISOString().slice(0, 10)));
  // Formatted as the rest of the repository (aligned tables), so that the lint stays clean.
  execFileSync(process.execPath, [require.resolve("@biomejs/biome/bin/biome"), "format", "--write", file], {
    stdio: "ignore",
  });
  console.log("\nWrote docs/benchmarks.md");
}
