/**
 * Keeps docs/writing-a-store.md true: every TypeScript sample type-checks against the library as it is, the
 * skeleton as `./my-store.js` (which the other samples import), each sample a module of its own. Samples are
 * type-checked rather than run: the skeleton's methods are to be filled in, and the kit's samples declare
 * tests.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../", import.meta.url));
const doc = readFileSync(new URL("../../docs/writing-a-store.md", import.meta.url), "utf8");
/** Where the samples pretend to be: inside the repository, so that `appointment-scheduler` resolves. */
const folder = `${root}test/store/.docs/`;

/** The ```ts blocks of the doc, with the line each starts on; the one under "## A skeleton" is the store. */
function samples(): { line: number; code: string; file: string }[] {
  const skeletonAt = doc.indexOf("## A skeleton");
  let skeletonTaken = false;
  return [...doc.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((match) => {
    const line = doc.slice(0, match.index).split("\n").length;
    const isSkeleton = !skeletonTaken && match.index > skeletonAt;
    skeletonTaken ||= isSkeleton;
    return { line, code: match[1] ?? "", file: `${folder}${isSkeleton ? "my-store" : `sample-${line}`}.ts` };
  });
}

/** The type errors of `files` (path → source), compiled with the repository's tsconfig. */
function typeErrors(files: Map<string, string>): string[] {
  const configPath = `${root}tsconfig.json`;
  const parsed = ts.getParsedCommandLineOfConfigFile(
    configPath,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"));
      },
    },
  );
  if (!parsed) throw new Error("tsconfig.json could not be read");
  const host = ts.createCompilerHost(parsed.options);
  const { fileExists, readFile, getSourceFile, directoryExists } = host;
  // The samples' folder exists only here: module resolution asks for it before asking for a file in it.
  host.directoryExists = (name) => `${name}/` === folder || (directoryExists?.call(host, name) ?? true);
  host.fileExists = (name) => files.has(name) || fileExists.call(host, name);
  host.readFile = (name) => files.get(name) ?? readFile.call(host, name);
  host.getSourceFile = (name, language, ...rest) => {
    const text = files.get(name);
    return text === undefined
      ? getSourceFile.call(host, name, language, ...rest)
      : ts.createSourceFile(name, text, language);
  };
  const program = ts.createProgram([...files.keys()], { ...parsed.options, noEmit: true }, host);
  return [...files.keys()].flatMap((name) => {
    const source = program.getSourceFile(name);
    return ts.getPreEmitDiagnostics(program, source).map((diagnostic) => {
      const at =
        diagnostic.file && diagnostic.start !== undefined
          ? diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start)
          : undefined;
      const where = at ? `${name.slice(folder.length)}:${at.line + 1}` : name.slice(folder.length);
      return `${where}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n")}`;
    });
  });
}

describe("docs/writing-a-store.md", () => {
  const blocks = samples();

  it("has a skeleton store and samples that use it", () => {
    expect(blocks.some((block) => block.file.endsWith("/my-store.ts"))).toBe(true);
    expect(blocks.length).toBeGreaterThanOrEqual(3);
  });

  it("type-checks every TypeScript sample against the library", () => {
    const errors = typeErrors(new Map(blocks.map(({ file, code }) => [file, code])));
    expect(errors).toEqual([]);
  }, 60_000);

  it("names every method of the store contract in the skeleton", () => {
    const skeleton = blocks.find((block) => block.file.endsWith("/my-store.ts"))?.code ?? "";
    for (const method of [
      "write",
      "listAppointments",
      "listResourceAppointments",
      "getAppointment",
      "readChanges",
      "purgeExpired",
    ]) {
      expect(skeleton).toContain(`async ${method}(`);
    }
  });
});
