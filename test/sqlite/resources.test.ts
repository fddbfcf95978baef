/**
 * Bookable resources on the SQLite store: the capacity check across users in the write (capacity 1 and 2,
 * buffers, moves that change spans, the order of the checks), `stale` moves, the spans and types kept on
 * records and feed events, `listResourceAppointments`, the migration of a database from before resources,
 * and processes booking one resource on one file at once. On better-sqlite3, and on `node:sqlite` where this
 * Node.js has it.
 */
import { join } from "node:path";
import type { AppointmentRecord, BookChange, WriteRequest, WriteResult } from "appointment-scheduler";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SqliteStore } from "../../src/sqlite/index.js";
import { MIGRATION_STEPS, migrationsTableStatement, recordStepStatement } from "../../src/sqlite/migrations.js";
import { tableNames } from "../../src/sqlite/table-names.js";
import { resourceConflict } from "../../src/store/resource-capacity.js";
import { booking, type Child, cancellation, printed, resourceBooking, resourceMove, runFixture } from "./support.js";
import { type OpenedStore, openStore, sqliteTargets, temporaryDirectory } from "./targets.js";

const START = Date.UTC(2021, 3, 22, 10);
const MINUTE = 60_000;
/** `START` plus `minutes`. */
const at = (minutes: number) => START + minutes * MINUTE;

/** The record of a written result (fails the test otherwise). */
function written(result: WriteResult): AppointmentRecord {
  expect(result.status).toBe("written");
  return (result as Extract<WriteResult, { status: "written" }>).record;
}

/** `[userId, id]` of records. */
const keysOf = (records: readonly AppointmentRecord[]) => records.map((record) => [record.userId, record.id]);

describe.each(sqliteTargets)("SqliteStore on $name", (target) => {
  describe.runIf(target.available)("with resources", () => {
    let opened: OpenedStore;
    let store: SqliteStore;
    beforeEach(async () => {
      opened = await openStore(target);
      store = opened.store;
    });
    afterEach(() => opened?.close());

    const write = (request: WriteRequest) => store.write(request);

    it("keeps a resource of capacity 1 to one record at a time, across users, spans half-open", async () => {
      const a = written(await write(resourceBooking("ann", "a", at(0), { appointmentType: "consultation" })));
      expect(a).toMatchObject({
        resource: { resourceId: "room", fromMs: at(0), toMs: at(30) },
        appointmentType: "consultation",
      });
      expect(Object.keys(a.resource ?? {}).sort()).toEqual(["fromMs", "resourceId", "toMs"]);
      expect(await store.getAppointment("ann", "a")).toEqual(a);

      // Another user, overlapping: full, naming ann's record as it is stored.
      expect(await write(resourceBooking("bob", "b", at(15)))).toEqual({
        status: "resource-full",
        conflicting: a,
        replayed: false,
      });
      expect(await store.getAppointment("bob", "b")).toBeNull();
      // The same user, too: the resource counts records, not users.
      expect(await write(resourceBooking("ann", "a2", at(29)))).toMatchObject({ status: "resource-full" });
      // Back to back, on either side: no instant in common.
      written(await write(resourceBooking("bob", "b", at(30))));
      written(await write(resourceBooking("cid", "c", at(-30))));
      // Another resource is not in the way, nor is an appointment without one.
      written(await write(resourceBooking("dan", "d", at(10), { resourceId: "room 2" })));
      written(await write(booking("eve", "e", at(10))));
      expect((await store.getAppointment("eve", "e"))?.resource).toBeNull();
      expect((await store.getAppointment("eve", "e"))?.appointmentType).toBeNull();

      // A cancelled record frees the resource.
      written(await write(cancellation("ann", "a")));
      written(await write(resourceBooking("fay", "f", at(0))));
      expect(keysOf(await store.listResourceAppointments("room", {}))).toEqual([
        ["cid", "c"],
        ["fay", "f"],
        ["bob", "b"],
      ]);
    });

    it("lets a resource of capacity 2 take two records at an instant, and names the earliest at the first full instant", async () => {
      const capacity = 2;
      const a = written(await write(resourceBooking("ann", "a", at(0), { capacity })));
      written(await write(resourceBooking("bob", "b", at(15), { capacity })));
      // From 09:50: one record at 10:00, two from 10:15 on: full there, and ann's started first.
      expect(await write(resourceBooking("cid", "c", at(-10), { capacity }))).toEqual({
        status: "resource-full",
        conflicting: a,
        replayed: false,
      });
      // From 10:30 on only bob's: room for one more.
      written(await write(resourceBooking("cid", "c", at(30), { capacity })));
      // Now 10:30 to 10:45 is full (bob and cid), while 10:00 to 10:15 holds only ann.
      expect(await write(resourceBooking("dan", "d", at(40), { capacity }))).toMatchObject({
        status: "resource-full",
        conflicting: { userId: "bob", id: "b" },
      });
      written(await write(resourceBooking("dan", "d", at(-20), { capacity, durationMs: 30 * MINUTE })));
      // 10:00 to 10:10 now holds ann and dan: full; a capacity of 3 in the claim lets it in.
      expect(await write(resourceBooking("eve", "e", at(5), { capacity, durationMs: 5 * MINUTE }))).toMatchObject({
        status: "resource-full",
        conflicting: { userId: "dan", id: "d" },
      });
      written(await write(resourceBooking("eve", "e", at(5), { capacity: 3, durationMs: 5 * MINUTE })));

      const listed = await store.listResourceAppointments("room", {});
      expect(keysOf(listed)).toEqual([
        ["dan", "d"],
        ["ann", "a"],
        ["eve", "e"],
        ["bob", "b"],
        ["cid", "c"],
      ]);
      expect(maxOccupancy(listed)).toBe(3);
    });

    it("counts buffers: they widen the span the resource is occupied, not the appointment's times", async () => {
      // 10:00 to 10:30, and 15 minutes after it to tidy up: the room is taken until 10:45.
      const a = written(await write(resourceBooking("ann", "a", at(0), { afterMs: 15 * MINUTE })));
      expect(a).toMatchObject({ startMs: at(0), endMs: at(30), resource: { fromMs: at(0), toMs: at(45) } });
      expect(await write(resourceBooking("bob", "b", at(30)))).toMatchObject({
        status: "resource-full",
        conflicting: { id: "a" },
      });
      written(await write(resourceBooking("bob", "b", at(45)))); // 10:45 to 11:15
      // 15 minutes before it to prepare: 11:30 starts its span at 11:15, where bob's ends.
      const c = written(await write(resourceBooking("cid", "c", at(90), { beforeMs: 15 * MINUTE })));
      expect(c.resource).toEqual({ resourceId: "room", fromMs: at(75), toMs: at(120) });
      // One minute more of preparation, and it would overlap bob's.
      expect(await write(resourceBooking("dan", "d", at(90), { beforeMs: 16 * MINUTE }))).toMatchObject({
        status: "resource-full",
        conflicting: { userId: "bob", id: "b" },
      });
      // The store looks for candidates only where the claim's window says their spans start (as the contract
      // lets it): a span that starts before the window is not seen, so the window must cover the longest span.
      const long = written(
        await write(resourceBooking("eve", "e", at(300), { durationMs: 120 * MINUTE, resourceId: "hall" })),
      );
      expect(long.resource).toMatchObject({ fromMs: at(300), toMs: at(420) });
      expect(
        await write(resourceBooking("fay", "f", at(400), { resourceId: "hall", maxSpanMs: 120 * MINUTE })),
      ).toMatchObject({ status: "resource-full", conflicting: { id: "e" } });
      written(await write(resourceBooking("fay", "f", at(400), { resourceId: "hall", maxSpanMs: 60 * MINUTE })));

      // Listed by their spans: the buffers count for the range too.
      expect(keysOf(await store.listResourceAppointments("room", { fromMs: at(40), toMs: at(76) }))).toEqual([
        ["ann", "a"],
        ["bob", "b"],
        ["cid", "c"],
      ]);
      expect(keysOf(await store.listResourceAppointments("room", { fromMs: at(45), toMs: at(75) }))).toEqual([
        ["bob", "b"],
      ]);
    });

    it("moves a record's span with it: checked without the record itself, kept on the record and its events", async () => {
      const a = written(await write(resourceBooking("ann", "a", at(0), { appointmentType: "checkup" })));
      written(await write(resourceBooking("bob", "b", at(60))));
      // Into bob's: full. Onto part of its own span: the record itself is not in the way.
      expect(await write(resourceMove("ann", "a", at(45)))).toMatchObject({
        status: "resource-full",
        conflicting: { userId: "bob", id: "b" },
      });
      const moved = written(await write(resourceMove("ann", "a", at(15), { afterMs: 10 * MINUTE })));
      expect(moved).toEqual({
        ...a,
        startMs: at(15),
        endMs: at(45),
        localStartMs: at(15),
        localEndMs: at(45),
        version: 2,
        updatedAtMs: 1_200,
        previousTimes: [{ startMs: at(0), endMs: at(30), movedAtMs: 1_200 }],
        resource: { resourceId: "room", fromMs: at(15), toMs: at(55) },
      });
      expect(await store.getAppointment("ann", "a")).toEqual(moved);
      // The old span is free now; the new one is taken.
      written(await write(resourceBooking("cid", "c", at(-15))));
      expect(await write(resourceBooking("dan", "d", at(50), { durationMs: 5 * MINUTE }))).toMatchObject({
        status: "resource-full",
        conflicting: { id: "a" },
      });

      // To another resource, then to none: the span follows the move; the type stays.
      const elsewhere = written(await write(resourceMove("ann", "a", at(60), { resourceId: "room 2" })));
      expect(elsewhere.resource).toEqual({ resourceId: "room 2", fromMs: at(60), toMs: at(90) });
      expect(keysOf(await store.listResourceAppointments("room", {}))).toEqual([
        ["cid", "c"],
        ["bob", "b"],
      ]);
      expect(keysOf(await store.listResourceAppointments("room 2", {}))).toEqual([["ann", "a"]]);
      const none = written(await write(resourceMove("ann", "a", at(60), { resource: null })));
      expect(none).toMatchObject({ resource: null, appointmentType: "checkup", version: 4 });
      expect(await store.listResourceAppointments("room 2", {})).toEqual([]);

      // The feed keeps each version's span as it was: archived events and the current one.
      const events = await store.readChanges({ limit: 100, userId: "ann" });
      expect(events.map((event) => [event.type, event.record.version, event.record.resource])).toEqual([
        ["booked", 1, { resourceId: "room", fromMs: at(0), toMs: at(30) }],
        ["rescheduled", 2, { resourceId: "room", fromMs: at(15), toMs: at(55) }],
        ["rescheduled", 3, { resourceId: "room 2", fromMs: at(60), toMs: at(90) }],
        ["rescheduled", 4, null],
      ]);
      expect(events.every((event) => event.record.appointmentType === "checkup")).toBe(true);
      // A cancellation keeps the span it had (it occupies nothing any more: it is not booked).
      written(await write(resourceMove("ann", "a", at(200))));
      const cancelled = written(await write(cancellation("ann", "a")));
      expect(cancelled.resource).toEqual({ resourceId: "room", fromMs: at(200), toMs: at(230) });
      expect(await store.listResourceAppointments("room", { fromMs: at(200) })).toEqual([]);
    });

    it("refuses a move from another version as stale, after too-late and before the occupancy and the resource", async () => {
      written(await write(resourceBooking("ann", "a", at(0))));
      written(await write(resourceBooking("bob", "b", at(60))));
      const v2 = written(await write(resourceMove("ann", "a", at(10), { expectedVersion: 1 })));
      expect(v2.version).toBe(2);
      const feed = await store.readChanges({ limit: 100 });

      // Version 1 is gone: stale, answering the record as it is, whatever else the move would meet.
      expect(await write(resourceMove("ann", "a", at(20), { expectedVersion: 1 }))).toEqual({
        status: "stale",
        record: v2,
        replayed: false,
      });
      expect(await write(resourceMove("ann", "a", at(60), { expectedVersion: 3 }))).toMatchObject({
        status: "stale",
      });
      // Not found and too late come first.
      expect(await write(resourceMove("ann", "zz", at(20), { expectedVersion: 1 }))).toEqual({
        status: "not-found",
        replayed: false,
      });
      expect(
        await write(resourceMove("ann", "a", at(20), { expectedVersion: 1, earliestStartMs: at(11) })),
      ).toMatchObject({ status: "too-late", record: v2 });
      // Nothing was written.
      expect(await store.readChanges({ limit: 100 })).toEqual(feed);
      expect(await store.getAppointment("ann", "a")).toEqual(v2);

      // The right version passes on to the resource; without one, no check.
      expect(await write(resourceMove("ann", "a", at(60), { expectedVersion: 2 }))).toMatchObject({
        status: "resource-full",
        conflicting: { id: "b" },
      });
      expect(written(await write(resourceMove("ann", "a", at(30)))).version).toBe(3);

      // Kept under a key: a retry replays it, also after the record changed again.
      const key = { key: "k1", fingerprint: "f1", expiresAtMs: 10_000 };
      const stale = await write(resourceMove("ann", "a", at(40), { expectedVersion: 2 }, { idempotency: key }));
      expect(stale).toMatchObject({ status: "stale", record: { version: 3 }, replayed: false });
      written(await write(resourceMove("ann", "a", at(25))));
      expect(await write(resourceMove("ann", "a", at(40), { expectedVersion: 2 }, { idempotency: key }))).toEqual({
        ...stale,
        replayed: true,
      });
    });

    it("checks the occupancy and a taken id before the resource", async () => {
      written(await write(resourceBooking("ann", "a", at(0))));
      // Bob's own appointment overlaps, and the room is full: overlap first.
      written(await write(booking("bob", "own", at(0))));
      const claiming = resourceBooking("bob", "b", at(0));
      const { occupancy } = booking("bob", "b", at(0)).change as BookChange;
      expect(await write({ ...claiming, change: { ...(claiming.change as BookChange), occupancy } })).toMatchObject({
        status: "limit-reached",
        conflicting: { userId: "bob", id: "own" },
      });
      // An id ann has, with the room full: id-taken.
      expect(await write(resourceBooking("ann", "a", at(10)))).toEqual({ status: "id-taken", replayed: false });
      expect(await write(resourceBooking("bob", "own", at(10)))).toEqual({ status: "id-taken", replayed: false });
    });

    it("lists a resource's booked records by span start, user id and id in code units, within a range and a limit", async () => {
      // Equal span starts: user ids that SQLite's BINARY order (code points) sorts the other way round.
      const astral = "\u{1F600}"; // U+1F600: code units D83D DE00, before U+FFFD in JavaScript's order
      const high = "\uFFFD";
      for (const [user, id, minutes] of [
        [high, "x", 0],
        [astral, "y", 0],
        [astral, "b", 0],
        ["a", "z", 60],
        ["b", "\uFFFD", 120],
        ["b", "\u{10000}", 120],
      ] as const) {
        written(await write(resourceBooking(user, id, at(minutes), { capacity: 10 })));
      }
      written(await write(resourceBooking("c", "gone", at(0), { capacity: 10 })));
      written(await write(cancellation("c", "gone")));
      const all = await store.listResourceAppointments("room", {});
      expect(keysOf(all)).toEqual([
        [astral, "b"],
        [astral, "y"],
        [high, "x"],
        ["a", "z"],
        ["b", "\u{10000}"],
        ["b", "\uFFFD"],
      ]);
      // A limit cuts the contract's order, also between equal span starts.
      expect(keysOf(await store.listResourceAppointments("room", { limit: 1 }))).toEqual([[astral, "b"]]);
      expect(keysOf(await store.listResourceAppointments("room", { limit: 3 }))).toEqual(keysOf(all.slice(0, 3)));
      expect(keysOf(await store.listResourceAppointments("room", { limit: 5 }))).toEqual(keysOf(all.slice(0, 5)));
      expect(keysOf(await store.listResourceAppointments("room", { fromMs: at(120), limit: 1 }))).toEqual([
        ["b", "\u{10000}"],
      ]);
      expect(await store.listResourceAppointments("room", { limit: 100 })).toEqual(all);
      // The range by spans, half-open; bounds may be fractions or missing.
      expect(keysOf(await store.listResourceAppointments("room", { fromMs: at(30), toMs: at(60) }))).toEqual([]);
      expect(
        keysOf(await store.listResourceAppointments("room", { fromMs: at(30) - 0.5, toMs: at(60) + 0.5 })),
      ).toEqual(keysOf(all.slice(0, 4)));
      expect(keysOf(await store.listResourceAppointments("room", { fromMs: Number.NaN, toMs: at(61) }))).toEqual(
        keysOf(all.slice(0, 4)),
      );
      expect(await store.listResourceAppointments("nothing", {})).toEqual([]);
      // Each call gets records of its own.
      const first = await store.listResourceAppointments("room", { limit: 1 });
      (first[0]?.resource as { fromMs: number }).fromMs = 0;
      expect((await store.listResourceAppointments("room", { limit: 1 }))[0]?.resource?.fromMs).toBe(at(0));
      // Arguments are checked as the other reads check theirs.
      await expect(store.listResourceAppointments("room", { limit: 0 })).rejects.toMatchObject({
        code: "INVALID_ARGUMENT",
      });
      await expect(store.listResourceAppointments(42 as unknown as string, {})).rejects.toMatchObject({
        code: "INVALID_ARGUMENT",
      });
    });

    it("checks a write's claim, type and expected version before anything is written", async () => {
      const claimOf = (request: WriteRequest) =>
        (request.change as BookChange).resource as unknown as Record<string, unknown>;
      const bad = (mutate: (claim: Record<string, unknown>) => void) => {
        const request = resourceBooking("ann", "a", at(0));
        mutate(claimOf(request));
        return write(request);
      };
      for (const mutate of [
        (claim: Record<string, unknown>) => {
          claim.capacity = 0;
        },
        (claim: Record<string, unknown>) => {
          claim.fromMs = 0.5;
        },
        (claim: Record<string, unknown>) => {
          claim.resourceId = 7;
        },
      ]) {
        await expect(bad(mutate)).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
      }
      await expect(
        write(resourceBooking("ann", "a", at(0), { appointmentType: 3 as unknown as string })),
      ).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
      await expect(write(resourceMove("ann", "a", at(0), { expectedVersion: 1.5 }))).rejects.toMatchObject({
        code: "INVALID_ARGUMENT",
      });
      expect(await store.readChanges({ limit: 10 })).toEqual([]);
    });
  });

  describe.runIf(target.available)("a database from before resources", () => {
    it("migrates to step 2 keeping its records, which occupy no resource, and replays their kept outcomes", async () => {
      const { dir, remove } = temporaryDirectory();
      const db = target.openDatabase(join(dir, "v1.db"));
      try {
        const names = tableNames("scheduler_");
        const [step1] = MIGRATION_STEPS;
        if (step1 === undefined) throw new Error("no step 1");
        for (const statement of [
          migrationsTableStatement(names),
          ...step1.statements(names),
          recordStepStatement(names, step1),
        ]) {
          db.exec(statement);
        }
        db.exec(`INSERT INTO scheduler_appointments (user_id, id, status, start_ms, end_ms, local_start_ms,
          local_end_ms, version, created_ms, updated_ms, change_key, change_expires_ms)
          VALUES ('ann', 'old', 'booked', ${at(0)}, ${at(30)}, ${at(0)}, ${at(30)}, 1, 5, 5, 'k', 2000)`);
        const oldRecord = {
          id: "old",
          userId: "ann",
          status: "booked",
          startMs: at(0),
          endMs: at(30),
          localStartMs: at(0),
          localEndMs: at(30),
          version: 1,
          createdAtMs: 5,
          updatedAtMs: 5,
          cancelledAtMs: null,
          cancellationReason: null,
          previousTimes: [],
          metadata: null,
        };
        db.prepare(
          "INSERT INTO scheduler_idempotency_keys (user_id, key, fingerprint, outcome, expires_ms) VALUES (?, ?, ?, ?, ?)",
        ).run("ann", "k", "f", JSON.stringify({ status: "written", record: oldRecord }), 10_000);

        // Not migrated yet: the store says so, naming migrate().
        const store = new SqliteStore(db);
        await expect(store.write(resourceBooking("bob", "b", at(0)))).rejects.toMatchObject({
          code: "STORE_UNAVAILABLE",
          message: expect.stringMatching(/no such column.*migrate\(\)/),
        });

        const migrated = new SqliteStore(db);
        await migrated.migrate();
        const expected = { ...oldRecord, resource: null, appointmentType: null, holdExpiresAtMs: null };
        expect(await migrated.getAppointment("ann", "old")).toEqual(expected);
        expect((await migrated.readChanges({ limit: 10 })).map((event) => event.record)).toEqual([expected]);
        expect(
          await migrated.write(
            resourceBooking(
              "ann",
              "other",
              at(100),
              {},
              { idempotency: { key: "k", fingerprint: "f", expiresAtMs: 10_000 } },
            ),
          ),
        ).toEqual({ status: "written", record: expected, replayed: true });
        // The migrated database takes resources, and moves the old record onto one.
        written(await migrated.write(resourceBooking("bob", "b", at(0))));
        expect(await migrated.write(resourceMove("ann", "old", at(10)))).toMatchObject({
          status: "resource-full",
          conflicting: { userId: "bob" },
        });
        written(await migrated.write(resourceMove("ann", "old", at(30))));
        const events = await migrated.readChanges({ limit: 10, userId: "ann" });
        expect(events.map((event) => event.record.resource)).toEqual([
          null,
          { resourceId: "room", fromMs: at(30), toMs: at(60) },
        ]);
      } finally {
        db.close();
        remove();
      }
    });
  });

  const PROCESSES = 4;
  const CAPACITY = 2;
  it.runIf(target.available)(
    `keeps a resource within its capacity when ${PROCESSES} processes book overlapping spans of it for different users`,
    async () => {
      const { dir, remove } = temporaryDirectory();
      const children: Child[] = [];
      try {
        const file = join(dir, "shared.db");
        const db = target.openDatabase(file);
        const store = new SqliteStore(db);
        await store.migrate();
        // Every 10 minutes for ten hours, 30 minutes and 5 of buffer: each span overlaps three or four others.
        const starts = Array.from({ length: 60 }, (_, i) => at(i * 10));
        const plan = {
          users: 5,
          starts,
          durationMs: 30 * MINUTE,
          afterMs: 5 * MINUTE,
          capacity: CAPACITY,
          concurrency: 4,
        };
        const bookers = Array.from({ length: PROCESSES }, (_, index) =>
          runFixture("resource-booker.ts", [store.driver, file, JSON.stringify({ ...plan, process: index })]),
        );
        children.push(...bookers);
        await Promise.all(bookers.map((booker) => printed(booker.child, "ready")));
        for (const { child } of bookers) child.stdin?.end("go\n");
        const outcomes = (await Promise.all(bookers.map((booker) => booker.done))).flatMap(
          (output) => JSON.parse(output.trim().split("\n").at(-1) ?? "[]") as [string, string, string][],
        );

        // Every attempt answered, written or refused as full.
        expect(outcomes).toHaveLength(PROCESSES * starts.length);
        expect(new Set(outcomes.map(([, , status]) => status))).toEqual(new Set(["written", "resource-full"]));
        const acknowledged = outcomes.filter(([, , status]) => status === "written").map(([user, id]) => [user, id]);
        // Every acknowledged booking is there, and nothing else.
        const stored = await store.listResourceAppointments("room", {});
        expect(keysOf(stored).sort()).toEqual(acknowledged.sort());
        // At no instant more than the capacity; and full wherever a refusal was: no write was refused wrongly
        // (each refused claim, checked now against all stored records, still finds the resource full).
        expect(maxOccupancy(stored)).toBeLessThanOrEqual(CAPACITY);
        expect(maxOccupancy(stored)).toBe(CAPACITY);
        for (const [user, id, status] of outcomes) {
          if (status !== "resource-full") continue;
          const attempt = Number(id.slice(1));
          const booker = Number(user.slice(1, user.indexOf("-")));
          const start = starts[(attempt + booker * 3) % starts.length] as number;
          const claim = {
            resourceId: "room",
            fromMs: start,
            toMs: start + 35 * MINUTE,
            capacity: CAPACITY,
            candidatesStartWithin: { fromMs: start - 86_400_000, toMs: start + 35 * MINUTE },
          };
          expect(resourceConflict(stored, claim, 1_000)).toBeDefined();
        }
        // Each stored record as it was written, and in the feed once.
        expect(stored.every((record) => record.appointmentType === "consultation")).toBe(true);
        const feed = await store.readChanges({ limit: 10_000 });
        expect(keysOf(feed.map((event) => event.record)).sort()).toEqual(acknowledged.sort());
        db.close();
      } finally {
        for (const { child } of children) if (child.exitCode === null) child.kill();
        remove();
      }
    },
    60_000,
  );
});

/** The most records occupying one instant (by their spans): the count only rises at a span start. */
function maxOccupancy(records: readonly AppointmentRecord[]): number {
  let max = 0;
  for (const record of records) {
    const instant = record.resource?.fromMs as number;
    const count = records.filter(
      (other) => other.resource && other.resource.fromMs <= instant && other.resource.toMs > instant,
    ).length;
    max = Math.max(max, count);
  }
  return max;
}
