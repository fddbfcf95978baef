/**
 * Bookable resources on the PostgreSQL store, beyond the contract kit's cases: the capacity check across
 * users in the write function (capacity 1 and 2, buffers, moves that change spans, the order of the checks,
 * the record named at the first full instant, ties by user id and by id in code-unit order), `stale` moves,
 * spans and types on records and feed events, `listResourceAppointments`, and concurrent claims of one
 * resource by many users through several pool connections: never an instant over capacity, every
 * acknowledged booking kept, no deadlock. On PGlite always, on the server of `TEST_DATABASE_URL` when set;
 * there also the plans of the capacity check on a table not yet analysed.
 */
import type {
  AppointmentRecord,
  AppointmentTimes,
  MoveChange,
  ResourceClaim,
  WriteRequest,
  WriteResult,
} from "appointment-scheduler";
import { PostgresStore } from "appointment-scheduler/postgres";
import pg from "pg";
import { afterEach, beforeEach, expect, it } from "vitest";
import { resourceConflict } from "../../src/store/resource-capacity.js";
import { describeEachTarget, type OpenedStore, postgresTargets, serverTarget, TEST_DATABASE_URL } from "./targets.js";

const MINUTE = 60_000;
/** Monday 2021-04-26 10:00 UTC. */
const START = Date.UTC(2021, 3, 26, 10);
/** `START` plus `minutes`. */
const at = (minutes: number) => START + minutes * MINUTE;
const EVERYWHERE = { fromMs: Date.parse("0000-01-01T00:00:00Z"), toMs: Date.parse("+010000-01-01T00:00:00Z") };

function timesAt(startMs: number, minutes: number): AppointmentTimes {
  return { startMs, endMs: startMs + minutes * MINUTE, localStartMs: startMs, localEndMs: startMs + minutes * MINUTE };
}

/** Where an appointment lies and what it claims: minutes from `START`, its length, buffers, capacity. */
interface Placement {
  readonly resourceId?: string;
  readonly minutes?: number;
  readonly before?: number;
  readonly after?: number;
  readonly capacity?: number;
  readonly within?: { fromMs: number; toMs: number };
}

function claimAt(startMs: number, placement: Placement): ResourceClaim {
  const { resourceId = "room", minutes = 30, before = 0, after = 0, capacity = 1, within = EVERYWHERE } = placement;
  return {
    resourceId,
    fromMs: startMs - before * MINUTE,
    toMs: startMs + (minutes + after) * MINUTE,
    capacity,
    candidatesStartWithin: within,
  };
}

/** Nothing to count of the user's own: a store's occupancy check that always passes. */
const noOccupancy = {
  periods: [],
  limit: 1,
  noOverlap: false,
  candidatesStartWithin: EVERYWHERE,
  candidatesEndWithin: EVERYWHERE,
};

function book(
  userId: string,
  id: string,
  startMinute: number,
  placement: Placement | null = {},
  extra: { appointmentType?: string | null; noOverlap?: boolean; key?: string } = {},
): WriteRequest {
  const minutes = placement?.minutes ?? 30;
  return {
    userId,
    change: {
      type: "book",
      id,
      times: timesAt(at(startMinute), minutes),
      metadata: null,
      occupancy: { ...noOccupancy, noOverlap: extra.noOverlap ?? false },
      resource: placement === null ? null : claimAt(at(startMinute), placement),
      ...(extra.appointmentType === undefined ? {} : { appointmentType: extra.appointmentType }),
    },
    atMs: at(-10_000),
    changeExpiresAtMs: Date.UTC(9999, 0, 1),
    ...(extra.key === undefined
      ? {}
      : { idempotency: { key: extra.key, fingerprint: "fp", expiresAtMs: Date.UTC(9999, 0, 1) } }),
  };
}

function move(
  userId: string,
  id: string,
  startMinute: number,
  placement: Placement | null = {},
  extra: Partial<Pick<MoveChange, "expectedVersion" | "earliestStartMs">> & { noOverlap?: boolean } = {},
): WriteRequest {
  const minutes = placement?.minutes ?? 30;
  return {
    userId,
    change: {
      type: "move",
      id,
      times: timesAt(at(startMinute), minutes),
      occupancy: { ...noOccupancy, noOverlap: extra.noOverlap ?? false },
      earliestStartMs: extra.earliestStartMs ?? null,
      resource: placement === null ? null : claimAt(at(startMinute), placement),
      ...(extra.expectedVersion === undefined ? {} : { expectedVersion: extra.expectedVersion }),
    },
    atMs: at(-9_000),
    changeExpiresAtMs: Date.UTC(9999, 0, 1),
  };
}

function cancel(userId: string, id: string): WriteRequest {
  return {
    userId,
    change: { type: "cancel", id, reason: null, earliestStartMs: null },
    atMs: at(-8_000),
    changeExpiresAtMs: Date.UTC(9999, 0, 1),
  };
}

/** The record of a written result (fails the test otherwise). */
function written(result: WriteResult): AppointmentRecord {
  expect(result.status).toBe("written");
  return (result as Extract<WriteResult, { status: "written" }>).record;
}

const keysOf = (records: readonly AppointmentRecord[]) => records.map((record) => `${record.userId}/${record.id}`);

describeEachTarget(postgresTargets)("PostgresStore with resources on $name", (target) => {
  // A store of its own for each test: tables of their own, so users and ids start afresh.
  let opened: OpenedStore;
  beforeEach(async () => {
    opened = await target.open();
  });
  afterEach(() => opened?.close());
  /** A resource id no other test of this store uses. */
  let resources = 0;
  const newResource = (name: string) => `${name}-${++resources}`;
  const write = (request: WriteRequest) => opened.store.write(request);

  it("capacity 1: refuses any overlap of spans across users, names the occupant, lets touching spans fit", async () => {
    const { store } = opened;
    const room = newResource("room");
    const a = written(await write(book("ann", "a", 0, { resourceId: room }, { appointmentType: "consultation" })));
    expect(a).toMatchObject({
      status: "booked",
      version: 1,
      resource: { resourceId: room, fromMs: at(0), toMs: at(30) },
      appointmentType: "consultation",
    });
    expect(await store.getAppointment("ann", "a")).toEqual(a);

    // Another user, and the same user: the resource counts records, not users.
    expect(await write(book("bob", "b", 15, { resourceId: room }))).toEqual({
      status: "resource-full",
      conflicting: a,
      replayed: false,
    });
    expect(await write(book("ann", "a2", 29, { resourceId: room }))).toMatchObject({ status: "resource-full" });
    expect(await store.getAppointment("bob", "b")).toBeNull();
    // Half-open spans: one ending where another starts is no overlap; another resource is not in the way.
    written(await write(book("bob", "b", 30, { resourceId: room })));
    written(await write(book("bob", "before", -30, { resourceId: room })));
    written(await write(book("cid", "c", 10, { resourceId: newResource("other-room") })));
    // No claim, no resource: nothing counted, null kept.
    expect(written(await write(book("cid", "bare", 10, null)))).toMatchObject({
      resource: null,
      appointmentType: null,
    });
    expect(keysOf(await store.listResourceAppointments(room, {}))).toEqual(["bob/before", "ann/a", "bob/b"]);
  });

  it("buffers occupy the resource, not the user", async () => {
    const room = newResource("room");
    const a = written(await write(book("ann", "a", 0, { resourceId: room, before: 10, after: 15 })));
    expect(a.resource).toEqual({ resourceId: room, fromMs: at(-10), toMs: at(45) });
    expect(a).toMatchObject({ startMs: at(0), endMs: at(30) });
    // 10:40 to 11:10 overlaps ann's buffer after (to 10:45): full. 10:45 fits exactly.
    expect(await write(book("bob", "b", 40, { resourceId: room }))).toMatchObject({
      status: "resource-full",
      conflicting: a,
    });
    written(await write(book("bob", "b", 45, { resourceId: room })));
    // A buffer before that reaches into ann's span: full; the user's own times never counted.
    expect(await write(book("cid", "c", -40, { resourceId: room, after: 1 }))).toMatchObject({
      status: "resource-full",
      conflicting: a,
    });
    written(await write(book("cid", "c", -40, { resourceId: room })));
  });

  it("capacity 2: counts the records at each instant, and names the earliest at the first full one", async () => {
    const { store } = opened;
    const room = newResource("room");
    const cap2 = (placement: Placement = {}) => ({ resourceId: room, capacity: 2, ...placement });
    // a: 9:50–10:35 (buffers), b: 10:20–11:00.
    const a = written(await write(book("ann", "a", 0, cap2({ before: 10, after: 5 }))));
    const b = written(await write(book("bob", "b", 20, cap2({ minutes: 40 }))));
    // 10:00–10:50: at 10:00 only a, at 10:20 a and b: full there, a named (earlier span start).
    expect(await write(book("cid", "c", 0, cap2({ minutes: 50 })))).toEqual({
      status: "resource-full",
      conflicting: a,
      replayed: false,
    });
    // 10:40–11:30: a has ended; only b at every instant: fits, capacity 2 is per instant, not per span.
    const c = written(await write(book("cid", "c", 40, cap2({ minutes: 50 }))));
    // 10:35–10:50: at 10:35 b only (a ends there); at 10:40 b and c: full, b named.
    expect(await write(book("dan", "d", 35, cap2({ minutes: 15 })))).toMatchObject({
      status: "resource-full",
      conflicting: b,
    });
    // 11:00–11:30: b has ended, c alone.
    written(await write(book("dan", "d", 60, cap2())));
    // The reference semantics agree with every answer the store gave, on the records it lists.
    const listed = await store.listResourceAppointments(room, {});
    expect(keysOf(listed)).toEqual(["ann/a", "bob/b", "cid/c", "dan/d"]);
    expect(resourceConflict(listed, claimAt(at(35), cap2({ minutes: 15 })), at(-10_000))).toEqual(b);
    expect(resourceConflict(listed, claimAt(at(0), cap2({ minutes: 50 })), at(-10_000))).toEqual(a);
    expect(listed.find((record) => record.id === "c")).toEqual(c);
  });

  it("names, among records of equal span start, the lowest user id, then id, in code-unit order", async () => {
    const { store } = opened;
    const room = newResource("room");
    const cap2 = { resourceId: room, capacity: 2 };
    // "\u{1F600}" is a surrogate pair in UTF-16, so before "\uFFFD" in code units, after it in code points.
    written(await write(book("u\uFFFD", "x", 0, cap2)));
    const astralUser = written(await write(book("u\u{1F600}", "x", 0, cap2)));
    expect(await write(book("zed", "z", 10, cap2))).toEqual({
      status: "resource-full",
      conflicting: astralUser,
      replayed: false,
    });
    expect(keysOf(await store.listResourceAppointments(room, {}))).toEqual(["u\u{1F600}/x", "u\uFFFD/x"]);

    const other = newResource("room");
    const same = { resourceId: other, capacity: 3 };
    written(await write(book("kim", "id-\uFFFD", 0, same)));
    written(await write(book("kim", "id-\uE000", 0, same)));
    const astralId = written(await write(book("kim", "id-\u{10000}", 0, same)));
    expect(await write(book("zed", "z", 0, same))).toMatchObject({ status: "resource-full", conflicting: astralId });
    expect((await store.listResourceAppointments(other, {})).map((record) => record.id)).toEqual(
      ["id-\uFFFD", "id-\uE000", "id-\u{10000}"].sort(),
    );
    // And the user id decides before the id.
    const third = newResource("room");
    const cap1 = { resourceId: third };
    const bRecord = written(await write(book("b", "a", 0, { ...cap1, capacity: 2 })));
    written(await write(book("c", "0", 0, { ...cap1, capacity: 2 })));
    expect(await write(book("a", "q", 0, { ...cap1, capacity: 2 }))).toMatchObject({
      status: "resource-full",
      conflicting: bRecord,
    });
  });

  it("a move claims its new span without counting itself, frees the old one, and keeps the type", async () => {
    const { store } = opened;
    const room = newResource("room");
    const a = written(await write(book("ann", "a", 0, { resourceId: room, after: 10 }, { appointmentType: "long" })));
    // Moved 15 minutes later, overlapping its own old span: it does not collide with itself.
    const moved = written(await write(move("ann", "a", 15, { resourceId: room, after: 10 })));
    expect(moved).toMatchObject({
      version: 2,
      startMs: at(15),
      resource: { resourceId: room, fromMs: at(15), toMs: at(55) },
      appointmentType: "long",
      previousTimes: [{ startMs: at(0), endMs: at(30), movedAtMs: at(-9_000) }],
    });
    // Its old span is free now; its new one is not.
    written(await write(book("bob", "b", -20, { resourceId: room, minutes: 35 })));
    expect(await write(book("cid", "c", 50, { resourceId: room }))).toMatchObject({
      status: "resource-full",
      conflicting: moved,
    });
    // A move onto bob's span is refused, nothing written; a move to another resource frees this one.
    expect(await write(move("ann", "a", 0, { resourceId: room }))).toMatchObject({
      status: "resource-full",
      conflicting: { userId: "bob", id: "b" },
    });
    expect(await store.getAppointment("ann", "a")).toEqual(moved);
    const elsewhere = newResource("room");
    const away = written(await write(move("ann", "a", 0, { resourceId: elsewhere })));
    expect(away.resource).toEqual({ resourceId: elsewhere, fromMs: at(0), toMs: at(30) });
    written(await write(book("cid", "c", 50, { resourceId: room })));
    // A move without a claim occupies no resource; a cancel keeps the record's span but frees it.
    expect(written(await write(move("ann", "a", 120, null))).resource).toBeNull();
    const cancelled = written(await write(cancel("cid", "c")));
    expect(cancelled).toMatchObject({ status: "cancelled", resource: { resourceId: room, fromMs: at(50) } });
    written(await write(book("dan", "d", 50, { resourceId: room })));
    expect(keysOf(await store.listResourceAppointments(room, {}))).toEqual(["bob/b", "dan/d"]);
    // Every event carries the record's span as it was then.
    const events = await store.readChanges({ userId: "ann", limit: 100 });
    const ofA = events.filter((event) => event.record.id === "a" && event.record.createdAtMs === a.createdAtMs);
    expect(
      ofA.map((event) => [event.type, event.record.resource?.fromMs ?? null, event.record.appointmentType]),
    ).toEqual([
      ["booked", at(0), "long"],
      ["rescheduled", at(15), "long"],
      ["rescheduled", at(0), "long"],
      ["rescheduled", null, "long"],
    ]);
  });

  it("refuses a move of another version with stale, after not-found, not-booked and too-late", async () => {
    const { store } = opened;
    const room = newResource("room");
    written(await write(book("ann", "a", 0, { resourceId: room })));
    const v2 = written(await write(move("ann", "a", 60, { resourceId: room }, { expectedVersion: 1 })));
    expect(v2.version).toBe(2);
    expect(await write(move("ann", "a", 120, { resourceId: room }, { expectedVersion: 1 }))).toEqual({
      status: "stale",
      record: v2,
      replayed: false,
    });
    expect(await store.getAppointment("ann", "a")).toEqual(v2);
    // Before the occupancy and the resource: a stale move onto a full resource is stale.
    written(await write(book("bob", "b", 200, { resourceId: room })));
    expect(await write(move("ann", "a", 200, { resourceId: room }, { expectedVersion: 7 }))).toMatchObject({
      status: "stale",
    });
    expect(await write(move("ann", "a", 200, { resourceId: room }, { expectedVersion: 2 }))).toMatchObject({
      status: "resource-full",
    });
    // After too-late, not-found and not-booked.
    expect(await write(move("ann", "a", 300, null, { expectedVersion: 9, earliestStartMs: at(61) }))).toMatchObject({
      status: "too-late",
    });
    expect(await write(move("ann", "nope", 300, null, { expectedVersion: 9 }))).toEqual({
      status: "not-found",
      replayed: false,
    });
    written(await write(cancel("bob", "b")));
    expect(await write(move("bob", "b", 300, null, { expectedVersion: 9 }))).toMatchObject({ status: "not-booked" });
    // null: no check. Versions beyond any record's are stale, not an error.
    expect(written(await write(move("ann", "a", 300, null, { expectedVersion: null }))).version).toBe(3);
    expect(await write(move("ann", "a", 400, null, { expectedVersion: 2 ** 40 }))).toMatchObject({ status: "stale" });
    expect(await write(move("ann", "a", 400, null, { expectedVersion: -3 }))).toMatchObject({ status: "stale" });
    await expect(write(move("ann", "a", 400, null, { expectedVersion: 1.5 }))).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
  });

  it("answers limit-reached and overlap before resource-full, id-taken before all", async () => {
    const room = newResource("room");
    written(await write(book("bob", "b", 0, { resourceId: room })));
    written(await write(book("ann", "a", 10, null)));
    // ann's own overlap (no-overlap on) and the full resource at once: overlap.
    expect(await write(book("ann", "x", 5, { resourceId: room }, { noOverlap: true }))).toMatchObject({
      status: "overlap",
      conflicting: { userId: "ann", id: "a" },
    });
    // Touching ann's own appointment, overlapping bob's claim: resource-full.
    expect(await write(book("ann", "x", -20, { resourceId: room }, { noOverlap: true }))).toMatchObject({
      status: "resource-full",
      conflicting: { userId: "bob", id: "b" },
    });
    expect(await write(book("ann", "a", 10, { resourceId: room }))).toEqual({ status: "id-taken", replayed: false });
  });

  it("keeps resource-full and stale under an idempotency key and replays them", async () => {
    const room = newResource("room");
    const b = written(await write(book("bob", "b", 0, { resourceId: room })));
    const request = book("ann", "a", 10, { resourceId: room }, { key: "k1" });
    expect(await write(request)).toEqual({ status: "resource-full", conflicting: b, replayed: false });
    written(await write(cancel("bob", "b")));
    // The key answers its first outcome, though the resource is free now.
    expect(await write(request)).toEqual({ status: "resource-full", conflicting: b, replayed: true });
    const keyed = written(await write(book("ann", "a", 10, { resourceId: room }, { key: "k2", appointmentType: "t" })));
    expect(await write(book("ann", "a", 10, { resourceId: room }, { key: "k2", appointmentType: "t" }))).toEqual({
      status: "written",
      record: keyed,
      replayed: true,
    });
  });

  it("lists a resource's booked records of every user within a range, in order, up to a limit", async () => {
    const { store } = opened;
    const room = newResource("room");
    const cap = { resourceId: room, capacity: 5 };
    written(await write(book("bob", "b1", 0, { ...cap, before: 10 })));
    written(await write(book("ann", "a1", 0, cap)));
    written(await write(book("ann", "a0", 0, cap)));
    written(await write(book("cid", "c1", 60, cap)));
    written(await write(book("cid", "c2", 120, cap)));
    written(await write(cancel("cid", "c2")));
    written(await write(book("dan", "other", 0, { resourceId: newResource("room") })));
    const list = (query: Parameters<typeof store.listResourceAppointments>[1]) =>
      store.listResourceAppointments(room, query).then(keysOf);
    expect(await list({})).toEqual(["bob/b1", "ann/a0", "ann/a1", "cid/c1"]);
    expect(await list({ limit: 2 })).toEqual(["bob/b1", "ann/a0"]);
    // Spans that end after fromMs and start before toMs.
    expect(await list({ fromMs: at(30) })).toEqual(["cid/c1"]);
    expect(await list({ fromMs: at(30) - 0.5 })).toEqual(["bob/b1", "ann/a0", "ann/a1", "cid/c1"]);
    expect(await list({ toMs: at(0) })).toEqual(["bob/b1"]);
    expect(await list({ toMs: at(0) + 0.5 })).toEqual(["bob/b1", "ann/a0", "ann/a1"]);
    expect(await list({ fromMs: at(90), toMs: at(200) })).toEqual([]);
    expect(await store.listResourceAppointments(newResource("nothing"), {})).toEqual([]);
  });

  it("keeps capacity under concurrent claims of many users on several connections, without deadlock", async () => {
    const { store } = opened;
    const rooms = [newResource("busy"), newResource("busy")];
    const capacity = 2;
    const users = Array.from({ length: 10 }, (_, i) => `user-${i}`);
    // mulberry32: a fixed sequence, so that a failure repeats.
    let seed = 7;
    const random = (n: number) => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4_294_967_296) * n);
    };
    const acknowledged = new Map<string, AppointmentRecord>();
    const refusals: string[] = [];
    let writes = 0;
    for (let round = 0; round < 4; round++) {
      const requests: WriteRequest[] = [];
      for (let i = 0; i < 24; i++) {
        const user = users[random(users.length)] as string;
        const room = rooms[random(rooms.length)] as string;
        const placement = { resourceId: room, capacity, minutes: 15 + random(4) * 15, before: random(2) * 5 };
        const mine = [...acknowledged.values()].filter(
          (record) => record.userId === user && record.status === "booked",
        );
        const existing = mine[random(mine.length + 2)];
        requests.push(
          existing === undefined
            ? book(user, `r${round}-${i}`, random(48) * 10, placement)
            : random(4) === 0
              ? cancel(user, existing.id)
              : move(user, existing.id, random(48) * 10, placement),
        );
      }
      const results = await Promise.all(requests.map(write));
      results.forEach((result, i) => {
        if (result.status === "written") writes++;
        if (result.status === "written") acknowledged.set(`${result.record.userId}/${result.record.id}`, result.record);
        else refusals.push(result.status);
        expect(["written", "resource-full", "not-booked", "not-found"]).toContain(result.status);
        if (result.status === "resource-full") {
          const request = requests[i] as WriteRequest;
          expect((request.change as { resource: ResourceClaim }).resource.resourceId).toBe(
            result.conflicting.resource?.resourceId,
          );
        }
      });
      for (const room of rooms) {
        const listed = await store.listResourceAppointments(room, {});
        // No instant over capacity: at every span start, at most `capacity` spans cover it.
        for (const record of listed) {
          const from = (record.resource as NonNullable<AppointmentRecord["resource"]>).fromMs;
          const covering = listed.filter(
            (other) => (other.resource?.fromMs ?? 0) <= from && (other.resource?.toMs ?? 0) > from,
          );
          expect(covering.length).toBeLessThanOrEqual(capacity);
        }
      }
      // Every acknowledged write is there, as its last acknowledged version (a user's writes take turns, so
      // the latest version is the record now).
      for (const record of acknowledged.values()) {
        const now = await store.getAppointment(record.userId, record.id);
        expect(now?.version).toBeGreaterThanOrEqual(record.version);
        if (now?.version === record.version) expect(now).toEqual(record);
      }
    }
    expect(writes).toBeGreaterThan(20);
    expect(refusals).toContain("resource-full");
    // Each resource's list holds exactly the booked records whose last version claims it.
    for (const room of rooms) {
      const expected = [];
      for (const { userId, id } of acknowledged.values()) {
        const record = await store.getAppointment(userId, id);
        if (record?.status === "booked" && record.resource?.resourceId === room) expected.push(record);
      }
      const listed = await store.listResourceAppointments(room, {});
      expect(listed).toEqual(
        expected.sort(
          (x, y) =>
            (x.resource?.fromMs ?? 0) - (y.resource?.fromMs ?? 0) ||
            (x.userId < y.userId ? -1 : x.userId > y.userId ? 1 : x.id < y.id ? -1 : 1),
        ),
      );
    }
  });
});

describeEachTarget([serverTarget])(
  "the capacity check's plans on $name, before and after the table is analysed",
  (target) => {
    it("use each index of resource spans for its own queries only, whatever the planner makes of the other", async (context) => {
      const opened = await target.open();
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      try {
        // A resource with a history, in tables that no ANALYZE has seen: three bookings a day for 100 days,
        // and as many without a resource.
        for (let day = 0; day < 100; day++) {
          for (const hour of [0, 2, 4]) {
            const minute = day * 1440 + hour * 60;
            written(await opened.store.write(book(`u${day}`, `a${hour}`, minute, { resourceId: "room" })));
            written(await opened.store.write(book(`v${day}`, `a${hour}`, minute, null)));
          }
        }
        // The plans of the write function's statements, sent to this client as notices.
        try {
          await client.query("LOAD 'auto_explain'");
        } catch (error) {
          context.skip(`auto_explain cannot be loaded on this server (${(error as Error).message})`);
        }
        await client.query(
          "SET auto_explain.log_min_duration = 0; SET auto_explain.log_nested_statements = on; SET auto_explain.log_level = notice",
        );
        const plans: string[] = [];
        client.on("notice", (notice) => plans.push(notice.message ?? ""));
        const store = new PostgresStore(client, { tablePrefix: opened.prefix });
        let booked = 0;
        /** The plans of one more booking on the resource (at 01:00 on day 50, between two of its spans). */
        const plansOfBooking = async () => {
          plans.length = 0;
          written(await store.write(book(`w${++booked}`, "a", 50 * 1440 + 60, { resourceId: "room", capacity: 9 })));
          return plans.join("\n");
        };
        const spans = `${opened.prefix}resource_spans`;
        const longest = `${opened.prefix}resource_longest_spans`;
        const checkPlans = async () => {
          // As it is: the probe reads the index of longest spans once, backwards (alias l); the count of the
          // claim's candidates (alias r) searches the spans index by start.
          const text = await plansOfBooking();
          expect(text.match(new RegExp(`Index Scan Backward using ${longest} on \\S+ l\\b`, "g"))).toHaveLength(1);
          expect(text).toMatch(new RegExp(`Index Scan using ${spans} on \\S+ r\\b`));
          // Neither index is a choice for the other's queries: with the one the planner should take gone
          // (dropped in a transaction rolled back), a query falls back to another way, never to the other index.
          for (const [dropped, kept, alias] of [
            [spans, longest, "r"],
            [longest, spans, "l"],
          ]) {
            await client.query("BEGIN");
            try {
              await client.query(`DROP INDEX ${dropped}`);
              const fallback = await plansOfBooking();
              expect(fallback).toMatch(new RegExp(`Scan\\b.* on \\S+ ${alias}\\b`)); // the query is planned still
              expect(fallback).not.toMatch(new RegExp(`using ${kept} on \\S+ ${alias}\\b`));
            } finally {
              await client.query("ROLLBACK");
            }
          }
        };
        await checkPlans();
        // And once the table is analysed (its statistics change the plans, and the cached ones are dropped).
        await client.query(`ANALYZE ${opened.prefix}appointments`);
        await checkPlans();
      } finally {
        await client.end();
        await opened.close();
      }
    });
  },
);
