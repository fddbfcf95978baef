/**
 * What a benchmark returns, and how the run prints it and writes docs/benchmarks.md.
 */

import { readFileSync } from "node:fs";
import { cpus, release, totalmem, type } from "node:os";

/** One comparison: the library's figure against its baseline, measured in the same run. */
export interface Comparison {
  readonly name: string;
  readonly unit: string;
  readonly baseline: number;
  readonly measured: number;
  /** The goal for `measured / baseline`, if the issue sets one. */
  readonly goal?: number;
}

/** A benchmark's section of the report. */
export interface Section {
  readonly title: string;
  /** What is measured and how, one paragraph. */
  readonly method: string;
  readonly comparisons: readonly Comparison[];
  /** Further figures, already formatted (`memory per appointment: 412 bytes`). */
  readonly notes?: readonly string[];
  /** Set when the section could not run (`no TEST_DATABASE_URL`). */
  readonly skipped?: string;
}

export const ratio = (c: Comparison) => c.measured / c.baseline;

const number = (value: number) =>
  value >= 100
    ? Math.round(value).toLocaleString("en-US")
    : value.toLocaleString("en-US", { maximumFractionDigits: 2 });

const verdict = (c: Comparison) => (c.goal === undefined ? "" : ratio(c) >= c.goal ? `≥ ${c.goal} ✓` : `≥ ${c.goal} ✗`);

/** The section as a Markdown table (also readable in a terminal). */
export function sectionTable(section: Section): string {
  if (section.skipped) return `Skipped: ${section.skipped}`;
  const rows = section.comparisons.map(
    (c) =>
      `| ${c.name} | ${number(c.baseline)} | ${number(c.measured)} | ${c.unit} | ${ratio(c).toFixed(2)} | ${verdict(c)} |`,
  );
  return [
    "| case | baseline | appointment-scheduler | unit | ratio | goal |",
    "| --- | ---: | ---: | --- | ---: | --- |",
    ...rows,
    ...(section.notes?.length ? ["", ...section.notes.map((note) => `- ${note}`)] : []),
  ].join("\n");
}

/** The machine and versions the figures were measured on. */
export function environment(extra: readonly string[] = []): string[] {
  const version = (name: string) => {
    try {
      const url = new URL(`../node_modules/${name}/package.json`, import.meta.url);
      return `${name} ${(JSON.parse(readFileSync(url, "utf8")) as { version: string }).version}`;
    } catch {
      return `${name} (not installed)`;
    }
  };
  const cpu = cpus();
  const own = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
    name: string;
    version: string;
  };
  return [
    `CPU: ${cpu[0]?.model ?? "unknown"}, ${cpu.length} cores; memory ${(totalmem() / 2 ** 30).toFixed(0)} GiB; ${type()} ${release()}`,
    `Node.js ${process.version}; ${own.name} ${own.version} (built from this checkout); ${["temporal-polyfill", "express", "fastify", "hono", "@hono/node-server", "koa", "@koa/router", "pg", "tinybench", "autocannon"].map(version).join(", ")}`,
    ...extra,
  ];
}

/** docs/benchmarks.md: how to run, the environment, every section as measured, then bench/findings.md. */
export function markdownReport(sections: readonly Section[], env: readonly string[], date: string): string {
  const findings = readFileSync(new URL("./findings.md", import.meta.url), "utf8");
  return `# Benchmarks

\`npm run bench\` measures what the library costs against the least code that does the same job, always as a
ratio against a baseline run in the same process and the same run: these machines are noisy, so absolute
figures vary from run to run while the ratios hold far better. Across machines even the ratios move, where
the library and its baseline lean on different parts of the machine (see the findings of session 16). It
rewrites this page with the figures exactly as measured. \`npm run bench -- memory\` (or \`list\`, \`http\`, \`http-breakdown\`, \`postgres\`, \`embedded\`, \`resources\`) runs one part; \`--quick\` gives a
short trial run; neither rewrites this page. Every run measures the package as built from the sources (tsup, as
\`npm run build\`). Benchmarks are not part of \`npm test\` or CI.

Measured ${date} on:

${env.map((line) => `- ${line}`).join("\n")}

${sections.map((s) => `## ${s.title}\n\n${s.method}\n\n${sectionTable(s)}\n`).join("\n")}
${findings}`;
}
