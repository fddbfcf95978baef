/**
 * The example server as `npm start` runs it keeps its appointments across restarts: in SQLite (the default)
 * or PGlite under `DATA_DIR` with no setup at all, or in the PostgreSQL server of `DATABASE_URL`.
 */
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SQLITE_FILE_NAME, schedulerFromEnv } from "../../examples/scheduler-from-env.js";
import { newDataDir, newPgliteDataDir, runExample, stopExample } from "../support/run-example.js";
import { dropSchema, NEEDS_SERVER, serverPool, TEST_DATABASE_URL, uniquePrefix } from "./targets.js";

/** The example `npm start` runs (package.json's `start` script). */
const DEFAULT_EXAMPLE = new URL(
  `../../${/examples\/\S+\.ts/.exec(JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")).scripts.start)?.[0]}`,
  import.meta.url,
);
const JSON_TYPE = { "content-type": "application/json" };

async function bookThenRestart(env: NodeJS.ProcessEnv): Promise<unknown> {
  const first = await runExample(DEFAULT_EXAMPLE, env);
  try {
    const booked = await fetch(`${first.url}/api/appointments/42`, {
      method: "POST",
      headers: JSON_TYPE,
      body: JSON.stringify({ appointment: "2021-04-22 23:30" }),
    });
    expect(booked.status).toBe(201);
  } finally {
    expect(await stopExample(first)).toEqual({ code: 0, killedBy: null });
  }
  const second = await runExample(DEFAULT_EXAMPLE, env);
  try {
    const refused = await fetch(`${second.url}/api/appointments/42`, {
      method: "POST",
      headers: JSON_TYPE,
      body: JSON.stringify({ appointment: "2021-04-23 10:00" }),
    });
    expect(refused.status).toBe(400);
    return await (await fetch(`${second.url}/api/appointments/42`)).json();
  } finally {
    expect(await stopExample(second)).toEqual({ code: 0, killedBy: null });
  }
}

const SURVIVOR = {
  appointments: [{ start_time: "2021-04-22 23:30", end_time: "2021-04-23 00:00" }],
  next_cursor: null,
};

describe("npm start's example server across a restart", () => {
  const dirs: string[] = [];
  const dir = (make: () => string) => {
    const made = make();
    dirs.push(made);
    return made;
  };
  afterAll(() => {
    for (const made of dirs) rmSync(made, { recursive: true, force: true });
  });

  it("finds its appointments again in SQLite under DATA_DIR, by default", async () => {
    const dataDir = dir(newDataDir);
    expect(await bookThenRestart({ DATA_DIR: dataDir })).toMatchObject(SURVIVOR);
    expect(existsSync(join(dataDir, SQLITE_FILE_NAME))).toBe(true);
  });

  it("finds its appointments again in PGlite under DATA_DIR, with STORE=pglite", async () => {
    expect(await bookThenRestart({ DATA_DIR: dir(newPgliteDataDir), STORE: "pglite" })).toMatchObject(SURVIVOR);
  });

  it("refuses, by default, a DATA_DIR that holds the earlier default's PGlite database, naming STORE=pglite", async () => {
    await expect(schedulerFromEnv({ DATA_DIR: dir(newPgliteDataDir) })).rejects.toThrow(/STORE=pglite/);
  });

  it("refuses an unknown STORE", async () => {
    await expect(schedulerFromEnv({ DATA_DIR: dir(newDataDir), STORE: "mysql" })).rejects.toThrow(
      /STORE must be sqlite or pglite/,
    );
  });

  it.runIf(TEST_DATABASE_URL)(
    `finds its appointments again in the PostgreSQL server of DATABASE_URL (${NEEDS_SERVER})`,
    async () => {
      const prefix = uniquePrefix();
      try {
        expect(await bookThenRestart({ DATABASE_URL: TEST_DATABASE_URL, TABLE_PREFIX: prefix })).toMatchObject(
          SURVIVOR,
        );
      } finally {
        const pool = serverPool();
        await dropSchema(pool, prefix);
        await pool.end();
      }
    },
  );
});

describe.runIf(TEST_DATABASE_URL)(`the example server's store from the environment (${NEEDS_SERVER})`, () => {
  it("skips the migration with DATABASE_MIGRATE=false, for a schema managed elsewhere", async () => {
    const prefix = uniquePrefix();
    const pool = serverPool();
    const tables = async () =>
      (await pool.query("SELECT count(*)::int AS n FROM pg_tables WHERE tablename LIKE $1", [`${prefix}%`])).rows[0]?.n;
    try {
      const skipped = await schedulerFromEnv({
        DATABASE_URL: TEST_DATABASE_URL,
        TABLE_PREFIX: prefix,
        DATABASE_MIGRATE: "false",
      });
      await skipped.close();
      expect(await tables()).toBe(0);
      const migrated = await schedulerFromEnv({ DATABASE_URL: TEST_DATABASE_URL, TABLE_PREFIX: prefix });
      await migrated.close();
      expect(await tables()).toBe(4);
      await expect(
        schedulerFromEnv({ DATABASE_URL: TEST_DATABASE_URL, TABLE_PREFIX: prefix, DATABASE_MIGRATE: "no" }),
      ).rejects.toThrow(/DATABASE_MIGRATE/);
    } finally {
      await dropSchema(pool, prefix);
      await pool.end();
    }
  });
});
