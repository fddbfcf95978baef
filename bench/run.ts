/**
 * `npm run bench [-- memory|http|postgres ...] [--quick]`: runs the benchmarks, prints each table, and,
 * for a full run of every part, rewrites docs/benchmarks.md with the figures as measured.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { httpBenchmark } from "./http.js";
import { memoryBenchmark } from "./memory.js";
import { postgresBenchmark } from "./postgres.js";
import { environment, markdownReport, type Section, sectionTable } from "./report.js";

const parts = { memory: memoryBenchmark, http: httpBenchmark, postgres: postgresBenchmark };
const args = process.argv.slice(2);
const quick = args.includes("--quick");
const chosen = args.filter((arg) => !arg.startsWith("--"));
const unknown = chosen.filter((name) => !(name in parts));
if (unknown.length > 0) {
  console.error(`Unknown part ${unknown.join(", ")}: choose from ${Object.keys(parts).join(", ")}`);
  process.exit(2);
}
if (!(globalThis as { gc?: unknown }).gc) console.warn("Run with --expose-gc (npm run bench does) to measure memory.");

const sections: Section[] = [];
for (const [name, run] of Object.entries(parts)) {
  if (chosen.length > 0 && !chosen.includes(name)) continue;
  console.log(`\n== ${name}${quick ? " (quick)" : ""}`);
  const section = await run({ quick });
  console.log(sectionTable(section));
  sections.push(section);
}

if (!quick && chosen.length === 0) {
  const file = new URL("../docs/benchmarks.md", import.meta.url);
  writeFileSync(file, markdownReport(sections, environment(), new Date().toISOString().slice(0, 10)));
  // Formatted as the rest of the repository (aligned tables), so that the lint stays clean.
  const biome = createRequire(import.meta.url).resolve("@biomejs/biome/bin/biome");
  execFileSync(process.execPath, [biome, "format", "--write", fileURLToPath(file)], { stdio: "ignore" });
  console.log("\nWrote docs/benchmarks.md");
}
