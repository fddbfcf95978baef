/**
 * Every code sample of the docs runs or type-checks as written.
 *
 * The samples: every fenced ts, typescript, mts, cts, js, javascript, mjs or cjs block of README.md and of
 * every Markdown file under docs/ and examples/ (found by listing the folders, so a new doc is covered as it
 * is). Each is written to a module of its own, in a folder per doc under test/docs/.samples/ (git-ignored,
 * outside the repository's tsc run, and left after the run: `npx tsc -p test/docs/.samples` shows the same
 * type errors), and then:
 *
 * - all of them are type-checked in one TypeScript program, with the repository's tsconfig.json (strict,
 *   NodeNext, `appointment-scheduler` and its subpaths mapped to src/), as modules of their own;
 * - each is imported, as a user pasting it into an ES module would run it (vitest maps the package's name
 *   to src/ too), unless it is marked.
 *
 * The marker, an HTML comment on the line right before the fence (GitHub does not show it):
 *
 *   <!-- sample: typecheck -->              type-check only, for a sample that cannot run here: it needs a
 *                                           PostgreSQL server, starts a server, declares tests, or is a
 *                                           skeleton for the reader to fill in
 *   <!-- sample: typecheck as my-store.ts -->  the same, under that file name: the doc's other samples import
 *                                           it as `./my-store.js` (`run as …` names a running sample)
 *
 * A malformed or misplaced marker, and a fence without a language, fail the test, so that no sample is left
 * out by accident.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { docFiles, type Sample, samplesOf } from "./markdown.js";

const scratch = new URL("./.samples/", import.meta.url);
const docs = docFiles().map((doc) => ({ doc, ...samplesOf(doc) }));
const fileOf = (sample: Sample) => new URL(`${sample.doc.replaceAll(/[/.]/g, "-")}/${sample.fileName}`, scratch);

/**
 * A module with a known type error, checked in the same program: if the program ever stopped checking the
 * samples (a path or an option gone wrong), its error would be missing and the test would say so.
 */
const canary = new URL("canary/canary.ts", scratch);
const CANARY = 'export const canary: number = "not a number";\n';

/** Type errors by sample file, from one program over every sample; `""` holds those of no sample. */
let typeErrors: Map<string, string[]>;

function typeCheck(files: string[]): Map<string, string[]> {
  const config = {
    extends: "../../../tsconfig.json",
    compilerOptions: { allowJs: true, checkJs: true },
    files: files.map((file) => file.slice(fileURLToPath(scratch).length)),
    include: [], // not the repository's files: only the samples, and what they import
  };
  writeFileSync(new URL("tsconfig.json", scratch), `${JSON.stringify(config, null, 2)}\n`);
  const parsed = ts.getParsedCommandLineOfConfigFile(fileURLToPath(new URL("tsconfig.json", scratch)), undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"));
    },
  });
  if (!parsed) throw new Error("the samples' tsconfig.json could not be read");
  const program = ts.createProgram(parsed.fileNames, { ...parsed.options, noEmit: true });
  const errors = new Map<string, string[]>([["", []]]);
  const report = (diagnostic: ts.Diagnostic) => {
    const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
    if (!diagnostic.file || diagnostic.start === undefined) return errors.get("")?.push(text);
    const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    const name = resolve(diagnostic.file.fileName);
    errors.set(name, [...(errors.get(name) ?? []), `line ${line + 1}:${character + 1}: ${text}`]);
  };
  [...parsed.errors, ...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()].forEach(report);
  // Only the samples are checked: src/ is the repository's own tsc run's business.
  for (const file of files) ts.getPreEmitDiagnostics(program, program.getSourceFile(file)).forEach(report);
  return errors;
}

beforeAll(() => {
  // The samples run on today's clock, as a reader's would, not on the tests' 2021 one (test/support/clock.ts).
  vi.useRealTimers();
  rmSync(scratch, { recursive: true, force: true });
  const files: string[] = [];
  for (const { samples } of docs) {
    for (const sample of samples) {
      const file = fileOf(sample);
      mkdirSync(new URL("./", file), { recursive: true });
      writeFileSync(file, sample.code);
      files.push(fileURLToPath(file));
    }
  }
  mkdirSync(new URL("./", canary), { recursive: true });
  writeFileSync(canary, CANARY);
  typeErrors = typeCheck([...files, fileURLToPath(canary)]);
}, 60_000);

describe("the docs' code samples", () => {
  it("are found: README.md and every doc, every TypeScript or JavaScript fence", () => {
    expect(docs.map(({ doc }) => doc)).toContain("README.md");
    expect(docs.map(({ doc }) => doc)).toContain("docs/rules.md");
    expect(docs.flatMap(({ samples }) => samples).length).toBeGreaterThanOrEqual(15);
  });

  it("have a language on every fence and well-placed markers", () => {
    expect(docs.flatMap(({ problems }) => problems)).toEqual([]);
  });

  it("are type-checked for real: a known type error in the same program is found", () => {
    expect(typeErrors.get("")).toEqual([]);
    expect(typeErrors.get(resolve(fileURLToPath(canary)))).toEqual([
      "line 1:14: Type 'string' is not assignable to type 'number'.",
    ]);
  });
});

describe.each(docs.filter(({ samples }) => samples.length > 0))("$doc", ({ samples }) => {
  it.each(samples)("the sample at line $line type-checks", (sample) => {
    expect(typeErrors.get(resolve(fileURLToPath(fileOf(sample)))) ?? []).toEqual([]);
  });

  it.each(samples.filter((sample) => sample.mode === "run"))("the sample at line $line runs", async (sample) => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    try {
      await import(fileURLToPath(fileOf(sample)));
    } finally {
      log.mockRestore();
    }
  });
});
