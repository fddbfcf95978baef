/**
 * Tests that need a PostgreSQL server say so when they are skipped: collected (not run) by vitest without
 * `TEST_DATABASE_URL`, every skipped test of every file that uses the server has `TEST_DATABASE_URL` in its
 * name or its group's (see `NEEDS_SERVER` in targets.ts), and every such file has some, so that no server
 * test vanishes without a word.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createVitest } from "vitest/node";
import { NEEDS_SERVER, postgresTargets } from "./targets.js";

const root = new URL("../../", import.meta.url);
const self = fileURLToPath(import.meta.url);

/** The test files that use the server, by what they import or read. */
const serverTestFiles = readdirSync(new URL("test/", root), { recursive: true, encoding: "utf8" })
  .map((name) => fileURLToPath(new URL(`test/${name}`, root)))
  .filter((file) => file.endsWith(".test.ts") && file !== self)
  .filter((file) => /\b(TEST_DATABASE_URL|serverPool|serverTarget|postgresTargets)\b/.test(readFileSync(file, "utf8")));

describe("tests that need a PostgreSQL server, without TEST_DATABASE_URL", () => {
  it("name it in the reason they give", () => {
    expect(NEEDS_SERVER).toContain("TEST_DATABASE_URL");
    const unavailable = postgresTargets.filter((target) => !target.available);
    if (!process.env.TEST_DATABASE_URL) expect(unavailable.length).toBeGreaterThan(0);
    for (const target of unavailable) expect(target.name).toContain(NEEDS_SERVER);
  });

  it("are skipped, each with TEST_DATABASE_URL in its name or its group's", async () => {
    expect(serverTestFiles.length).toBeGreaterThanOrEqual(5);
    // Collected only (nothing runs), in a vitest of its own, as a run without a server would see them. Its
    // global setup (an initialised PGlite to copy) is not needed to collect: an empty folder stands in. The
    // files' own temporary folders go to a folder of ours too: collecting runs no afterAll to remove them.
    const scratch = mkdtempSync(join(tmpdir(), "appointment-scheduler-skip-reasons-"));
    const template = join(scratch, "template");
    mkdirSync(template);
    mkdirSync(join(scratch, "tmp"));
    const vitest = await createVitest(
      "test",
      {
        root: fileURLToPath(root),
        watch: false,
        reporters: [],
        globalSetup: [],
        provide: { pgliteTemplate: template },
        env: { TEST_DATABASE_URL: "", TMPDIR: join(scratch, "tmp") },
      },
      {},
    );
    try {
      const { testModules } = await vitest.collect(serverTestFiles);
      expect(testModules.map((module) => module.moduleId).sort()).toEqual([...serverTestFiles].sort());
      const problems = testModules.flatMap((module) => {
        const file = module.moduleId.slice(fileURLToPath(root).length);
        const errors = module.errors().map((error) => `${file}: not collected: ${error.message}`);
        const skipped = [...module.children.allTests()].filter((test) => test.options.mode === "skip");
        const silent = skipped
          .filter((test) => !test.fullName.includes("TEST_DATABASE_URL"))
          .map((test) => `${file}: skipped without naming TEST_DATABASE_URL: ${test.fullName}`);
        const none = skipped.length === 0 ? [`${file}: uses a server, but no test of it is skipped without one`] : [];
        return [...errors, ...silent, ...none];
      });
      expect(problems).toEqual([]);
    } finally {
      await vitest.close();
      rmSync(scratch, { recursive: true, force: true });
    }
  }, 60_000);
});
