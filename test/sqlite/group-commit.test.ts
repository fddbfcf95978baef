/**
 * Group commit: writes called together (in one turn of the event loop) run in one transaction, each in a
 * savepoint of its own, with one COMMIT, and each answers exactly what it would have answered alone after
 * those called before it. Observed through a database that counts the statements the store runs (and fails
 * where a test says). On better-sqlite3, and on `node:sqlite` where this Node.js has it.
 */
import {
  createScheduler,
  type SchedulerError,
  StoreUnavailableError,
  type WriteRequest,
  type WriteResult,
} from "appointment-scheduler";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_MAX_BATCH } from "../../src/sqlite/group-commit.js";
import { SqliteStore } from "../../src/sqlite/index.js";
import {
  asHold,
  booking,
  cancellation,
  countingDatabase,
  DAY_MS,
  type Fault,
  failingDatabase,
  holdChange,
  sqliteError,
} from "./support.js";
import { type OpenedStore, openStore, sqliteTargets } from "./targets.js";

const START = Date.UTC(2021, 3, 22, 10);
const KEY_EXPIRY = 1_000_000;

/** A store on the file of `opened`, through a database that fails on `faults` and counts what it runs. */
function observedStore(opened: OpenedStore, faults: Fault[] = [], options = {}) {
  const counting = countingDatabase(failingDatabase(opened.db, faults));
  return { store: new SqliteStore(counting.db, options), runs: counting.runs };
}

/** A move of `id` to `startMs`, with the occupancy a booking there would have. */
function move(userId: string, id: string, startMs: number, extra: Partial<WriteRequest> = {}): WriteRequest {
  const { times, occupancy } = booking(userId, id, startMs).change as Extract<WriteRequest["change"], { type: "book" }>;
  return {
    userId,
    change: { type: "move", id, times, occupancy, earliestStartMs: null },
    atMs: 1_200,
    changeExpiresAtMs: 2_000,
    ...extra,
  };
}

function key(name: string, fingerprint = "f") {
  return { idempotency: { key: name, fingerprint, expiresAtMs: KEY_EXPIRY } };
}

/** What a write's promise settled with, comparable across stores. */
async function settled(pending: Promise<WriteResult>): Promise<WriteResult | { rejected: unknown }> {
  return pending.catch((error: unknown) => ({ rejected: error }));
}

/** Everything a store shows of `users`: their records and the whole feed. */
async function contents(store: SqliteStore, users: readonly string[]) {
  return {
    records: await Promise.all(users.map((user) => store.listAppointments(user, { status: "all" }))),
    feed: await store.readChanges({ limit: 10_000 }),
  };
}

describe.each(sqliteTargets)("SqliteStore on $name", (target) => {
  describe.runIf(target.available)("group commit", () => {
    /** A migrated store on a fresh file, closed after `use`. */
    const withStore = async (use: (opened: OpenedStore) => Promise<void>) => {
      const opened = await openStore(target);
      try {
        await use(opened);
      } finally {
        await opened.close();
      }
    };

    it("runs writes called together in one transaction, each answered as it would be one after the other", async () => {
      // One user's day, limit one: a booking, what it refuses, replays of its key, and what its cancel allows.
      const requests: WriteRequest[] = [
        booking("mix", "a", START, key("k1")),
        booking("mix", "b", START + 3_600_000),
        booking("mix", "b", START + 3_600_000, key("k2")),
        booking("mix", "a", START, key("k1")),
        booking("mix", "c", START, key("k1", "other")),
        booking("mix", "a", START + DAY_MS),
        move("mix", "a", START + 7_200_000),
        cancellation("mix", "a", key("k3")),
        booking("mix", "b", START + 3_600_000),
        cancellation("mix", "a", key("k3")),
        cancellation("mix", "zzz"),
        booking("other", "a", START),
      ];
      await withStore(async (batched) => {
        await withStore(async (oneByOne) => {
          const { store, runs } = observedStore(batched);
          const together = await Promise.all(requests.map((request) => settled(store.write(request))));
          expect(runs("BEGIN IMMEDIATE")).toBe(1);
          expect(runs("COMMIT")).toBe(1);
          expect(runs("SAVEPOINT scheduler_write")).toBe(requests.length);

          const alone: unknown[] = [];
          for (const request of requests) alone.push(await settled(oneByOne.store.write(request)));
          expect(together).toEqual(alone);
          expect(together.map((result) => ("status" in result ? result.status : "rejected"))).toEqual([
            "written",
            "limit-reached",
            "limit-reached",
            "written",
            "key-reused",
            "id-taken",
            "written",
            "written",
            "written",
            "written",
            "not-found",
            "written",
          ]);
          expect(together[3]).toMatchObject({ replayed: true });
          expect(together[9]).toMatchObject({ replayed: true, record: { status: "cancelled", version: 3 } });
          expect(await contents(store, ["mix", "other"])).toEqual(await contents(oneByOne.store, ["mix", "other"]));
        });
      });
    });

    it("answers random writes of two users (holds too) called together as the same writes awaited one at a time", async () => {
      const users = ["u1", "u2"];
      const write = fc
        .record({
          user: fc.constantFrom(...users),
          type: fc.constantFrom("book", "book", "hold", "move", "cancel", "confirm", "release"),
          id: fc.constantFrom("a", "b", "c"),
          day: fc.integer({ min: 0, max: 2 }),
          hour: fc.integer({ min: 0, max: 3 }),
          key: fc.option(fc.constantFrom("k1", "k2", "k3"), { nil: undefined }),
          fingerprint: fc.constantFrom("f1", "f2"),
          tooLate: fc.boolean(),
        })
        .map(({ user, type, id, day, hour, key: name, fingerprint, tooLate }): ((atMs: number) => WriteRequest) => {
          const startMs = START + day * DAY_MS + hour * 3_600_000;
          const extra = name === undefined ? {} : key(name, fingerprint);
          return (atMs) => {
            const at = { atMs, ...extra };
            if (type === "book") return booking(user, id, startMs, at);
            // A hold counts for the next 20 writes: later ones in the list find it expired.
            if (type === "hold") return asHold(booking(user, id, startMs, at), atMs + 20);
            if (type === "confirm" || type === "release") return holdChange(user, id, atMs, type, extra);
            const earliestStartMs = tooLate ? START + DAY_MS : null;
            const request = type === "move" ? move(user, id, startMs, at) : cancellation(user, id, at);
            return { ...request, change: { ...request.change, earliestStartMs } } as WriteRequest;
          };
        });
      await fc.assert(
        fc.asyncProperty(fc.array(write, { minLength: 1, maxLength: DEFAULT_MAX_BATCH + 40 }), async (writes) => {
          const requests = writes.map((make, i) => make(1_000 + i));
          await withStore(async (batched) => {
            await withStore(async (oneByOne) => {
              const { store, runs } = observedStore(batched);
              const together = await Promise.all(requests.map((request) => settled(store.write(request))));
              const alone: unknown[] = [];
              for (const request of requests) alone.push(await settled(oneByOne.store.write(request)));
              expect(together).toEqual(alone);
              expect(await contents(store, users)).toEqual(await contents(oneByOne.store, users));
              // One transaction per batch of at most DEFAULT_MAX_BATCH writes; none commits when it wrote nothing.
              expect(runs("BEGIN IMMEDIATE")).toBe(Math.ceil(requests.length / DEFAULT_MAX_BATCH));
              expect(runs("COMMIT")).toBeLessThanOrEqual(runs("BEGIN IMMEDIATE"));
            });
          });
        }),
        { numRuns: 25 },
      );
    }, 60_000);

    it("gives concurrent bookings through the scheduler one COMMIT, and a read after each resolved sees it", async () => {
      await withStore(async (opened) => {
        const { store, runs } = observedStore(opened);
        const scheduler = createScheduler({ store });
        const users = Array.from({ length: 10 }, (_, i) => `concurrent-${i}`);
        const seen = await Promise.all(
          users.map(async (user) => {
            const booked = await scheduler.book(user, "2021-04-22 11:30");
            return (await scheduler.get(user, booked.id))?.id === booked.id;
          }),
        );
        expect(seen).toEqual(Array(10).fill(true));
        expect(runs("COMMIT")).toBe(1);
      });
    });

    it(`caps a batch at ${DEFAULT_MAX_BATCH} writes: the rest run in the next transaction`, async () => {
      await withStore(async (opened) => {
        const { store, runs } = observedStore(opened);
        const count = 2 * DEFAULT_MAX_BATCH + 5;
        const results = await Promise.all(
          Array.from({ length: count }, (_, i) => store.write(booking(`cap-${i}`, "a", START))),
        );
        expect(results.every((result) => result.status === "written")).toBe(true);
        expect(runs("COMMIT")).toBe(3);
      });
    });

    it("runs a lone write, and a batch that writes nothing, without committing more than needed", async () => {
      await withStore(async (opened) => {
        const { store, runs } = observedStore(opened);
        expect(await store.write(booking("lone", "a", START))).toMatchObject({ status: "written" });
        expect([runs("BEGIN IMMEDIATE"), runs("COMMIT"), runs("ROLLBACK")]).toEqual([1, 1, 0]);
        // Alone in its transaction, a write needs no savepoint; two in one batch take one each.
        expect(runs("SAVEPOINT scheduler_write")).toBe(0);
        expect(await store.write(booking("lone", "a", START))).toMatchObject({ status: "id-taken" });
        expect([runs("BEGIN IMMEDIATE"), runs("COMMIT"), runs("ROLLBACK")]).toEqual([2, 1, 1]);
        // Refusals only: rolled back, as a write that wrote nothing always was.
        const refused = await Promise.all([
          store.write(booking("lone", "b", START)),
          store.write(cancellation("lone", "zzz")),
        ]);
        expect(refused.map((result) => result.status)).toEqual(["limit-reached", "not-found"]);
        expect([runs("BEGIN IMMEDIATE"), runs("COMMIT"), runs("ROLLBACK")]).toEqual([3, 1, 2]);
        expect(runs("SAVEPOINT scheduler_write")).toBe(2);
      });
    });

    it("rejects every write that had an outcome with COMMIT's own error, an unknown outcome through the scheduler", async () => {
      await withStore(async (opened) => {
        const failure = sqliteError(opened.db, "disk I/O error", "SQLITE_IOERR_FSYNC", 1034);
        const faults: Fault[] = [];
        const { store, runs } = observedStore(opened, faults);
        await store.write(booking("commit", "first", START + 5 * DAY_MS));
        // The COMMIT writes, and then fails (as a sync of the log that failed).
        faults.push({ sql: /^COMMIT$/, after: true, error: failure, times: 1 });
        const results = await Promise.all([
          settled(store.write(booking("commit", "a", START, key("k")))),
          // Refused by the booking before it, which the failed COMMIT leaves unknown: unknown too.
          settled(store.write(booking("commit", "b", START))),
          settled(store.write(cancellation("commit", "first"))),
        ]);
        expect(results).toEqual(Array(3).fill({ rejected: failure }));
        expect(runs("COMMIT")).toBe(2);

        // Through the scheduler: OUTCOME_UNKNOWN for each, which a retry with its key settles (it had committed).
        faults.push({ sql: /^COMMIT$/, after: true, error: failure, times: 1 });
        const scheduler = createScheduler({ store });
        const users = ["commit-1", "commit-2", "commit-3"];
        const errors = await Promise.all(
          users.map((user) =>
            scheduler
              .book(user, "2021-04-22 11:30", { idempotencyKey: `key-${user}` })
              .catch((error: unknown) => error as SchedulerError),
          ),
        );
        expect(errors).toEqual(
          users.map((user) => expect.objectContaining({ code: "OUTCOME_UNKNOWN", idempotencyKey: `key-${user}` })),
        );
        for (const user of users) {
          const retried = await scheduler.book(user, "2021-04-22 11:30", { idempotencyKey: `key-${user}` });
          expect((await scheduler.list(user)).appointments.map((a) => a.id)).toEqual([retried.id]);
        }
      });
    });

    it("keeps the other writes of a batch when one fails: rolled back to its savepoint, its error its own", async () => {
      await withStore(async (opened) => {
        const io = sqliteError(opened.db, "disk I/O error", "SQLITE_IOERR_WRITE", 778);
        const violation = sqliteError(opened.db, "CHECK constraint failed", "SQLITE_CONSTRAINT_CHECK", 275);
        const insertOf = (id: string) => ({
          sql: /^\s*INSERT INTO scheduler_appointments/,
          params: (params: unknown[]) => params[1] === id,
          times: 1,
        });
        const faults: Fault[] = [
          // Failed after the row was inserted: the savepoint takes it back.
          { ...insertOf("io"), after: true, error: io },
          { ...insertOf("bug"), after: false, error: violation },
        ];
        const { store, runs } = observedStore(opened, faults);
        await store.write(booking("survivors", "first", START + 5 * DAY_MS));
        const results = await Promise.all([
          settled(store.write(cancellation("survivors", "first"))),
          settled(store.write(booking("survivors", "io", START, key("k-io")))),
          settled(store.write(booking("survivors", "a", START + DAY_MS, key("k-a")))),
          settled(store.write(booking("survivors", "bug", START + 2 * DAY_MS))),
          // The failed booking's day is free: nothing of it is left.
          settled(store.write(booking("survivors", "b", START + 1_800_000))),
        ]);
        expect(results[0]).toMatchObject({ status: "written", record: { status: "cancelled" } });
        expect((results[1] as { rejected: unknown }).rejected).toBeInstanceOf(StoreUnavailableError);
        expect(results[2]).toMatchObject({ status: "written", record: { id: "a" } });
        expect(results[3]).toEqual({ rejected: violation });
        expect(results[4]).toMatchObject({ status: "written", record: { id: "b" } });
        // One transaction for the batch (and one for the first booking): the failures were undone alone.
        expect([runs("BEGIN IMMEDIATE"), runs("COMMIT")]).toEqual([2, 2]);
        const records = await store.listAppointments("survivors", { status: "all" });
        expect(records.map((record) => `${record.id} ${record.status}`).sort()).toEqual([
          "a booked",
          "b booked",
          "first cancelled",
        ]);
        expect((await store.readChanges({ userId: "survivors", limit: 10 })).map((e) => e.record.id)).toEqual([
          "first",
          "first",
          "a",
          "b",
        ]);
        // Not even the failed write's key was kept: the retry writes.
        expect(await store.write(booking("survivors", "io", START + 3 * DAY_MS, key("k-io")))).toMatchObject({
          status: "written",
          replayed: false,
        });
      });
    });

    it("runs the others again in a new transaction when a failed write cannot be undone alone", async () => {
      await withStore(async (opened) => {
        const io = sqliteError(opened.db, "disk I/O error", "SQLITE_IOERR_WRITE", 778);
        const faults: Fault[] = [
          {
            sql: /^\s*INSERT INTO scheduler_appointments/,
            params: (params) => params[1] === "fails",
            after: true,
            error: io,
            times: 1,
          },
          { sql: /^ROLLBACK TO/, after: false, error: io, times: 1 },
        ];
        const { store, runs } = observedStore(opened, faults);
        const results = await Promise.all([
          settled(store.write(booking("again", "a", START))),
          settled(store.write(booking("again", "fails", START + DAY_MS))),
          settled(store.write(booking("again", "c", START + 2 * DAY_MS))),
        ]);
        expect(results[0]).toMatchObject({ status: "written", record: { id: "a" } });
        expect((results[1] as { rejected: unknown }).rejected).toBeInstanceOf(StoreUnavailableError);
        expect(results[2]).toMatchObject({ status: "written", record: { id: "c" } });
        expect([runs("BEGIN IMMEDIATE"), runs("ROLLBACK"), runs("COMMIT")]).toEqual([2, 1, 1]);
        const ids = (await store.listAppointments("again", { status: "all" })).map((record) => record.id);
        expect(ids).toEqual(["a", "c"]);
      });
    });

    it("fails every write of a batch with STORE_UNAVAILABLE, after one wait, while another connection holds the lock", async () => {
      await withStore(async (opened) => {
        const { store, runs } = observedStore(opened, [], { busyTimeoutMs: 100 });
        const holder = target.openDatabase(opened.file);
        try {
          holder.exec("BEGIN IMMEDIATE");
          const results = await Promise.all(
            ["a", "b", "c"].map((id, i) => settled(store.write(booking("locked", id, START + i * DAY_MS)))),
          );
          for (const result of results) {
            expect((result as { rejected: unknown }).rejected).toBeInstanceOf(StoreUnavailableError);
          }
          // One BEGIN waited for the lock, for the whole batch.
          expect(runs("BEGIN IMMEDIATE")).toBe(1);
          holder.exec("ROLLBACK");
        } finally {
          holder.close();
        }
        expect(await store.listAppointments("locked", { status: "all" })).toEqual([]);
      });
    });

    it("settles a queued write whose signal fires before its batch runs, having done nothing", async () => {
      await withStore(async (opened) => {
        const { store } = opened;
        const controller = new AbortController();
        const pending = [
          settled(store.write(booking("signal", "a", START))),
          settled(store.write(booking("signal", "b", START + DAY_MS), { signal: controller.signal })),
          settled(store.write(booking("signal", "c", START + 2 * DAY_MS))),
        ];
        controller.abort();
        const results = await Promise.all(pending);
        expect(results[0]).toMatchObject({ status: "written" });
        expect(results[1]).toEqual({ rejected: expect.objectContaining({ code: "ABORTED" }) });
        expect(results[2]).toMatchObject({ status: "written" });
        const ids = (await store.listAppointments("signal", { status: "all" })).map((record) => record.id);
        expect(ids).toEqual(["a", "c"]);
      });
    });
  });
});
