/**
 * What the SQLite store adds to the store contract (run by contract.test.ts): its migrations, the settings
 * it applies to the connection, exact values, the feed across connections, expiry, and the typed errors
 * when the database is locked, closed or failing, or the arguments are wrong. On better-sqlite3, and on
 * `node:sqlite` where this Node.js has it (skipped, and saying so, where not).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  createScheduler,
  InvalidArgumentError,
  type SchedulerError,
  StoreUnavailableError,
  type WriteRequest,
} from "appointment-scheduler";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SqliteDatabase, SqliteStore, sqliteSchemaSql, sqliteSchemaStatements } from "../../src/sqlite/index.js";
import {
  booking,
  cancellation,
  DAY_MS,
  type Fault,
  failingDatabase,
  printed,
  runFixture,
  sqliteError,
} from "./support.js";
import { betterSqlite3Target, type OpenedStore, openStore, sqliteTargets, temporaryDirectory } from "./targets.js";

type Db = SqliteDatabase & { close(): void };

/** The rows of a query, on either driver. */
function rows(db: SqliteDatabase, sql: string, ...params: unknown[]): Record<string, unknown>[] {
  return (db.prepare(sql).all(...params) as Record<string, unknown>[]).map((row) => ({ ...row }));
}

function pragma(db: SqliteDatabase, name: string): unknown {
  return Object.values(rows(db, `PRAGMA ${name}`)[0] ?? {})[0];
}

/** The store's tables and indexes, as SQLite keeps their definitions. */
function schemaOf(db: SqliteDatabase, prefix = "scheduler_"): Record<string, unknown>[] {
  return rows(db, "SELECT type, name, sql FROM sqlite_master WHERE name LIKE ? ORDER BY name", `${prefix}%`);
}

const START = Date.UTC(2021, 3, 22, 10);

describe.each(sqliteTargets)("SqliteStore on $name", (target) => {
  describe.runIf(target.available)("in a database file", () => {
    let opened: OpenedStore;
    beforeAll(async () => {
      opened = await openStore(target);
    });
    afterAll(() => opened?.close());

    /** A second connection to the store's file, closed after `use`. */
    const withConnection = async <T>(use: (db: Db) => T | Promise<T>): Promise<T> => {
      const db = target.openDatabase(opened.file);
      try {
        return await use(db);
      } finally {
        db.close();
      }
    };

    it("migrates an empty database, records its step, and migrates again without a change", async () => {
      const { store, db } = opened;
      const schema = schemaOf(db);
      expect(schema.map((entry) => `${entry.type} ${entry.name}`)).toEqual([
        "table scheduler_appointments",
        "index scheduler_appointments_by_id",
        "index scheduler_appointments_by_resource",
        "index scheduler_appointments_hold_expiry",
        "index scheduler_appointments_in_list_order",
        "table scheduler_changes",
        "index scheduler_changes_by_user",
        "table scheduler_idempotency_keys",
        "index scheduler_idempotency_keys_expiry",
        "table scheduler_migrations",
        "table scheduler_positions",
      ]);
      expect(rows(db, "SELECT version, name FROM scheduler_migrations")).toEqual([
        { version: 1, name: "store contract v2: appointments, change feed, idempotency keys" },
        { version: 2, name: "resources: resource spans and appointment types" },
        { version: 3, name: "holds: held and released appointments, hold expiry, positions never reused" },
      ]);
      expect(await store.write(booking("mig", "a", START))).toMatchObject({ status: "written" });
      await store.migrate();
      await new SqliteStore(db).migrate();
      expect(schemaOf(db)).toEqual(schema);
      expect(rows(db, "SELECT count(*) AS n FROM scheduler_migrations")).toEqual([{ n: 3 }]);
      expect(await store.getAppointment("mig", "a")).toMatchObject({ id: "a", status: "booked" });
    });

    it("gives the same schema as SQL for one's own migration tool, which migrate() then finds applied", async () => {
      const db = target.openDatabase(":memory:");
      try {
        for (const statement of sqliteSchemaStatements({ tablePrefix: "own_" })) db.exec(statement);
        const store = new SqliteStore(db, { tablePrefix: "own_" });
        await store.migrate();
        expect(rows(db, "SELECT version FROM own_migrations")).toEqual([
          { version: 1 },
          { version: 2 },
          { version: 3 },
        ]);
        const strip = (entries: Record<string, unknown>[], prefix: string) =>
          entries.map((entry) => JSON.stringify(entry).replaceAll(prefix, "p_"));
        expect(strip(schemaOf(db, "own_"), "own_")).toEqual(strip(schemaOf(opened.db), "scheduler_"));
        expect(await store.write(booking("own", "a", START))).toMatchObject({ status: "written" });
        expect(sqliteSchemaStatements({ fromVersion: 3 })).toHaveLength(1); // only the migrations table
        expect(sqliteSchemaStatements({ fromVersion: 2 })).toHaveLength(1 + 16); // step 3 and its row
        expect(sqliteSchemaStatements({ fromVersion: 1 })).toHaveLength(1 + 10 + 16); // steps 2 and 3, their rows
        expect(() => sqliteSchemaStatements({ fromVersion: 4 })).toThrow(InvalidArgumentError);
      } finally {
        db.close();
      }
    });

    it("keeps stores with different prefixes apart in one file", async () => {
      const other = new SqliteStore(opened.db, { tablePrefix: "other_" });
      await other.migrate();
      expect(await other.write(booking("apart", "a", START))).toMatchObject({ status: "written" });
      expect(await opened.store.getAppointment("apart", "a")).toBeNull();
      expect(await other.getAppointment("apart", "a")).toMatchObject({ id: "a" });
    });

    it("sets WAL (kept in the file), synchronous FULL by default (committed at NORMAL, the store syncing the log itself) or NORMAL, and the busy timeout", async () => {
      expect(pragma(opened.db, "journal_mode")).toBe("wal");
      expect(pragma(opened.db, "synchronous")).toBe(1); // see log-sync.test.ts
      expect(pragma(opened.db, "busy_timeout")).toBe(5000);
      await withConnection(async (db) => {
        // A new connection finds the file in WAL mode, and gets the driver's own defaults until a store sets it.
        expect(pragma(db, "journal_mode")).toBe("wal");
        new SqliteStore(db, { synchronous: "NORMAL", busyTimeoutMs: 250 });
        expect(pragma(db, "synchronous")).toBe(1);
        expect(pragma(db, "busy_timeout")).toBe(250);
      });
      // An in-memory database has no WAL, and one connection: accepted as it is.
      const memory = target.openDatabase(":memory:");
      try {
        expect(new SqliteStore(memory).driver).toBe(target === betterSqlite3Target ? "better-sqlite3" : "node:sqlite");
        expect(pragma(memory, "journal_mode")).toBe("memory");
      } finally {
        memory.close();
      }
      // A temporary database (an empty file name) cannot use WAL: refused, rather than run without it.
      const temporary = target.openDatabase("");
      try {
        expect(() => new SqliteStore(temporary)).toThrow(/write-ahead logging.*answered delete/);
      } finally {
        temporary.close();
      }
    });

    it("keeps times exactly, from 0000-01-01 to 9999-12-31 and beyond, and local times apart", async () => {
      const { store } = opened;
      const starts = {
        year0: -62_167_219_200_000,
        year9999: 253_402_300_799_999 - 1_800_000,
        beforeEpoch: -1_501,
        ms: Date.UTC(2021, 3, 22, 10, 0, 0, 123),
        lastDate: 8_640_000_000_000_000 - 1_800_000,
      };
      for (const [id, startMs] of Object.entries(starts)) {
        const request = booking(
          "times",
          id,
          startMs,
          { atMs: startMs, changeExpiresAtMs: startMs + 1 },
          {
            localShiftMs: -7_200_001,
          },
        );
        expect(await store.write(request)).toMatchObject({ status: "written" });
        const expected = {
          startMs,
          endMs: startMs + 1_800_000,
          localStartMs: startMs - 7_200_001,
          localEndMs: startMs - 5_400_001,
        };
        expect(await store.getAppointment("times", id)).toMatchObject({ ...expected, createdAtMs: startMs });
        expect(await store.listAppointments("times", { fromMs: startMs, toMs: startMs + 1 })).toMatchObject([expected]);
      }
      const events = await store.readChanges({ limit: 10, userId: "times" });
      expect(events.map((event) => [event.record.startMs, event.atMs])).toEqual(
        Object.values(starts).map((ms) => [ms, ms]),
      );
    });

    it("gives back metadata as JSON reads it back, lone surrogates and U+0000 too, in the answer and every read", async () => {
      const metadata = JSON.parse(
        '{"text":"é \\u00e9 \\ud83d\\ude00 \\\\ \\" \\u0000 \\ud800","nested":{"list":[1,2.5,-0.001,1e21,null,true]},"__proto__":1}',
      );
      const written = await opened.store.write(booking("meta", "a", START, {}, { metadata }));
      expect(written).toMatchObject({ status: "written", record: { metadata } });
      const read = await opened.store.getAppointment("meta", "a");
      expect(read?.metadata).toEqual(metadata);
      expect(Object.keys(read?.metadata ?? {})).toEqual(["text", "nested", "__proto__"]);
      expect(read?.metadata?.text).toBe(metadata.text);
      expect((await opened.store.readChanges({ limit: 1, userId: "meta" }))[0]?.record.metadata).toEqual(metadata);
    });

    it("shows a feed in commit order to another connection: bookings, moves and cancels, each event once", async () => {
      const { store } = opened;
      const user = "feed";
      const key = { key: "k", fingerprint: "f", expiresAtMs: 5_000 };
      await store.write(booking(user, "a", START));
      await store.write(booking(user, "b", START + 3 * DAY_MS, { idempotency: key }));
      const move = booking(user, "a", START + DAY_MS).change as Extract<WriteRequest["change"], { type: "book" }>;
      const moved = await store.write({
        userId: user,
        change: { type: "move", id: "a", times: move.times, occupancy: move.occupancy, earliestStartMs: null },
        atMs: 1_200,
        changeExpiresAtMs: 2_000,
      });
      expect(moved).toMatchObject({ status: "written", record: { version: 2, startMs: START + DAY_MS } });
      await store.write(cancellation(user, "a"));
      await withConnection(async (db) => {
        const reader = new SqliteStore(db);
        const events = await reader.readChanges({ limit: 10, userId: user });
        expect(
          events.map((e) => [e.type, e.record.id, e.record.version, e.previous, e.idempotencyKey, e.atMs]),
        ).toEqual([
          ["booked", "a", 1, null, null, 1_000],
          ["booked", "b", 1, null, "k", 1_000],
          ["rescheduled", "a", 2, { startMs: START, endMs: START + 1_800_000 }, null, 1_200],
          ["cancelled", "a", 3, null, null, 1_500],
        ]);
        const positions = events.map((e) => Number(e.position));
        expect(positions).toEqual([...positions].sort((x, y) => x - y));
        // Paging from each position gives the rest, in the whole feed too.
        for (const [i, event] of events.entries()) {
          const rest = await reader.readChanges({ after: event.position, limit: 10, userId: user });
          expect(rest.map((e) => e.position)).toEqual(events.slice(i + 1).map((e) => e.position));
        }
        const all = await reader.readChanges({ after: events[0]?.position, limit: 1000 });
        expect(all.filter((e) => e.record.userId === user).map((e) => e.position)).toEqual(
          positions.slice(1).map(String),
        );
      });
    });

    it("removes expired keys and events, and only those, events in feed order up to the first one kept", async () => {
      // A file of its own: events are removed in feed order, so other tests' events would hold them back.
      const own = await openStore(target);
      try {
        const { store } = own;
        const user = "purge";
        const at = (atMs: number, key: string, keyExpiresAtMs: number) =>
          booking(user, key, START + atMs * DAY_MS, {
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
          expect(await store.write(cancellation(user, id, { atMs: 6, changeExpiresAtMs: 100_000 }))).toMatchObject({
            status: "written",
          });
        }
        const kept = async () => (await store.readChanges({ limit: 20 })).map((e) => `${e.type} ${e.record.id}`);
        const cancelled = ["k1", "k2", "k3", "k4", "k5"].map((id) => `cancelled ${id}`);
        expect(await kept()).toEqual([...["k1", "k2", "k3", "k4", "k5"].map((id) => `booked ${id}`), ...cancelled]);
        expect(await store.purgeExpired(55)).toBe(1); // k1's key
        expect(await store.purgeExpired(101)).toBe(3 + 1); // k3's, k4's and k5's keys; k1's event
        expect(await kept()).toEqual([...["k2", "k3", "k4", "k5"].map((id) => `booked ${id}`), ...cancelled]);
        expect(await store.purgeExpired(200)).toBe(2); // k2's and k3's events, not k5's behind k4's
        expect(await kept()).toEqual(["booked k4", "booked k5", ...cancelled]);
        // k2's key lives until 500: a retry at 200 replays it, and writes nothing.
        expect(await store.write(at(200, "k2", 600))).toMatchObject({ status: "written", replayed: true });
        expect(await store.purgeExpired(1000)).toBe(1 + 2); // k2's key; k4's and k5's events
        expect(await kept()).toEqual(cancelled);
        expect(await store.purgeExpired(1_000_000)).toBe(0);
        expect(await kept()).toEqual(cancelled);
      } finally {
        await own.close();
      }
    });

    it("stops before it starts when the signal has already fired, and writes nothing", async () => {
      const { store } = opened;
      const scheduler = createScheduler({ store });
      const signal = AbortSignal.timeout(0);
      await new Promise((resolve) => setTimeout(resolve, 5));
      await expect(scheduler.book("sig", "2021-04-22 11:30", { signal })).rejects.toMatchObject({ code: "TIMED_OUT" });
      await expect(store.write(booking("sig", "b", START), { signal })).rejects.toMatchObject({ code: "TIMED_OUT" });
      const aborted = { signal: AbortSignal.abort() };
      await expect(store.write(booking("sig", "c", START), aborted)).rejects.toMatchObject({ code: "ABORTED" });
      await expect(store.listAppointments("sig", {}, aborted)).rejects.toMatchObject({ code: "ABORTED" });
      await expect(store.migrate(aborted)).rejects.toMatchObject({ code: "ABORTED" });
      expect(await store.listAppointments("sig", { status: "all" })).toEqual([]);
    });

    it("fails a write with STORE_UNAVAILABLE, having written nothing, while another connection holds the write lock past the busy timeout", async () => {
      await withConnection(async (db) => {
        const store = new SqliteStore(db, { busyTimeoutMs: 100 });
        const scheduler = createScheduler({ store });
        await withConnection(async (holder) => {
          holder.exec("BEGIN IMMEDIATE");
          const started = performance.now();
          const refused = await store.write(booking("busy", "a", START)).catch((error: unknown) => error);
          expect(refused).toBeInstanceOf(StoreUnavailableError);
          expect((refused as Error).message).toContain("busy timeout (100 ms)");
          expect(performance.now() - started).toBeGreaterThanOrEqual(90);
          await expect(scheduler.book("busy", "2021-04-22 11:30")).rejects.toMatchObject({ code: "STORE_UNAVAILABLE" });
          // Reads see the last commit meanwhile: WAL readers do not wait for the writer.
          expect(await store.listAppointments("busy", { status: "all" })).toEqual([]);
          holder.exec("ROLLBACK");
        });
        expect(await store.write(booking("busy", "a", START))).toMatchObject({ status: "written" });
        expect(await store.listAppointments("busy", {})).toHaveLength(1);
      });
    });

    it("fails a write with STORE_UNAVAILABLE while a transaction of the caller's own is open on its connection", async () => {
      await withConnection(async (db) => {
        const store = new SqliteStore(db);
        db.exec("BEGIN");
        await expect(store.write(booking("own-tx", "a", START))).rejects.toBeInstanceOf(StoreUnavailableError);
        db.exec("ROLLBACK");
        expect(await store.write(booking("own-tx", "a", START))).toMatchObject({ status: "written" });
      });
    });

    it("waits for another connection's write lock within the busy timeout, and then writes", async () => {
      const holder = runFixture("hold-write-lock.ts", [opened.store.driver, opened.file, "300"]);
      await printed(holder.child, "locked");
      const started = performance.now();
      expect(await opened.store.write(booking("wait", "a", START))).toMatchObject({ status: "written" });
      expect(performance.now() - started).toBeGreaterThanOrEqual(200);
      await holder.done;
    });

    it("reports a closed database as STORE_UNAVAILABLE, for every operation and through the scheduler", async () => {
      const db = target.openDatabase(opened.file);
      const store = new SqliteStore(db);
      await store.getAppointment("closed", "a"); // statements prepared while it was open
      db.close();
      const scheduler = createScheduler({ store });
      const code = { code: "STORE_UNAVAILABLE" };
      await expect(store.write(booking("closed", "a", START))).rejects.toMatchObject(code);
      await expect(store.getAppointment("closed", "a")).rejects.toMatchObject(code);
      await expect(store.listAppointments("closed", {})).rejects.toMatchObject(code);
      await expect(store.readChanges({ limit: 1 })).rejects.toMatchObject(code);
      await expect(store.purgeExpired(1)).rejects.toMatchObject(code);
      await expect(store.migrate()).rejects.toMatchObject(code);
      await expect(scheduler.book("closed", "2021-04-22 11:30")).rejects.toMatchObject(code);
      await expect(scheduler.get("closed", "a")).rejects.toMatchObject(code);
      expect(() => new SqliteStore(db)).toThrow(StoreUnavailableError);
      // And one closed before any statement was prepared.
      const never = target.openDatabase(opened.file);
      const unused = new SqliteStore(never);
      never.close();
      await expect(unused.write(booking("closed", "a", START))).rejects.toMatchObject(code);
    });

    it("reports missing tables as STORE_UNAVAILABLE, naming migrate()", async () => {
      const db = target.openDatabase(":memory:");
      try {
        const error = await new SqliteStore(db).getAppointment("u", "a").catch((e: unknown) => e);
        expect(error).toBeInstanceOf(StoreUnavailableError);
        expect((error as Error).message).toMatch(/no such table.*migrate\(\)/);
      } finally {
        db.close();
      }
    });

    it("refuses wrong arguments with INVALID_ARGUMENT, before anything is written", async () => {
      const { store } = opened;
      const invalid = (argument: string) => expect.objectContaining({ code: "INVALID_ARGUMENT", argument });
      const db = opened.db;
      expect(() => new SqliteStore({} as SqliteDatabase)).toThrow(invalid("db"));
      expect(() => new SqliteStore(null as unknown as SqliteDatabase)).toThrow(invalid("db"));
      expect(() => new SqliteStore(db, { tablePrefix: "Bad-Prefix" })).toThrow(invalid("options.tablePrefix"));
      expect(() => new SqliteStore(db, { tablePrefix: "sqlite_x" })).toThrow(invalid("options.tablePrefix"));
      expect(() => new SqliteStore(db, { synchronous: "OFF" as "FULL" })).toThrow(invalid("options.synchronous"));
      expect(() => new SqliteStore(db, { busyTimeoutMs: -1 })).toThrow(invalid("options.busyTimeoutMs"));
      expect(() => new SqliteStore(db, { busyTimeoutMs: 1.5 })).toThrow(invalid("options.busyTimeoutMs"));
      const book = booking("args", "a", START);
      const change = book.change as Extract<WriteRequest["change"], { type: "book" }>;
      const wrong: [WriteRequest, string][] = [
        [{ ...book, atMs: 1.5 }, "atMs"],
        [{ ...book, changeExpiresAtMs: Number.NaN }, "changeExpiresAtMs"],
        [{ ...book, change: { ...change, times: { ...change.times, startMs: 2 ** 60 } } }, "times.startMs"],
        [{ ...book, change: { ...change, id: 7 as unknown as string } }, "change.id"],
        [{ ...book, change: { ...change, type: "delete" } as unknown as WriteRequest["change"] }, "change.type"],
        [{ ...book, change: { ...change, occupancy: { ...change.occupancy, limit: 0 } } }, "change.occupancy.limit"],
        [
          { ...book, idempotency: { key: "k", fingerprint: "f", expiresAtMs: Number.POSITIVE_INFINITY } },
          "idempotency.expiresAtMs",
        ],
        [{ ...book, change: { ...change, metadata: { n: 1n } as unknown as null } }, "change.metadata"],
      ];
      for (const [request, argument] of wrong) {
        await expect(store.write(request), argument).rejects.toEqual(invalid(argument));
      }
      await expect(store.readChanges({ after: "1-2", limit: 1 })).rejects.toEqual(invalid("after"));
      await expect(store.readChanges({ after: "99999999999999999", limit: 1 })).rejects.toEqual(invalid("after"));
      await expect(store.readChanges({ limit: 0 })).rejects.toEqual(invalid("limit"));
      await expect(store.listAppointments("args", { limit: 1.5 })).rejects.toEqual(invalid("query.limit"));
      await expect(store.listAppointments("args", { status: "gone" as "all" })).rejects.toEqual(
        invalid("query.status"),
      );
      await expect(store.purgeExpired(0.5)).rejects.toEqual(invalid("nowMs"));
      expect(await store.listAppointments("args", { status: "all" })).toEqual([]);
    });

    it("lists with bounds outside every stored time, fractions and NaN compared as the contract says", async () => {
      const { store } = opened;
      await store.write(booking("bounds", "a", START));
      const ids = async (query: Parameters<SqliteStore["listAppointments"]>[1]) =>
        (await store.listAppointments("bounds", query)).map((record) => record.id);
      expect(await ids({ fromMs: -1e300, toMs: 1e300 })).toEqual(["a"]);
      expect(await ids({ fromMs: Number.NaN, toMs: Number.NaN })).toEqual(["a"]);
      expect(await ids({ fromMs: START + 1_800_000 - 0.5 })).toEqual(["a"]);
      expect(await ids({ toMs: START + 0.5 })).toEqual(["a"]);
      expect(await ids({ toMs: START })).toEqual([]);
      expect(await ids({ after: { startMs: START - 0.5, id: "z" } })).toEqual(["a"]);
      expect(await ids({ after: { startMs: START, id: "a" } })).toEqual([]);
    });

    it("migrates safely when four processes open a fresh file and migrate at once", async () => {
      const { dir, remove } = temporaryDirectory();
      try {
        const file = join(dir, "fresh.db");
        const children = Array.from({ length: 4 }, () => runFixture("migrate.ts", [opened.store.driver, file]));
        await Promise.all(children.map((child) => printed(child.child, "ready")));
        for (const { child } of children) child.stdin?.end("go\n");
        const outputs = await Promise.all(children.map((child) => child.done));
        expect(outputs.map((output) => output.trim().split("\n").at(-1))).toEqual(Array(4).fill("migrated"));
        const db = target.openDatabase(file);
        try {
          expect(rows(db, "SELECT version FROM scheduler_migrations")).toEqual([
            { version: 1 },
            { version: 2 },
            { version: 3 },
          ]);
          expect(pragma(db, "journal_mode")).toBe("wal");
          expect(await new SqliteStore(db).write(booking("mig", "a", START))).toMatchObject({ status: "written" });
        } finally {
          db.close();
        }
      } finally {
        remove();
      }
    }, 30_000);

    describe("when the database fails", () => {
      const faults: Fault[] = [];
      let store: SqliteStore;
      let db: Db;
      beforeAll(() => {
        db = target.openDatabase(opened.file);
        store = new SqliteStore(failingDatabase(db, faults));
      });
      afterAll(() => db?.close());

      it("reports a commit that failed as an unknown outcome, which a retry with the key settles", async () => {
        const scheduler = createScheduler({ store });
        faults.push({
          sql: /^COMMIT$/,
          after: true,
          error: sqliteError(db, "disk I/O error", "SQLITE_IOERR_FSYNC", 1034),
          times: 1,
        });
        const error = await scheduler
          .book("fail-commit", "2021-04-22 11:30", { idempotencyKey: "k" })
          .catch((e: unknown) => e as SchedulerError);
        expect(error).toMatchObject({ code: "OUTCOME_UNKNOWN", idempotencyKey: "k" });
        // It had committed: the retry answers the booking, and there is one.
        const retried = await scheduler.book("fail-commit", "2021-04-22 11:30", { idempotencyKey: "k" });
        expect((await scheduler.list("fail-commit")).appointments.map((a) => a.id)).toEqual([retried.id]);
      });

      it("reports an I/O error inside the transaction as STORE_UNAVAILABLE, rolled back, and then writes", async () => {
        faults.push({
          sql: /^\s*INSERT INTO scheduler_appointments/,
          after: true,
          error: sqliteError(db, "disk I/O error", "SQLITE_IOERR_WRITE", 778),
          times: 1,
        });
        const key = { key: "k", fingerprint: "f", expiresAtMs: 5_000 };
        await expect(store.write(booking("fail-io", "a", START, { idempotency: key }))).rejects.toBeInstanceOf(
          StoreUnavailableError,
        );
        expect(await store.getAppointment("fail-io", "a")).toBeNull();
        expect(await store.readChanges({ userId: "fail-io", limit: 10 })).toEqual([]);
        // Not even the key was kept: the write is made, not replayed.
        expect(await store.write(booking("fail-io", "a", START, { idempotency: key }))).toMatchObject({
          status: "written",
          replayed: false,
        });
      });

      it("rethrows a constraint violation inside the transaction as it is (a bug), rolled back", async () => {
        const violation = sqliteError(db, "CHECK constraint failed: end_ms > start_ms", "SQLITE_CONSTRAINT_CHECK", 275);
        faults.push({ sql: /^\s*INSERT INTO scheduler_appointments/, after: false, error: violation, times: 1 });
        await expect(store.write(booking("fail-bug", "a", START))).rejects.toBe(violation);
        expect(await store.getAppointment("fail-bug", "a")).toBeNull();
        expect(await store.write(booking("fail-bug", "a", START))).toMatchObject({ status: "written" });
      });
    });
  });
});

describe("docs/sqlite.md", () => {
  it("shows the whole schema as sqliteSchemaSql() writes it", () => {
    const doc = readFileSync(new URL("../../docs/sqlite.md", import.meta.url), "utf8");
    const shown = /<summary>The whole schema[^\n]*\n\n```sql\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(shown).toBe(sqliteSchemaSql());
  });
});
