/**
 * What the PostgreSQL store adds to the store contract (run by contract.test.ts): its schema and migration,
 * one statement per operation, exact times, per-user atomicity under real concurrency without deadlocks,
 * expiry, and the typed errors and recovery when the database fails. Runs on PGlite always, and on the
 * server of `TEST_DATABASE_URL` when set (the fault tests need a server).
 */
import {
  createScheduler,
  type JsonObject,
  type Scheduler,
  type SchedulerError,
  StoreUnavailableError,
  type WriteRequest,
} from "appointment-scheduler";
import { PostgresStore } from "appointment-scheduler/postgres";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  describeEachTarget,
  dropSchema,
  NEEDS_SERVER,
  type OpenedStore,
  postgresTargets,
  serverPool,
  serverTarget,
  TEST_DATABASE_URL,
  uniquePrefix,
} from "./targets.js";

const DAY_MS = 86_400_000;

/**
 * A `book` write of 30 minutes at `startMs` (local times `localShiftMs` after the instants), with no
 * occupancy to check.
 */
function booking(
  userId: string,
  id: string,
  startMs: number,
  extra: Partial<WriteRequest> = {},
  { localShiftMs = 0, metadata = null }: { localShiftMs?: number; metadata?: JsonObject | null } = {},
): WriteRequest {
  const times = {
    startMs,
    endMs: startMs + 1_800_000,
    localStartMs: startMs + localShiftMs,
    localEndMs: startMs + 1_800_000 + localShiftMs,
  };
  return {
    userId,
    change: {
      type: "book",
      id,
      times,
      metadata,
      occupancy: {
        periods: [],
        limit: 1,
        noOverlap: false,
        candidatesStartWithin: { fromMs: startMs, toMs: startMs },
        candidatesEndWithin: { fromMs: startMs, toMs: startMs },
      },
    },
    atMs: 1_000,
    changeExpiresAtMs: 2_000,
    ...extra,
  };
}

describeEachTarget(postgresTargets)("PostgresStore on $name", (target) => {
  let opened: OpenedStore;
  let scheduler: Scheduler;
  beforeAll(async () => {
    opened = await target.open();
    scheduler = createScheduler({ store: opened.store });
  });
  afterAll(() => opened?.close());

  it("migrates idempotently, records its steps, and keeps the data", async () => {
    const { store, db, prefix } = opened;
    await store.write(booking("m1", "a", Date.UTC(2021, 3, 22, 10)));
    await store.migrate();
    await store.migrate();
    expect((await store.listAppointments("m1", {})).map((r) => r.id)).toEqual(["a"]);
    const { rows } = await db.query(`SELECT version FROM ${prefix}migrations ORDER BY version`);
    expect(rows).toEqual([{ version: 1 }, { version: 2 }, { version: 3 }, { version: 4 }, { version: 5 }]);
  });

  it("sends each operation as exactly one statement (one round trip)", async () => {
    const statements: string[] = [];
    const counting = {
      query: (text: string, params?: unknown[]) => {
        statements.push(text);
        return opened.db.query(text, params);
      },
    };
    // The store's operations as the scheduler calls them, counted too: a scheduler call may make several
    // (a reschedule reads the record, then moves it), each of which must be one statement.
    const store = new PostgresStore(counting, { tablePrefix: opened.prefix });
    const operations: string[] = [];
    const countedStore = new Proxy(store, {
      get(target, property) {
        const value = Reflect.get(target, property, target);
        if (typeof value !== "function") return value;
        return (...args: unknown[]) => {
          operations.push(String(property));
          return value.apply(target, args);
        };
      },
    });
    const counted = createScheduler({ store: countedStore });
    const booked = await counted.book("rt", "2021-04-22 11:30", { idempotencyKey: "rt-1", metadata: { a: 1 } });
    await counted.reschedule("rt", booked.id, "2021-04-22 12:00");
    await expect(counted.book("rt", "2021-04-22 15:00")).rejects.toMatchObject({ code: "LIMIT_REACHED" });
    (await counted.list("rt")).appointments;
    await counted.get("rt", booked.id);
    await counted.cancel("rt", booked.id, { reason: "test" });
    await counted.changes({ userId: "rt" });
    await counted.purgeExpired();
    // book, reschedule, refused book, list, get, cancel, changes, purge: one statement per store operation.
    expect(operations.filter((name) => name === "write")).toHaveLength(4);
    expect(operations.length).toBeGreaterThanOrEqual(8);
    expect(statements).toHaveLength(operations.length);
  });

  it("keeps stores with different prefixes apart in one database", async () => {
    const otherPrefix = uniquePrefix();
    const other = new PostgresStore(opened.db, { tablePrefix: otherPrefix });
    await other.migrate();
    try {
      await opened.store.write(booking("p1", "x", Date.UTC(2021, 3, 22, 10)));
      expect(await other.listAppointments("p1", {})).toEqual([]);
      expect(await other.readChanges({ limit: 10, userId: "p1" })).toEqual([]);
      expect((await other.write(booking("p1", "x", Date.UTC(2021, 3, 22, 10)))).status).toBe("written");
    } finally {
      await dropSchema(opened.db, otherPrefix);
    }
  });

  it("keeps a store in a schema of its own, created by the migration", async () => {
    const schema = `s${uniquePrefix().slice(1, -1)}`;
    const store = new PostgresStore(opened.db, { schema, tablePrefix: "app_" });
    try {
      await store.migrate();
      await store.migrate();
      expect((await store.write(booking("s1", "a", Date.UTC(2021, 3, 22, 10)))).status).toBe("written");
      const { rows } = await opened.db.query(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name",
        [schema],
      );
      expect(rows.map((row) => (row as { table_name: string }).table_name)).toEqual([
        "app_appointments",
        "app_changes",
        "app_idempotency_keys",
        "app_migrations",
      ]);
    } finally {
      await opened.db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    }
  });

  it("keeps times exactly, to the millisecond, from 0000-01-01 to 9999-12-31, and local times apart", async () => {
    const { store } = opened;
    const starts = {
      year0: -62_167_219_200_000, // 0000-01-01T00:00:00.000Z (PostgreSQL's 0001-01-01 BC)
      year9999: 253_402_300_799_999 - 1_800_000, // ends at 9999-12-31T23:59:59.999Z
      beforeEpoch: -1_501,
      ms: Date.UTC(2021, 3, 22, 10, 0, 0, 123),
    };
    for (const [id, startMs] of Object.entries(starts)) {
      const request = booking(
        "times",
        id,
        startMs,
        { atMs: startMs, changeExpiresAtMs: startMs + 1 },
        { localShiftMs: -7_200_001 },
      );
      expect(await store.write(request)).toMatchObject({ status: "written" });
      const expected = {
        startMs,
        endMs: startMs + 1_800_000,
        localStartMs: startMs - 7_200_001,
        localEndMs: startMs - 5_400_001,
      };
      expect(await store.getAppointment("times", id)).toMatchObject({
        ...expected,
        createdAtMs: startMs,
        updatedAtMs: startMs,
      });
      expect(await store.listAppointments("times", { fromMs: startMs, toMs: startMs + 1 })).toMatchObject([expected]);
    }
    const events = await store.readChanges({ limit: 10, userId: "times" });
    expect(events.map((event) => [event.record.startMs, event.atMs])).toEqual(
      Object.values(starts).map((ms) => [ms, ms]),
    );
  });

  it("gives back metadata as JSON reads it back, in the write's answer and in every read", async () => {
    const metadata = JSON.parse(
      '{"text":"é \\u00e9 \\ud83d\\ude00 \\\\ \\"","nested":{"list":[1,2.5,-0.001,1e21,null,true]},"__proto__":1}',
    );
    const written = await opened.store.write(booking("meta", "a", Date.UTC(2021, 3, 22, 10), {}, { metadata }));
    expect(written).toMatchObject({ status: "written", record: { metadata } });
    expect((await opened.store.getAppointment("meta", "a"))?.metadata).toEqual(metadata);
    expect((await opened.store.readChanges({ limit: 1, userId: "meta" }))[0]?.record.metadata).toEqual(metadata);
    expect(Object.keys((await opened.store.getAppointment("meta", "a"))?.metadata ?? {})).toContain("__proto__");
  });

  it("stops before sending when the signal has already fired, and writes nothing", async () => {
    const signal = AbortSignal.timeout(0);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await expect(scheduler.book("sig", "2021-04-22 11:30", { signal })).rejects.toMatchObject({ code: "TIMED_OUT" });
    await expect(opened.store.write(booking("sig", "b", 0), { signal })).rejects.toMatchObject({ code: "TIMED_OUT" });
    await expect(opened.store.write(booking("sig", "c", 0), { signal: AbortSignal.abort() })).rejects.toMatchObject({
      code: "ABORTED",
    });
    expect(await opened.store.listAppointments("sig", { status: "all" })).toEqual([]);
  });

  it("removes expired keys and events, and only those, events in feed order up to the first one kept", async () => {
    // Tables of its own: events are removed in feed order, so other tests' events would hold them back.
    const prefix = uniquePrefix();
    const store = new PostgresStore(opened.db, { tablePrefix: prefix });
    await store.migrate();
    const user = "purge";
    const at = (atMs: number, key: string, keyExpiresAtMs: number) =>
      booking(user, key, Date.UTC(2021, 3, 22) + atMs * DAY_MS, {
        atMs,
        changeExpiresAtMs: atMs + 100,
        idempotency: { key, fingerprint: "f", expiresAtMs: keyExpiresAtMs },
      });
    await store.write(at(1, "k1", 50));
    await store.write(at(2, "k2", 500));
    await store.write(at(3, "k3", 60));
    // An event kept longer than the next (k4's, until 1000) holds back the removal of those after it.
    await store.write({ ...at(4, "k4", 70), changeExpiresAtMs: 1000 });
    await store.write(at(5, "k5", 70));
    // A booking's event is its appointment's current version, which stays: cancelling archives it, as the
    // event it is, among the events that expire. The cancellations' own events are kept long.
    for (const id of ["k1", "k2", "k3", "k4", "k5"]) {
      const cancel = { type: "cancel", id, reason: null, earliestStartMs: null } as const;
      expect(await store.write({ userId: user, change: cancel, atMs: 6, changeExpiresAtMs: 100_000 })).toMatchObject({
        status: "written",
      });
    }
    const kept = async () =>
      (await store.readChanges({ limit: 20 })).map((event) => `${event.type} ${event.record.id}`);
    const cancelled = ["k1", "k2", "k3", "k4", "k5"].map((id) => `cancelled ${id}`);
    expect(await kept()).toEqual([...["k1", "k2", "k3", "k4", "k5"].map((id) => `booked ${id}`), ...cancelled]);
    expect(await store.purgeExpired(55)).toBe(1); // k1's key
    expect(await store.purgeExpired(101)).toBe(3 + 1); // k3's, k4's and k5's keys; k1's event
    expect(await kept()).toEqual([...["k2", "k3", "k4", "k5"].map((id) => `booked ${id}`), ...cancelled]);
    expect(await store.purgeExpired(200)).toBe(2); // k2's and k3's events, not k5's behind k4's
    expect(await kept()).toEqual(["booked k4", "booked k5", ...cancelled]);
    // k2's key lives until 500: a retry at 200 replays it; k1's is free again.
    expect(await store.write(at(200, "k2", 600))).toMatchObject({ status: "written", replayed: true });
    expect(await store.write({ ...at(200, "k1", 600), change: at(9, "k1-new", 600).change })).toMatchObject({
      status: "written",
      replayed: false,
    });
    // k2's and the new k1's keys; k4's and k5's events. The current versions' events (the cancellations, the
    // new booking) are the appointments themselves and stay, expired or not.
    expect(await store.purgeExpired(1000)).toBe(2 + 2);
    expect(await kept()).toEqual([...cancelled, "booked k1-new"]);
    expect(await store.purgeExpired(1_000_000)).toBe(0);
    expect(await kept()).toEqual([...cancelled, "booked k1-new"]);
    await dropSchema(opened.db, prefix);
  });

  it("keeps the limit with concurrent books, cancels and moves of one user, without deadlocks", async () => {
    const busy = createScheduler({ store: opened.store, policy: { limit: { max: 2, per: "day" } } });
    const user = "busy";
    const days = ["2021-04-22", "2021-04-23", "2021-04-24"];
    const slot = (i: number) =>
      `${days[i % days.length]} ${String(8 + (i % 9)).padStart(2, "0")}:${i % 2 ? "30" : "00"}`;
    const unexpected: unknown[] = [];
    const expected = new Set(["LIMIT_REACHED", "NOT_FOUND", "APPOINTMENT_CANCELLED", "OVERLAPPING_APPOINTMENT"]);
    const expectedFailure = (error: unknown) => {
      if (!expected.has((error as SchedulerError).code)) unexpected.push(error);
    };
    for (let round = 0; round < 6; round++) {
      const existing = (await busy.list(user)).appointments;
      await Promise.all([
        ...Array.from({ length: 12 }, (_, i) => busy.book(user, slot(round * 12 + i)).catch(expectedFailure)),
        ...existing.map((a, i) =>
          i % 2
            ? busy.cancel(user, a.id).catch(expectedFailure)
            : busy.reschedule(user, a.id, slot(round * 7 + i)).catch(expectedFailure),
        ),
        ...existing.map((a) => busy.cancel(user, a.id).catch(expectedFailure)),
      ]);
      expect(unexpected).toEqual([]);
      const perDay = new Map<string, number>();
      for (const a of (await busy.list(user)).appointments) {
        const day = a.start.toPlainDate().toString();
        perDay.set(day, (perDay.get(day) ?? 0) + 1);
      }
      for (const count of perDay.values()) expect(count).toBeLessThanOrEqual(2);
    }
    // Every change has its event, in the order of the versions of each appointment.
    const events = (await busy.changes({ userId: user, limit: 1000 })).changes;
    const versions = new Map<string, number[]>();
    for (const event of events)
      versions.set(event.appointment.id, [...(versions.get(event.appointment.id) ?? []), event.appointment.version]);
    for (const list of versions.values()) expect(list).toEqual(list.map((_, i) => i + 1));
  });
});

describe.runIf(TEST_DATABASE_URL)(`PostgresStore on a failing server (${NEEDS_SERVER})`, () => {
  it("reports a refused connection as STORE_UNAVAILABLE", async () => {
    const pool = serverPool({
      connectionString: "postgres://postgres@127.0.0.1:1/test",
      connectionTimeoutMillis: 2000,
    });
    try {
      const failing = createScheduler({ store: new PostgresStore(pool) });
      await expect(failing.book(1, "2021-04-22 11:30")).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(failing.list(1)).rejects.toBeInstanceOf(StoreUnavailableError);
    } finally {
      await pool.end();
    }
  });

  it("reports a booking past statement_timeout as TIMED_OUT, writes nothing, and then books again", async () => {
    const opened = await serverTarget.open({ statement_timeout: 300 });
    const blocker = await serverPool({ max: 1 }).connect();
    try {
      const slow = createScheduler({ store: opened.store });
      await slow.book("slow", "2021-04-21 09:00");
      // Another transaction holds the user's lock: the booking waits on it until the server cancels it.
      await blocker.query("BEGIN");
      await holdUserLock(blocker, opened.prefix, "slow");
      await expect(slow.book("slow", "2021-04-22 11:30")).rejects.toMatchObject({ code: "TIMED_OUT" });
      await blocker.query("ROLLBACK");
      expect((await slow.list("slow")).appointments.map((a) => a.start.toPlainDate().toString())).toEqual([
        "2021-04-21",
      ]);
      await slow.book("slow", "2021-04-22 11:30");
    } finally {
      blocker.release();
      await opened.close();
    }
  });

  it("recovers when the server terminates every connection, also mid-booking, leaving nothing half-written", async () => {
    const opened = await serverTarget.open({ application_name: "dropped-by-test" });
    const admin = serverPool({ max: 1 });
    const blocker = await serverPool({ max: 1 }).connect();
    try {
      const dropped = createScheduler({ store: opened.store });
      await Promise.all(Array.from({ length: 8 }, (_, i) => dropped.book(`drop${i}`, "2021-04-22 11:30")));

      // A booking waits on a lock; then the server terminates its connection, as a restart would. The
      // server says so (SQLSTATE 57P01) and rolled the booking back: STORE_UNAVAILABLE, not unknown.
      await blocker.query("BEGIN");
      await holdUserLock(blocker, opened.prefix, "drop0");
      // Its outcome is taken now: it may fail while the termination below is still being answered, and a
      // rejection nobody handles yet would be reported as unhandled.
      const waiting = dropped.book("drop0", "2021-04-23 11:30").then(
        () => "booked",
        (error: unknown) => error,
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      await admin.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'dropped-by-test'",
      );
      expect(await waiting).toBeInstanceOf(StoreUnavailableError);
      await blocker.query("ROLLBACK");

      // Idle connections were dropped too; the pool replaces them without help. A booking on a dropped
      // idle connection fails before anything is sent, or as unknown: a retry settles either.
      const again = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) => dropped.book(`drop${i}`, "2021-04-24 11:30")),
      );
      for (const failure of again.filter((r) => r.status === "rejected")) {
        expect(["STORE_UNAVAILABLE", "OUTCOME_UNKNOWN"]).toContain((failure.reason as SchedulerError).code);
      }
      for (let i = 0; i < 8; i++) {
        if (again[i]?.status === "rejected") {
          await dropped.book(`drop${i}`, "2021-04-24 11:30").catch((error: SchedulerError) => {
            // An unknown outcome that had committed: the retry finds the date taken.
            expect(error.code).toBe("LIMIT_REACHED");
          });
        }
      }
      expect((await dropped.list("drop0")).appointments.map((a) => a.start.toPlainDate().toString())).toEqual([
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
      const prepared = createScheduler({ store });
      const booked = await prepared.book("prep", "2021-04-22 11:30");
      await prepared.book("prep", "2021-04-23 11:30");
      await prepared.list("prep", {}, { status: "all" });
      await prepared.list("prep");
      await prepared.get("prep", booked.id);
      await prepared.cancel("prep", booked.id);
      await prepared.changes();
      await prepared.changes({ userId: "prep" });
      await prepared.purgeExpired();
      const { rows } = await client.query("SELECT name FROM pg_prepared_statements ORDER BY name");
      expect(rows.map((row: { name: string }) => row.name)).toEqual(
        ["changes", "get", "list_all", "list_booked", "purge", "user_changes", "write"].map(
          (name) => `${prefix}${name}`,
        ),
      );
    } finally {
      await dropSchema(client, prefix);
      await client.end();
    }
  });

  it("migrates safely when four processes start at once on a fresh prefix", async () => {
    const prefix = uniquePrefix();
    const pools = Array.from({ length: 4 }, () => serverPool({ max: 1 }));
    try {
      await Promise.all(pools.map((pool) => new PostgresStore(pool, { tablePrefix: prefix }).migrate()));
      const store = new PostgresStore(pools[0] as pg.Pool, { tablePrefix: prefix });
      expect((await store.write(booking("mig", "a", Date.UTC(2021, 3, 22, 10)))).status).toBe("written");
      const { rows } = await (pools[0] as pg.Pool).query(`SELECT version FROM ${prefix}migrations ORDER BY version`);
      expect(rows).toEqual([{ version: 1 }, { version: 2 }, { version: 3 }, { version: 4 }, { version: 5 }]);
    } finally {
      if (pools[0]) await dropSchema(pools[0], prefix);
      await Promise.all(pools.map((pool) => pool.end()));
    }
  });
});

/** Takes, in `client`'s open transaction, the lock a write of `userId` takes first. */
async function holdUserLock(
  client: { query(text: string, params: unknown[]): Promise<unknown> },
  prefix: string,
  userId: string,
) {
  await client.query("SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))", [`${prefix}appointments`, userId]);
}
