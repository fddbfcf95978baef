/**
 * What the PostgreSQL store adds to the store contract (run by contract.test.ts): its schema and migration,
 * one statement per operation, per-user atomicity under real concurrency without deadlocks, and the typed
 * errors and recovery when the database fails. Runs on PGlite always, and on the server of
 * `TEST_DATABASE_URL` when set (the fault tests need a server).
 */
import { readFileSync } from "node:fs";
import {
  createScheduler,
  InvalidArgumentError,
  LimitReachedError,
  OperationTimedOutError,
  StoreUnavailableError,
} from "appointment-scheduler";
import { PostgresStore, postgresSchemaSql, postgresSchemaStatements } from "appointment-scheduler/postgres";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  dropSchema,
  type OpenedStore,
  postgresTargets,
  serverPool,
  serverTarget,
  TEST_DATABASE_URL,
  uniquePrefix,
} from "./targets.js";

const record = (userId: string, id: string, day: string, periods = [`day:${day}`]) => {
  const startMs = Date.parse(`${day}T10:00:00Z`);
  return { id, userId, startMs, endMs: startMs + 30 * 60_000, periods };
};

describe.each(postgresTargets)("PostgresStore on $name", (target) => {
  let opened: OpenedStore;
  beforeAll(async () => {
    opened = await target.open();
  });
  afterAll(() => opened?.close());

  it("migrates idempotently: a second migration keeps the data", async () => {
    const { store } = opened;
    await store.insertAppointment({ record: record("m1", "a", "2021-04-22"), limit: 1 });
    await store.migrate();
    await store.migrate();
    expect((await store.listAppointments("m1", {})).map((r) => r.id)).toEqual(["a"]);
  });

  it("sends each operation as exactly one statement (one round trip)", async () => {
    const statements: string[] = [];
    const counting = {
      query: (text: string, params?: unknown[]) => {
        statements.push(text);
        return opened.db.query(text, params);
      },
    };
    const store = new PostgresStore(counting, { tablePrefix: opened.prefix });
    const scheduler = createScheduler({ store });
    const booked = await scheduler.book("rt", "2021-04-22 11:30");
    await scheduler.reschedule("rt", booked.id, "2021-04-22 12:00").then((moved) =>
      expect(scheduler.book("rt", "2021-04-22 15:00"))
        .rejects.toBeInstanceOf(LimitReachedError)
        .then(() => moved),
    );
    const [moved] = await scheduler.list("rt");
    await scheduler.get("rt", moved?.id ?? "");
    await scheduler.cancel("rt", moved?.id ?? "");
    // book, reschedule, refused book, list, get, cancel
    expect(statements).toHaveLength(6);
  });

  it("keeps stores with different prefixes apart in one database", async () => {
    const otherPrefix = uniquePrefix();
    const other = new PostgresStore(opened.db, { tablePrefix: otherPrefix });
    await other.migrate();
    try {
      await opened.store.insertAppointment({ record: record("p1", "x", "2021-04-22"), limit: 1 });
      expect(await other.listAppointments("p1", {})).toEqual([]);
      expect((await other.insertAppointment({ record: record("p1", "y", "2021-04-22"), limit: 1 })).status).toBe(
        "inserted",
      );
    } finally {
      await dropSchema(opened.db, otherPrefix);
    }
  });

  it("stops before sending when the signal has already fired, and writes nothing", async () => {
    const scheduler = createScheduler({ store: opened.store });
    const signal = AbortSignal.timeout(0);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await expect(scheduler.book("sig", "2021-04-22 11:30", { signal })).rejects.toBeInstanceOf(OperationTimedOutError);
    expect(await opened.store.listAppointments("sig", {})).toEqual([]);
  });

  it("keeps the limit with concurrent books, cancels and moves of one user, without deadlocks", async () => {
    const scheduler = createScheduler({ store: opened.store, policy: { limit: { max: 2, per: "day" } } });
    const user = "busy";
    const days = ["2021-04-22", "2021-04-23", "2021-04-24"];
    const slot = (i: number) =>
      `${days[i % days.length]} ${String(8 + (i % 9)).padStart(2, "0")}:${i % 2 ? "30" : "00"}`;
    const unexpected: unknown[] = [];
    const expectedFailure = (error: unknown) => {
      const code = (error as { code?: string }).code;
      if (code !== "LIMIT_REACHED" && code !== "NOT_FOUND") unexpected.push(error);
    };
    for (let round = 0; round < 6; round++) {
      const existing = await scheduler.list(user);
      await Promise.all([
        ...Array.from({ length: 12 }, (_, i) => scheduler.book(user, slot(round * 12 + i)).catch(expectedFailure)),
        ...existing.map((a, i) =>
          i % 2
            ? scheduler.cancel(user, a.id).catch(expectedFailure)
            : scheduler.reschedule(user, a.id, slot(round * 7 + i)).catch(expectedFailure),
        ),
        ...existing.map((a) => scheduler.cancel(user, a.id).catch(expectedFailure)),
      ]);
      expect(unexpected).toEqual([]);
      const perDay = new Map<string, number>();
      for (const a of await scheduler.list(user)) {
        const day = a.start.toPlainDate().toString();
        perDay.set(day, (perDay.get(day) ?? 0) + 1);
      }
      for (const count of perDay.values()) expect(count).toBeLessThanOrEqual(2);
    }
  });
});

describe.runIf(TEST_DATABASE_URL)("PostgresStore on a failing server", () => {
  it("reports a refused connection as STORE_UNAVAILABLE", async () => {
    const pool = serverPool({
      connectionString: "postgres://postgres@127.0.0.1:1/test",
      connectionTimeoutMillis: 2000,
    });
    try {
      const scheduler = createScheduler({ store: new PostgresStore(pool) });
      await expect(scheduler.book(1, "2021-04-22 11:30")).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(scheduler.list(1)).rejects.toBeInstanceOf(StoreUnavailableError);
    } finally {
      await pool.end();
    }
  });

  it("reports a booking past statement_timeout as TIMED_OUT, writes nothing, and then books again", async () => {
    const opened = await serverTarget.open({ statement_timeout: 300 });
    const blocker = await serverPool({ max: 1 }).connect();
    try {
      const scheduler = createScheduler({ store: opened.store });
      await scheduler.book("slow", "2021-04-21 09:00");
      // Another transaction holds the user's lock: the booking waits on it until the server cancels it.
      await blocker.query("BEGIN");
      await holdUserLock(blocker, opened.prefix, "slow");
      await expect(scheduler.book("slow", "2021-04-22 11:30")).rejects.toBeInstanceOf(OperationTimedOutError);
      await blocker.query("ROLLBACK");
      expect((await scheduler.list("slow")).map((a) => a.start.toPlainDate().toString())).toEqual(["2021-04-21"]);
      await scheduler.book("slow", "2021-04-22 11:30");
    } finally {
      blocker.release();
      await opened.close();
    }
  });

  it("recovers when the server drops every connection, also mid-booking, leaving nothing half-written", async () => {
    const opened = await serverTarget.open({ application_name: "dropped-by-test" });
    const admin = serverPool({ max: 1 });
    const blocker = await serverPool({ max: 1 }).connect();
    try {
      const scheduler = createScheduler({ store: opened.store });
      await Promise.all(Array.from({ length: 8 }, (_, i) => scheduler.book(`drop${i}`, "2021-04-22 11:30")));

      // A booking waits on a lock; then the server terminates its connection, as a restart would.
      await blocker.query("BEGIN");
      await holdUserLock(blocker, opened.prefix, "drop0");
      // Its outcome is taken now: it may fail while the termination below is still being answered, and a
      // rejection nobody handles yet would be reported as unhandled.
      const waiting = scheduler.book("drop0", "2021-04-23 11:30").then(
        () => "booked",
        (error: unknown) => error,
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      await admin.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'dropped-by-test'",
      );
      expect(await waiting).toBeInstanceOf(StoreUnavailableError);
      await blocker.query("ROLLBACK");

      // Idle connections were dropped too; the pool replaces them without help.
      const again = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) => scheduler.book(`drop${i}`, "2021-04-24 11:30")),
      );
      const failures = again.filter((r) => r.status === "rejected");
      for (const failure of failures) expect(failure.reason).toBeInstanceOf(StoreUnavailableError);
      const retried = await Promise.all(
        again.map((r, i) => (r.status === "fulfilled" ? r.value : scheduler.book(`drop${i}`, "2021-04-24 11:30"))),
      );
      expect(retried).toHaveLength(8);
      expect((await scheduler.list("drop0")).map((a) => a.start.toPlainDate().toString())).toEqual([
        "2021-04-22",
        "2021-04-24",
      ]);
    } finally {
      blocker.release();
      await admin.end();
      await opened.close();
    }
  });

  it("prepares its statements once per connection when asked to", async () => {
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    const prefix = uniquePrefix();
    try {
      const store = new PostgresStore(client, { tablePrefix: prefix, preparedStatements: true });
      await store.migrate();
      const scheduler = createScheduler({ store });
      const booked = await scheduler.book("prep", "2021-04-22 11:30");
      await scheduler.book("prep", "2021-04-23 11:30");
      await scheduler.list("prep");
      await scheduler.get("prep", booked.id);
      await scheduler.cancel("prep", booked.id);
      const { rows } = await client.query("SELECT name FROM pg_prepared_statements ORDER BY name");
      expect(rows.map((row: { name: string }) => row.name)).toEqual(
        ["delete", "get", "insert", "list"].map((name) => `${prefix}appointments_${name}`),
      );
    } finally {
      await dropSchema(client, prefix);
      await client.end();
    }
  });

  it("migrates safely when several processes start at once", async () => {
    const prefix = uniquePrefix();
    const pools = Array.from({ length: 4 }, () => serverPool({ max: 1 }));
    try {
      await Promise.all(pools.map((pool) => new PostgresStore(pool, { tablePrefix: prefix }).migrate()));
      const store = new PostgresStore(pools[0] as never, { tablePrefix: prefix });
      expect((await store.insertAppointment({ record: record("mig", "a", "2021-04-22"), limit: 1 })).status).toBe(
        "inserted",
      );
    } finally {
      if (pools[0]) await dropSchema(pools[0], prefix);
      await Promise.all(pools.map((pool) => pool.end()));
    }
  });
});

describe("postgres schema", () => {
  it("rejects a table prefix that is not a plain identifier with a typed error", () => {
    for (const tablePrefix of ["", "1abc", "a-b", 'x"; DROP TABLE y; --', "A", "a".repeat(41), 42]) {
      expect(() => new PostgresStore({ query: async () => ({ rows: [] }) }, { tablePrefix } as never)).toThrow(
        InvalidArgumentError,
      );
      expect(() => postgresSchemaStatements({ tablePrefix } as never)).toThrow(InvalidArgumentError);
    }
  });

  it("is shown in docs/postgres.md exactly as postgresSchemaSql() gives it", () => {
    const doc = readFileSync(new URL("../../docs/postgres.md", import.meta.url), "utf8");
    expect(/```sql\n([\s\S]*?)```/.exec(doc)?.[1]).toBe(postgresSchemaSql());
  });

  it("names every table, index and function with the prefix", () => {
    const sql = postgresSchemaStatements({ tablePrefix: "my_app_" }).join("\n");
    const created = [...sql.matchAll(/CREATE (?:TABLE|INDEX|OR REPLACE FUNCTION) (?:IF NOT EXISTS )?(\w+)/g)].map(
      ([, name]) => name,
    );
    expect(created).toHaveLength(3);
    for (const name of created) expect(name).toMatch(/^my_app_/);
  });
});

/** Takes, in `client`'s open transaction, the lock a booking of `userId` takes first. */
async function holdUserLock(
  client: { query(text: string, params: unknown[]): Promise<unknown> },
  prefix: string,
  userId: string,
) {
  await client.query("SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))", [`${prefix}appointments`, userId]);
}
