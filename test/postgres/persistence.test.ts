/**
 * The example server as `npm start` runs it keeps its appointments across restarts: in PGlite under
 * `DATA_DIR` with no setup at all, or in the PostgreSQL server of `DATABASE_URL`.
 */
import { rmSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { schedulerFromEnv } from "../../examples/scheduler-from-env.js";
import { newDataDir, runExample, stopExample } from "../support/run-example.js";
import { dropSchema, NEEDS_SERVER, serverPool, TEST_DATABASE_URL, uniquePrefix } from "./targets.js";

const DEFAULT_EXAMPLE = new URL("../../examples/express.ts", import.meta.url);
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
  const dataDir = newDataDir();
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("finds its appointments again in PGlite under DATA_DIR", async () => {
    expect(await bookThenRestart({ DATA_DIR: dataDir })).toEqual(SURVIVOR);
  });

  it.runIf(TEST_DATABASE_URL)(
    `finds its appointments again in the PostgreSQL server of DATABASE_URL (${NEEDS_SERVER})`,
    async () => {
      const prefix = uniquePrefix();
      try {
        expect(await bookThenRestart({ DATABASE_URL: TEST_DATABASE_URL, TABLE_PREFIX: prefix })).toEqual(SURVIVOR);
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
