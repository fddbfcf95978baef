/**
 * Holds and choices of resources on the SQLite store: a hold counts toward a resource's capacity and the
 * user's limits until it expires (judged at each write's `atMs`, with no clean-up), `confirm` and `release`
 * and their refusals and events, `{ anyOf }` taking the first free claim in order and naming the first
 * claim's conflict when all are full, `purgeExpired` deleting only expired holds (keeping their events, and
 * never handing a position out again), the migration of a database from step 2, and processes racing holds
 * and choices on one file. On better-sqlite3, and on `node:sqlite` where this Node.js has it.
 */
import { join } from "node:path";
import type { AppointmentRecord, BookChange, Occupancy, WriteRequest, WriteResult } from "appointment-scheduler";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type SqliteDatabase, SqliteStore } from "../../src/sqlite/index.js";
import { MIGRATION_STEPS, migrationsTableStatement, recordStepStatement } from "../../src/sqlite/migrations.js";
import { tableNames } from "../../src/sqlite/table-names.js";
import type { ResourceClaim } from "../../src/store/appointment-store.js";
import { resourceConflict } from "../../src/store/resource-capacity.js";
import {
  asHold,
  booking,
  type Child,
  cancellation,
  holdChange,
  onAnyOf,
  printed,
  resourceBooking,
  resourceMove,
  runFixture,
} from "./support.js";
import { type OpenedStore, openStore, sqliteTargets, temporaryDirectory } from "./targets.js";

const START = Date.UTC(2021, 3, 22, 10);
const MINUTE = 60_000;
/** `START` plus `minutes`. */
const at = (minutes: number) => START + minutes * MINUTE;

/** The record of a written result (fails the test otherwise). */
function written(result: WriteResult): AppointmentRecord {
  expect(result).toMatchObject({ status: "written", replayed: false });
  return (result as Extract<WriteResult, { status: "written" }>).record;
}

/** `[userId, id]` of records. */
const keysOf = (records: readonly AppointmentRecord[]) => records.map((record) => [record.userId, record.id]);

/** A hold of "room" at `startMs` by `userId`, written at `atMs`, counting until `expiresAtMs`. */
function roomHold(userId: string, id: string, startMs: number, atMs: number, expiresAtMs: number, capacity = 1) {
  return asHold(resourceBooking(userId, id, startMs, { capacity }, { atMs }), expiresAtMs);
}

/** The rows of a query, on either driver. */
function rows(db: SqliteDatabase, sql: string, ...params: unknown[]): Record<string, unknown>[] {
  return (db.prepare(sql).all(...params) as Record<string, unknown>[]).map((row) => ({ ...row }));
}

describe.each(sqliteTargets)("SqliteStore on $name", (target) => {
  describe.runIf(target.available)("with holds and choices of resources", () => {
    let opened: OpenedStore;
    let store: SqliteStore;
    beforeEach(async () => {
      opened = await openStore(target);
      store = opened.store;
    });
    afterEach(() => opened?.close());

    const write = (request: WriteRequest) => store.write(request);

    it("counts a hold toward a resource's capacity until it expires, at each write's atMs, and lists it until purged", async () => {
      const hold = written(await write(roomHold("ann", "h", at(0), 1_000, 5_000)));
      expect(hold).toMatchObject({
        status: "held",
        version: 1,
        createdAtMs: 1_000,
        updatedAtMs: 1_000,
        holdExpiresAtMs: 5_000,
        resource: { resourceId: "room", fromMs: at(0), toMs: at(30) },
      });
      expect(await store.getAppointment("ann", "h")).toEqual(hold);

      // Another user's booking, judged before the hold expires: full, naming the hold as it is stored.
      expect(await write(resourceBooking("bob", "b", at(15), {}, { atMs: 4_999 }))).toEqual({
        status: "resource-full",
        conflicting: hold,
        replayed: false,
      });
      // At its expiry instant the hold counts for nothing, at once: nothing cleaned it up.
      const b = written(await write(resourceBooking("bob", "b", at(15), {}, { atMs: 5_000 })));
      // A write judged by an earlier clock still counts it: with room for two, the hold and bob's fill 10:15.
      expect(await write(resourceBooking("cid", "c", at(0), { capacity: 2 }, { atMs: 4_000 }))).toEqual({
        status: "resource-full",
        conflicting: hold,
        replayed: false,
      });
      written(await write(resourceBooking("cid", "c", at(0), { capacity: 2 }, { atMs: 5_000 })));

      // Listed, expired or not (the caller judges it), as the resource's and as the user's holding records.
      expect(keysOf(await store.listResourceAppointments("room", {}))).toEqual([
        ["ann", "h"],
        ["cid", "c"],
        ["bob", "b"],
      ]);
      expect(await store.listAppointments("ann", { status: "holding" })).toEqual([hold]);
      expect(await store.listAppointments("ann", { status: "all" })).toEqual([hold]);
      expect(await store.listAppointments("ann", {})).toEqual([]);
      expect((await store.listAppointments("bob", {})).map((record) => record.id)).toEqual([b.id]);
    });

    it("counts a hold toward the user's limit and overlap until it expires", async () => {
      const hold = written(await write(asHold(booking("ann", "h", at(0), { atMs: 1_000 }), 5_000)));
      // The day's limit of one: held.
      expect(await write(booking("ann", "x", at(120), { atMs: 4_999 }))).toEqual({
        status: "limit-reached",
        conflicting: hold,
        replayed: false,
      });
      // With room in the limit, the hold's time is still taken.
      const roomy = booking("ann", "x", at(10), { atMs: 4_999 });
      const change = roomy.change as BookChange;
      const occupancy: Occupancy = { ...change.occupancy, limit: 5 };
      const overlapping = { ...roomy, change: { ...change, occupancy } };
      expect(await write(overlapping)).toEqual({ status: "overlap", conflicting: hold, replayed: false });
      // Expired: neither counts it.
      written(await write({ ...overlapping, atMs: 5_000 }));
      written(await write(booking("bob", "y", at(0), { atMs: 1_000 })));
      // A hold is checked as a booking is: bob's day is taken.
      expect(await write(asHold(booking("bob", "z", at(120), { atMs: 1_000 }), 9_000))).toMatchObject({
        status: "limit-reached",
        conflicting: { id: "y" },
      });
    });

    it("confirms a hold before it expires and releases one expired or not, with their events; refuses the rest", async () => {
      const h1 = written(await write(roomHold("ann", "h1", at(0), 1_000, 5_000)));
      const h2 = written(await write(roomHold("ann", "h2", at(60), 1_000, 5_000)));
      const h3 = written(await write(roomHold("ann", "h3", at(120), 1_000, 5_000)));
      const feed = await store.readChanges({ limit: 100 });

      // At or after its expiry a hold cannot be confirmed: nothing is written.
      expect(await write(holdChange("ann", "h1", 5_000))).toEqual({
        status: "hold-expired",
        record: h1,
        replayed: false,
      });
      expect(await write(holdChange("ann", "h1", 6_000))).toEqual({
        status: "hold-expired",
        record: h1,
        replayed: false,
      });
      expect(await store.readChanges({ limit: 100 })).toEqual(feed);

      const key = { key: "confirm-h2", fingerprint: "f", expiresAtMs: 100_000 };
      const confirmed = written(await write(holdChange("ann", "h2", 4_999, "confirm", { idempotency: key })));
      expect(confirmed).toEqual({ ...h2, status: "booked", version: 2, updatedAtMs: 4_999 });
      expect(await store.getAppointment("ann", "h2")).toEqual(confirmed);
      // A retry after the expiry replays the confirmation.
      expect(await write(holdChange("ann", "h2", 6_000, "confirm", { idempotency: key }))).toEqual({
        status: "written",
        record: confirmed,
        replayed: true,
      });
      // Released: expired (h1) or not (h3).
      const released1 = written(await write(holdChange("ann", "h1", 6_000, "release")));
      expect(released1).toEqual({ ...h1, status: "released", version: 2, updatedAtMs: 6_000 });
      const released3 = written(await write(holdChange("ann", "h3", 2_000, "release")));
      expect(released3).toEqual({ ...h3, status: "released", version: 2, updatedAtMs: 2_000 });
      // A released hold frees its resource at once, before its expiry.
      written(await write(resourceBooking("bob", "b", at(120), {}, { atMs: 2_000 })));

      // Only a held record can be confirmed or released; only a booked one moved or cancelled.
      expect(await write(holdChange("ann", "h2", 3_000))).toEqual({
        status: "not-held",
        record: confirmed,
        replayed: false,
      });
      expect(await write(holdChange("ann", "h1", 3_000, "release"))).toEqual({
        status: "not-held",
        record: released1,
        replayed: false,
      });
      expect(await write(holdChange("ann", "zz", 3_000))).toEqual({ status: "not-found", replayed: false });
      expect(await write(holdChange("bob", "h2", 3_000, "release"))).toEqual({ status: "not-found", replayed: false });
      const h4 = written(await write(roomHold("ann", "h4", at(240), 3_000, 9_000)));
      expect(await write(cancellation("ann", "h4"))).toEqual({ status: "not-booked", record: h4, replayed: false });
      expect(await write(resourceMove("ann", "h4", at(300)))).toEqual({
        status: "not-booked",
        record: h4,
        replayed: false,
      });
      expect(await write(cancellation("ann", "h1"))).toEqual({
        status: "not-booked",
        record: released1,
        replayed: false,
      });
      // A confirmed hold is booked: it moves (and keeps its hold's expiry, as history).
      const moved = written(await write(resourceMove("ann", "h2", at(360))));
      expect(moved).toMatchObject({ status: "booked", version: 3, holdExpiresAtMs: 5_000 });

      // Each change's event, in commit order, with the record as it was right after it.
      const events = await store.readChanges({ limit: 100, userId: "ann" });
      expect(events.map((event) => [event.type, event.record.id, event.record.version, event.atMs])).toEqual([
        ["held", "h1", 1, 1_000],
        ["held", "h2", 1, 1_000],
        ["held", "h3", 1, 1_000],
        ["confirmed", "h2", 2, 4_999],
        ["released", "h1", 2, 6_000],
        ["released", "h3", 2, 2_000],
        ["held", "h4", 1, 3_000],
        ["rescheduled", "h2", 3, 1_200],
      ]);
      expect(events[0]?.record).toEqual(h1);
      expect(events[3]?.record).toEqual(confirmed);
      expect(events[3]?.idempotencyKey).toBe("confirm-h2");
      expect(events[4]?.record).toEqual(released1);
      expect(events[7]?.previous).toEqual({ startMs: at(60), endMs: at(90) });
      const positions = events.map((event) => Number(event.position));
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
    });

    it("takes the first claim of a choice whose resource is not full, in order, and names the first claim's conflict when all are", async () => {
      const rooms = ["room A", "room B", "room C"];
      const a = written(await write(onAnyOf(resourceBooking("ann", "a", at(0)), rooms)));
      expect(a.resource).toEqual({ resourceId: "room A", fromMs: at(0), toMs: at(30) });
      // Room A is taken at 10:10: the hold goes to room B.
      const b = written(await write(onAnyOf(roomHold("bob", "b", at(10), 1_000, 10_000), rooms)));
      expect(b).toMatchObject({ status: "held", resource: { resourceId: "room B", fromMs: at(10), toMs: at(40) } });
      const c = written(await write(onAnyOf(resourceBooking("cid", "c", at(20)), rooms)));
      expect(c.resource?.resourceId).toBe("room C");

      // All three full at 10:20: refused with the first claim's conflict, whichever resource that is.
      expect(await write(onAnyOf(resourceBooking("dan", "d", at(5)), rooms))).toEqual({
        status: "resource-full",
        conflicting: a,
        replayed: false,
      });
      expect(await write(onAnyOf(resourceBooking("dan", "d", at(5)), ["room C", "room B", "room A"]))).toEqual({
        status: "resource-full",
        conflicting: c,
        replayed: false,
      });
      expect(await write(onAnyOf(resourceBooking("dan", "d", at(5)), ["room B", "room A"]))).toEqual({
        status: "resource-full",
        conflicting: b,
        replayed: false,
      });
      // Once bob's hold has expired, room B is free again, at once.
      const d = written(await write(onAnyOf(resourceBooking("dan", "d", at(5), {}, { atMs: 10_000 }), rooms)));
      expect(d.resource?.resourceId).toBe("room B");
      // The order decides between free resources.
      const e = written(await write(onAnyOf(resourceBooking("eve", "e", at(100)), ["room C", "room A"])));
      expect(e.resource?.resourceId).toBe("room C");
      // Each claim has its own capacity: room A takes a second record when its claim says two may share it.
      const choice = onAnyOf(resourceBooking("fay", "f", at(0)), ["room A", "room B"]);
      const claims = ((choice.change as BookChange).resource as { anyOf: ResourceClaim[] }).anyOf;
      const twoInA = { ...choice, change: { ...choice.change, resource: { anyOf: [{ ...claims[0], capacity: 2 }] } } };
      expect(written(await write(twoInA as WriteRequest)).resource?.resourceId).toBe("room A");
      // The state and the occupancy answer first.
      expect(await write(onAnyOf(resourceBooking("ann", "a", at(5)), rooms))).toEqual({
        status: "id-taken",
        replayed: false,
      });

      expect(keysOf(await store.listResourceAppointments("room B", {}))).toEqual([
        ["dan", "d"],
        ["bob", "b"],
      ]);
      // The feed keeps the span taken.
      const events = await store.readChanges({ limit: 100 });
      expect(events.map((event) => [event.record.id, event.type, event.record.resource?.resourceId])).toEqual([
        ["a", "booked", "room A"],
        ["b", "held", "room B"],
        ["c", "booked", "room C"],
        ["d", "booked", "room B"],
        ["e", "booked", "room C"],
        ["f", "booked", "room A"],
      ]);
    });

    it("checks holds, confirms, releases and choices before anything is written", async () => {
      const invalid = (argument: string) => expect.objectContaining({ code: "INVALID_ARGUMENT", argument });
      const base = resourceBooking("ann", "a", at(0));
      const choiceOf = (anyOf: unknown) => ({
        ...base,
        change: { ...(base.change as BookChange), resource: { anyOf } as never },
      });
      const claim = (base.change as BookChange).resource as ResourceClaim;
      const wrong: [WriteRequest, string][] = [
        [asHold(base, 1.5), "change.expiresAtMs"],
        [asHold(base, undefined as unknown as number), "change.expiresAtMs"],
        [holdChange("ann", 7 as unknown as string, 1_000), "change.id"],
        [holdChange("ann", "a", 1.5, "release"), "atMs"],
        [choiceOf([]), "change.resource.anyOf"],
        [choiceOf("room"), "change.resource.anyOf"],
        [choiceOf(Array.from({ length: 101 }, (_, i) => ({ ...claim, resourceId: `r${i}` }))), "change.resource.anyOf"],
        [choiceOf([claim, { ...claim, resourceId: "other" }, claim]), "change.resource.anyOf[2]"],
        [choiceOf([claim, null]), "change.resource.anyOf[1]"],
        [choiceOf([{ ...claim, capacity: 0 }]), "change.resource.anyOf[0].capacity"],
        [choiceOf([{ ...claim, toMs: 0.5 }]), "change.resource.anyOf[0].toMs"],
        // A move takes one claim, never a choice.
        [
          {
            ...resourceMove("ann", "a", at(0)),
            change: { ...resourceMove("ann", "a", at(0)).change, resource: { anyOf: [claim] } } as never,
          },
          "change.resource.resourceId",
        ],
      ];
      for (const [request, argument] of wrong) {
        await expect(store.write(request), argument).rejects.toEqual(invalid(argument));
      }
      expect(await store.readChanges({ limit: 10 })).toEqual([]);
      // A hundred claims are fine.
      const hundred = choiceOf(Array.from({ length: 100 }, (_, i) => ({ ...claim, resourceId: `r${99 - i}` })));
      expect(written(await write(hundred)).resource?.resourceId).toBe("r99");
    });

    it("purges only held records whose hold expired at or before nowMs, keeping their events and never reusing a position", async () => {
      const long = { changeExpiresAtMs: 1_000_000 };
      const capacity = 10;
      const h1 = written(await write({ ...roomHold("ann", "h1", at(0), 50, 100, capacity), ...long }));
      written(await write({ ...roomHold("bob", "h2", at(0), 50, 200, capacity), ...long }));
      written(await write({ ...roomHold("cid", "hc", at(0), 50, 150, capacity), ...long }));
      written(await write({ ...roomHold("dan", "hr", at(0), 50, 150, capacity), ...long }));
      written(await write({ ...holdChange("cid", "hc", 60), ...long }));
      written(await write({ ...holdChange("dan", "hr", 60, "release"), ...long }));
      written(await write({ ...resourceBooking("eve", "e", at(0), { capacity }, { atMs: 50 }), ...long }));
      const feed = await store.readChanges({ limit: 100 });

      expect(await store.purgeExpired(99)).toBe(0);
      expect(await store.purgeExpired(100)).toBe(1); // h1: expired at nowMs
      expect(await store.getAppointment("ann", "h1")).toBeNull();
      expect(await store.listAppointments("ann", { status: "all" })).toEqual([]);
      expect(keysOf(await store.listResourceAppointments("room", {}))).toEqual([
        ["bob", "h2"],
        ["cid", "hc"],
        ["eve", "e"],
      ]);
      // Its held event stays in the feed, at its position, until it expires itself.
      expect(await store.readChanges({ limit: 100 })).toEqual(feed);
      expect(feed[0]).toMatchObject({ type: "held", record: h1 });

      // The confirmed and the released one had holds that expired too: they are no holds any more, and stay.
      expect(await store.purgeExpired(1_000)).toBe(1); // h2
      expect(await store.getAppointment("cid", "hc")).toMatchObject({ status: "booked", holdExpiresAtMs: 150 });
      expect(await store.getAppointment("dan", "hr")).toMatchObject({ status: "released" });
      expect(await store.readChanges({ limit: 100 })).toEqual(feed);
      // A purged hold's id is free again.
      written(await write({ ...roomHold("ann", "h1", at(0), 1_000, 3_000, capacity), ...long }));

      // The last hold has the largest position; once it is purged, the next positions are still larger.
      const last = written(await write({ ...roomHold("zed", "last", at(0), 1_000, 2_000, capacity), ...long }));
      const lastPosition = Number((await store.readChanges({ limit: 100 })).at(-1)?.position);
      expect((await store.readChanges({ limit: 100 })).at(-1)?.record).toEqual(last);
      expect(await store.purgeExpired(2_000)).toBe(1);
      written(await write({ ...cancellation("eve", "e"), atMs: 2_500, ...long }));
      written(await write({ ...resourceBooking("fay", "f", at(0), { capacity }, { atMs: 2_500 }), ...long }));
      const after = await store.readChanges({ after: String(lastPosition - 1), limit: 100 });
      expect(after.map((event) => [event.type, event.record.id])).toEqual([
        ["held", "last"],
        ["cancelled", "e"],
        ["booked", "f"],
      ]);
      const positions = after.map((event) => Number(event.position));
      expect(positions[0]).toBe(lastPosition);
      expect(positions[1]).toBeGreaterThan(lastPosition);
      expect(positions[2]).toBeGreaterThan(positions[1] as number);

      // A hold whose event has expired too goes with it, event and all.
      written(await write({ ...roomHold("gus", "g", at(0), 3_000, 4_000, capacity), changeExpiresAtMs: 3_500 }));
      expect(await store.purgeExpired(4_000)).toBe(2); // ann's second h1 (its event stays), and gus's
      expect((await store.readChanges({ limit: 100, userId: "ann" })).map((event) => event.type)).toEqual([
        "held",
        "held",
      ]);
      expect((await store.readChanges({ limit: 100, userId: "gus" })).length).toBe(0);
    });
  });

  describe.runIf(target.available)("a database at migration step 2", () => {
    it("migrates to step 3 keeping every row, its resource and its position; then holds", async () => {
      const { dir, remove } = temporaryDirectory();
      const db = target.openDatabase(join(dir, "v2.db"));
      const fresh = await openStore(target);
      try {
        const names = tableNames("scheduler_");
        for (const step of MIGRATION_STEPS.slice(0, 2)) {
          if (step.version === 1) db.exec(migrationsTableStatement(names));
          for (const statement of step.statements(names)) db.exec(statement);
          db.exec(recordStepStatement(names, step));
        }
        const room = (from: number, to: number) => `'room', ${at(from)}, ${at(to)}`;
        // 1: ann's booking of the room; 2 and 3: bob's booking (archived) and its cancellation; 4: cid's, no room.
        db.exec(`INSERT INTO scheduler_appointments (change_id, user_id, id, status, start_ms, end_ms, local_start_ms,
          local_end_ms, version, created_ms, updated_ms, change_key, change_expires_ms, resource_id, resource_from_ms,
          resource_to_ms, appointment_type)
          VALUES (1, 'ann', 'old', 'booked', ${at(0)}, ${at(30)}, ${at(0)}, ${at(30)}, 1, 5, 5, 'k', 100000,
            ${room(0, 30)}, 'consultation')`);
        db.exec(`INSERT INTO scheduler_changes (id, user_id, type, appointment_id, status, start_ms, end_ms,
          local_start_ms, local_end_ms, version, created_ms, updated_ms, previous_times, changed_ms, expires_ms,
          resource_id, resource_from_ms, resource_to_ms)
          VALUES (2, 'bob', 'booked', 'b', 'booked', ${at(60)}, ${at(90)}, ${at(60)}, ${at(90)}, 1, 6, 6, '[]', 6,
            100000, ${room(60, 90)})`);
        db.exec(`INSERT INTO scheduler_appointments (change_id, user_id, id, status, start_ms, end_ms, local_start_ms,
          local_end_ms, version, created_ms, updated_ms, cancelled_ms, change_expires_ms, resource_id,
          resource_from_ms, resource_to_ms)
          VALUES (3, 'bob', 'b', 'cancelled', ${at(60)}, ${at(90)}, ${at(60)}, ${at(90)}, 2, 6, 7, 7, 100000,
            ${room(60, 90)})`);
        db.exec(`INSERT INTO scheduler_appointments (change_id, user_id, id, status, start_ms, end_ms, local_start_ms,
          local_end_ms, version, created_ms, updated_ms, change_expires_ms)
          VALUES (4, 'cid', 'c', 'booked', ${at(0)}, ${at(30)}, ${at(0)}, ${at(30)}, 1, 8, 8, 100000)`);
        const old = {
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
          resource: { resourceId: "room", fromMs: at(0), toMs: at(30) },
          appointmentType: "consultation",
        };
        // An outcome kept at step 2: its record has no holdExpiresAtMs.
        db.prepare(
          "INSERT INTO scheduler_idempotency_keys (user_id, key, fingerprint, outcome, expires_ms) VALUES (?, ?, ?, ?, ?)",
        ).run("ann", "k", "f", JSON.stringify({ status: "written", record: old }), 100_000);

        // Not migrated yet: the store says so, naming migrate().
        await expect(new SqliteStore(db).write(roomHold("dan", "d", at(0), 1_000, 5_000))).rejects.toMatchObject({
          code: "STORE_UNAVAILABLE",
          message: expect.stringMatching(/no such column.*migrate\(\)/),
        });

        const store = new SqliteStore(db);
        await store.migrate();
        expect(rows(db, "SELECT version FROM scheduler_migrations")).toEqual([
          { version: 1 },
          { version: 2 },
          { version: 3 },
        ]);
        // The schema is a fresh database's, step for step.
        const schema = (of: SqliteDatabase) =>
          rows(of, "SELECT type, name, sql FROM sqlite_master WHERE name LIKE 'scheduler_%' ORDER BY name");
        expect(schema(db)).toEqual(schema(fresh.db));

        // Every row is there, as it was, with its position.
        const expected = { ...old, holdExpiresAtMs: null };
        expect(await store.getAppointment("ann", "old")).toEqual(expected);
        expect(await store.getAppointment("bob", "b")).toMatchObject({ status: "cancelled", holdExpiresAtMs: null });
        const events = await store.readChanges({ limit: 10 });
        expect(events.map((event) => [event.position, event.type, event.record.userId])).toEqual([
          ["1", "booked", "ann"],
          ["2", "booked", "bob"],
          ["3", "cancelled", "bob"],
          ["4", "booked", "cid"],
        ]);
        expect(events[0]?.record).toEqual(expected);
        expect(events[1]?.record).toMatchObject({ resource: { fromMs: at(60) }, holdExpiresAtMs: null });
        // The kept outcome replays with holdExpiresAtMs null, as the row reads.
        const retry = resourceBooking(
          "ann",
          "other",
          at(300),
          {},
          { idempotency: { key: "k", fingerprint: "f", expiresAtMs: 100_000 } },
        );
        expect(await store.write(retry)).toEqual({ status: "written", record: expected, replayed: true });

        // The booked row fills the room (the resource index was made again); the cancelled one does not.
        expect(await store.write(roomHold("dan", "d", at(10), 1_000, 5_000))).toEqual({
          status: "resource-full",
          conflicting: expected,
          replayed: false,
        });
        const held = written(
          await store.write({ ...roomHold("dan", "d", at(60), 1_000, 5_000), changeExpiresAtMs: 100_000 }),
        );
        expect(keysOf(await store.listResourceAppointments("room", {}))).toEqual([
          ["ann", "old"],
          ["dan", "d"],
        ]);
        // New positions follow the old ones, also once the newest row is purged.
        expect((await store.readChanges({ after: "4", limit: 10 })).map((event) => event.record)).toEqual([held]);
        expect(await store.purgeExpired(5_000)).toBe(1);
        written(await store.write(resourceBooking("eve", "e", at(60), {}, { atMs: 5_000 })));
        expect(
          (await store.readChanges({ after: "4", limit: 10 })).map((e) => [e.position, e.type, e.record.id]),
        ).toEqual([
          ["5", "held", "d"],
          ["6", "booked", "e"],
        ]);
        written(await store.write(cancellation("cid", "c")));
        expect((await store.readChanges({ after: "6", limit: 10 })).map((e) => [e.position, e.type])).toEqual([
          ["7", "cancelled"],
        ]);
      } finally {
        db.close();
        remove();
        await fresh.close();
      }
    });
  });

  const PROCESSES = 3;
  const ROOMS = ["room A", "room B"];
  it.runIf(target.available)(
    `keeps each resource of a choice within its capacity when ${PROCESSES} processes race holds and bookings on one file`,
    async () => {
      const { dir, remove } = temporaryDirectory();
      const children: Child[] = [];
      try {
        const file = join(dir, "shared.db");
        const db = target.openDatabase(file);
        const store = new SqliteStore(db);
        await store.migrate();
        // Every 10 minutes for seven hours, 30 minutes and 5 of buffer: each span overlaps three or four others.
        // Every other write is a hold that counts for three writes (a process's writes are 1 ms apart).
        const starts = Array.from({ length: 42 }, (_, i) => at(i * 10));
        const plan = {
          users: 4,
          starts,
          durationMs: 30 * MINUTE,
          afterMs: 5 * MINUTE,
          capacity: 1,
          concurrency: 4,
          resourceIds: ROOMS,
          holdEvery: 2,
          holdForMs: 3,
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

        expect(outcomes).toHaveLength(PROCESSES * starts.length);
        expect(new Set(outcomes.map(([, , status]) => status))).toEqual(new Set(["written", "resource-full"]));
        const acknowledged = outcomes.filter(([, , status]) => status === "written").map(([user, id]) => [user, id]);
        // The feed holds every acknowledged write once, in commit order: replayed in that order, each one found
        // its resource free at its own atMs (holds judged then), and took the second room only with the first
        // one full. So no instant ever held more than a resource's capacity, by the clock of any write.
        const feed = await store.readChanges({ limit: 10_000 });
        expect(keysOf(feed.map((event) => event.record)).sort()).toEqual(acknowledged.sort());
        const earlier: AppointmentRecord[] = [];
        const claimOn = (resourceId: string, span: { fromMs: number; toMs: number }): ResourceClaim => ({
          resourceId,
          fromMs: span.fromMs,
          toMs: span.toMs,
          capacity: 1,
          candidatesStartWithin: { fromMs: -Number.MAX_SAFE_INTEGER, toMs: Number.MAX_SAFE_INTEGER },
        });
        for (const { record, atMs } of feed) {
          const span = record.resource;
          if (span === null) throw new Error(`${record.id} has no resource`);
          expect(ROOMS).toContain(span.resourceId);
          expect(resourceConflict(earlier, claimOn(span.resourceId, span), atMs)).toBeUndefined();
          if (span.resourceId !== ROOMS[0]) {
            expect(resourceConflict(earlier, claimOn(ROOMS[0] as string, span), atMs)).toBeDefined();
          }
          earlier.push(record);
        }
        // Both kinds were written, on both rooms (each process's first write is a hold, and the first commit
        // finds the rooms empty; a process's next start overlaps its last).
        expect(feed.some((event) => event.type === "held")).toBe(true);
        expect(feed.some((event) => event.type === "booked")).toBe(true);
        expect(feed.some((event) => event.record.resource?.resourceId === ROOMS[1])).toBe(true);
        db.close();
      } finally {
        for (const { child } of children) if (child.exitCode === null) child.kill();
        remove();
      }
    },
    60_000,
  );
});
