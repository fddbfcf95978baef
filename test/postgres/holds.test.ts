/**
 * Holds and resource choices on the PostgreSQL store, beyond the contract kit's cases: a hold counts toward a
 * resource's capacity and the user's limit and overlap until it expires, judged at each write's own `atMs`
 * (and not at all from then on); confirm, release, `hold-expired` and `not-held` with their events in the
 * feed; a choice takes the first claim whose resource is not full, in the order given, and names the first
 * claim's conflict when all are; `purgeExpired` removes expired holds only, keeping their events until those
 * expire. On the server, writes that choose among the same resources in opposite orders from many
 * connections at once: no deadlock, never over capacity. On PGlite always, on the server of
 * `TEST_DATABASE_URL` when set.
 */
import type {
  AppointmentRecord,
  AppointmentTimes,
  ResourceChoice,
  ResourceClaim,
  WriteRequest,
  WriteResult,
} from "appointment-scheduler";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  describeEachTarget,
  NEEDS_SERVER,
  type OpenedStore,
  postgresTargets,
  serverTarget,
  TEST_DATABASE_URL,
} from "./targets.js";

const MINUTE = 60_000;
/** Monday 2021-04-26 10:00 UTC. */
const START = Date.UTC(2021, 3, 26, 10);
/** `START` plus `minutes`. */
const at = (minutes: number) => START + minutes * MINUTE;
/** The writes' clock: a week before `START`, unless a case sets its own. */
const NOW = at(-7 * 24 * 60);
const FOREVER = Date.UTC(9999, 0, 1);
const EVERYWHERE = { fromMs: Date.parse("0000-01-01T00:00:00Z"), toMs: Date.parse("+010000-01-01T00:00:00Z") };

function timesAt(startMinute: number, minutes = 30): AppointmentTimes {
  return {
    startMs: at(startMinute),
    endMs: at(startMinute + minutes),
    localStartMs: at(startMinute),
    localEndMs: at(startMinute + minutes),
  };
}

/** A claim of `resourceId` over the appointment's own span (no buffers). */
function claim(resourceId: string, startMinute: number, capacity = 1, minutes = 30): ResourceClaim {
  return {
    resourceId,
    fromMs: at(startMinute),
    toMs: at(startMinute + minutes),
    capacity,
    candidatesStartWithin: EVERYWHERE,
  };
}

/** The user's occupancy: nothing to count unless a case asks for a limit on a period or no overlap. */
function occupancy(extra: { periods?: { fromMs: number; toMs: number }[]; noOverlap?: boolean } = {}) {
  return {
    periods: extra.periods ?? [],
    limit: 1,
    noOverlap: extra.noOverlap ?? false,
    candidatesStartWithin: EVERYWHERE,
    candidatesEndWithin: EVERYWHERE,
  };
}

interface Options {
  readonly atMs?: number;
  readonly resource?: ResourceClaim | ResourceChoice | null;
  readonly key?: string;
  readonly periods?: { fromMs: number; toMs: number }[];
  readonly noOverlap?: boolean;
  readonly changeExpiresAtMs?: number;
}

function request(userId: string, change: WriteRequest["change"], options: Options): WriteRequest {
  return {
    userId,
    change,
    atMs: options.atMs ?? NOW,
    changeExpiresAtMs: options.changeExpiresAtMs ?? FOREVER,
    ...(options.key === undefined
      ? {}
      : { idempotency: { key: options.key, fingerprint: "fp", expiresAtMs: FOREVER } }),
  };
}

function book(userId: string, id: string, startMinute: number, options: Options = {}): WriteRequest {
  return request(
    userId,
    {
      type: "book",
      id,
      times: timesAt(startMinute),
      metadata: null,
      occupancy: occupancy(options),
      resource: options.resource ?? null,
    },
    options,
  );
}

function hold(
  userId: string,
  id: string,
  startMinute: number,
  expiresAtMs: number,
  options: Options = {},
): WriteRequest {
  return request(
    userId,
    {
      type: "hold",
      id,
      times: timesAt(startMinute),
      metadata: { cart: id },
      occupancy: occupancy(options),
      resource: options.resource ?? null,
      expiresAtMs,
    },
    options,
  );
}

const confirm = (userId: string, id: string, options: Options = {}) =>
  request(userId, { type: "confirm", id }, options);
const release = (userId: string, id: string, options: Options = {}) =>
  request(userId, { type: "release", id }, options);
const cancel = (userId: string, id: string, options: Options = {}) =>
  request(userId, { type: "cancel", id, reason: null, earliestStartMs: null }, options);
function move(userId: string, id: string, startMinute: number, options: Options = {}): WriteRequest {
  const resource = options.resource && !("anyOf" in options.resource) ? options.resource : null;
  return request(
    userId,
    { type: "move", id, times: timesAt(startMinute), occupancy: occupancy(options), earliestStartMs: null, resource },
    options,
  );
}

/** The record of a written result (fails the test otherwise). */
function written(result: WriteResult): AppointmentRecord {
  expect(result).toMatchObject({ status: "written" });
  return (result as Extract<WriteResult, { status: "written" }>).record;
}

const keysOf = (records: readonly AppointmentRecord[]) => records.map((record) => `${record.userId}/${record.id}`);

describeEachTarget(postgresTargets)("PostgresStore with holds and resource choices on $name", (target) => {
  let opened: OpenedStore;
  beforeEach(async () => {
    opened = await target.open();
  });
  afterEach(() => opened?.close());
  const write = (request: WriteRequest) => opened.store.write(request);

  it("counts a hold toward a resource's capacity until it expires, at each write's own atMs", async () => {
    const { store } = opened;
    const expires = NOW + 10 * MINUTE;
    const h = written(await write(hold("ann", "h", 0, expires, { resource: claim("room", 0) })));
    expect(h).toEqual({
      id: "h",
      userId: "ann",
      status: "held",
      ...timesAt(0),
      version: 1,
      createdAtMs: NOW,
      updatedAtMs: NOW,
      cancelledAtMs: null,
      cancellationReason: null,
      previousTimes: [],
      metadata: { cart: "h" },
      resource: { resourceId: "room", fromMs: at(0), toMs: at(30) },
      appointmentType: null,
      holdExpiresAtMs: expires,
    });
    expect(await store.getAppointment("ann", "h")).toEqual(h);
    // A millisecond before it expires, the hold fills the room, for any user; at its expiry it counts no more.
    expect(await write(book("bob", "b", 15, { resource: claim("room", 15), atMs: expires - 1 }))).toEqual({
      status: "resource-full",
      conflicting: h,
      replayed: false,
    });
    expect(
      await write(hold("bob", "b", 15, FOREVER, { resource: claim("room", 15), atMs: expires - 1 })),
    ).toMatchObject({
      status: "resource-full",
    });
    const b = written(await write(book("bob", "b", 15, { resource: claim("room", 15), atMs: expires })));
    // Listed whatever its expiry, until purged: the caller judges it at its own clock.
    expect(await store.listResourceAppointments("room", {})).toEqual([h, b]);
    // The clock of each write decides, not the order of the writes: an earlier atMs counts the hold again.
    expect(await write(book("cid", "c", 0, { resource: claim("room", 0, 2), atMs: expires - 1 }))).toMatchObject({
      status: "resource-full",
      conflicting: h,
    });
    written(await write(book("cid", "c", 0, { resource: claim("room", 0, 2), atMs: expires })));
    // The expired hold cannot be confirmed.
    expect(await write(confirm("ann", "h", { atMs: expires }))).toEqual({
      status: "hold-expired",
      record: h,
      replayed: false,
    });
    expect(await store.getAppointment("ann", "h")).toEqual(h);
  });

  it("counts a hold toward its user's limit and overlap until it expires", async () => {
    const { store } = opened;
    const expires = NOW + MINUTE;
    const day = [{ fromMs: at(-600), toMs: at(840) }];
    const h = written(await write(hold("ann", "h", 0, expires, { periods: day, noOverlap: true })));
    expect(await write(book("ann", "b", 15, { periods: day, noOverlap: true, atMs: expires - 1 }))).toEqual({
      status: "limit-reached",
      conflicting: h,
      replayed: false,
    });
    expect(await write(book("ann", "b", 15, { noOverlap: true, atMs: expires - 1 }))).toEqual({
      status: "overlap",
      conflicting: h,
      replayed: false,
    });
    // Another user's hold is not in the way; this one is, until it expires.
    written(await write(book("bob", "b", 15, { periods: day, noOverlap: true, atMs: expires - 1 })));
    const b = written(await write(book("ann", "b", 15, { periods: day, noOverlap: true, atMs: expires })));
    // "holding" lists holds whatever their expiry; "booked" lists booked records only.
    expect(await store.listAppointments("ann", { status: "holding" })).toEqual([h, b]);
    expect(await store.listAppointments("ann", {})).toEqual([b]);
    expect(await store.listAppointments("ann", { status: "all" })).toEqual([h, b]);
  });

  it("confirms and releases holds, refuses the others, and records each change in the feed", async () => {
    const { store } = opened;
    const expires = NOW + 10 * MINUTE;
    const room = claim("room", 0, 3);
    const h1 = written(await write(hold("ann", "h1", 0, expires, { resource: room })));
    const confirmed = written(await write(confirm("ann", "h1", { atMs: expires - 1 })));
    expect(confirmed).toEqual({ ...h1, status: "booked", version: 2, updatedAtMs: expires - 1 });
    expect(await write(confirm("ann", "h1", { atMs: expires - 1 }))).toEqual({
      status: "not-held",
      record: confirmed,
      replayed: false,
    });
    expect(await write(release("ann", "h1"))).toMatchObject({ status: "not-held", record: confirmed });

    const h2 = written(await write(hold("ann", "h2", 60, expires, { resource: room })));
    // A hold is released whether it has expired or not.
    const released = written(await write(release("ann", "h2", { atMs: expires + 5 })));
    expect(released).toEqual({ ...h2, status: "released", version: 2, updatedAtMs: expires + 5 });
    expect(await write(confirm("ann", "h2"))).toMatchObject({ status: "not-held", record: released });
    expect(await write(move("ann", "h2", 120))).toMatchObject({ status: "not-booked", record: released });
    expect(await write(cancel("ann", "h2"))).toMatchObject({ status: "not-booked", record: released });
    // A released hold leaves the resource's list.
    expect(keysOf(await store.listResourceAppointments("room", {}))).toEqual(["ann/h1"]);

    const h3 = written(await write(hold("ann", "h3", 120, expires)));
    expect(await write(confirm("ann", "h3", { atMs: expires }))).toEqual({
      status: "hold-expired",
      record: h3,
      replayed: false,
    });
    // A held record is not booked: it cannot move or be cancelled.
    expect(await write(move("ann", "h3", 180))).toMatchObject({ status: "not-booked", record: h3 });
    expect(await write(cancel("ann", "h3"))).toMatchObject({ status: "not-booked", record: h3 });
    for (const change of [confirm, release]) {
      expect(await write(change("ann", "none"))).toEqual({ status: "not-found", replayed: false });
      expect(await write(change("bob", "h3"))).toEqual({ status: "not-found", replayed: false });
    }
    expect(await store.getAppointment("ann", "h3")).toEqual(h3);

    // A confirmed hold is an appointment like any other: moved, then cancelled.
    const moved = written(await write(move("ann", "h1", 30, { resource: claim("room", 30, 3), atMs: NOW + 1 })));
    expect(moved).toMatchObject({ status: "booked", version: 3, holdExpiresAtMs: expires });
    const cancelled = written(await write(cancel("ann", "h1", { atMs: NOW + 2 })));
    expect(cancelled).toMatchObject({ status: "cancelled", version: 4, holdExpiresAtMs: expires });

    const events = await store.readChanges({ userId: "ann", limit: 20 });
    expect(events.map((e) => `${e.type} ${e.record.id} v${e.record.version} ${e.record.status}`)).toEqual([
      "held h1 v1 held",
      "confirmed h1 v2 booked",
      "held h2 v1 held",
      "released h2 v2 released",
      "held h3 v1 held",
      "rescheduled h1 v3 booked",
      "cancelled h1 v4 cancelled",
    ]);
    expect(events.map((e) => e.record)).toEqual([h1, confirmed, h2, released, h3, moved, cancelled]);
    expect(events.map((e) => e.previous)).toEqual([
      null,
      null,
      null,
      null,
      null,
      { startMs: at(0), endMs: at(30) },
      null,
    ]);
    expect(events.map((e) => e.atMs)).toEqual([NOW, expires - 1, NOW, expires + 5, NOW, NOW + 1, NOW + 2]);
    // The whole feed shows them alike.
    expect(await store.readChanges({ limit: 20 })).toEqual(events);
  });

  it("keeps the outcomes of holds, confirmations and releases under their idempotency keys", async () => {
    const { store } = opened;
    const expires = NOW + 10 * MINUTE;
    const held = await write(hold("ann", "h", 0, expires, { resource: claim("room", 0), key: "k-hold" }));
    const h = written(held);
    expect(h).toMatchObject({ status: "held", holdExpiresAtMs: expires, metadata: { cart: "h" } });
    expect(await write(hold("ann", "h", 0, expires, { resource: claim("room", 0), key: "k-hold" }))).toEqual({
      ...held,
      replayed: true,
    });
    const confirmed = await write(confirm("ann", "h", { key: "k-confirm", atMs: expires - 1 }));
    expect(written(confirmed)).toMatchObject({ status: "booked", version: 2 });
    // Replayed as it was, also after the hold would have expired.
    expect(await write(confirm("ann", "h", { key: "k-confirm", atMs: expires + 1 }))).toEqual({
      ...confirmed,
      replayed: true,
    });
    const refused = await write(release("ann", "h", { key: "k-release" }));
    expect(refused).toMatchObject({ status: "not-held" });
    expect(await write(release("ann", "h", { key: "k-release" }))).toEqual({ ...refused, replayed: true });
    const events = await store.readChanges({ userId: "ann", limit: 10 });
    expect(events.map((e) => [e.type, e.idempotencyKey])).toEqual([
      ["held", "k-hold"],
      ["confirmed", "k-confirm"],
    ]);
  });

  it("takes the first claim of a choice whose resource is not full, in the order given", async () => {
    const { store } = opened;
    const choiceAt = (minute: number, ...rooms: string[]): ResourceChoice => ({
      anyOf: rooms.map((room) => claim(room, minute)),
    });
    const choice = (...rooms: string[]) => choiceAt(0, ...rooms);
    const a = written(await write(book("ann", "a", 0, { resource: claim("B", 0) })));
    // B is full: A, the next in the order given, is taken (the record built from the request, then read back).
    const b = written(await write(book("bob", "b", 0, { resource: choice("B", "A", "C") })));
    expect(b.resource).toEqual({ resourceId: "A", fromMs: at(0), toMs: at(30) });
    expect(await store.getAppointment("bob", "b")).toEqual(b);
    // With a key, the record comes from the database: C.
    const c = written(await write(hold("cid", "c", 0, FOREVER, { resource: choice("B", "A", "C"), key: "k" })));
    expect(c.resource?.resourceId).toBe("C");
    expect(await store.getAppointment("cid", "c")).toEqual(c);
    // All full: refused, naming the first claim's conflict, whichever order.
    expect(await write(book("dan", "d", 0, { resource: choice("B", "A", "C") }))).toEqual({
      status: "resource-full",
      conflicting: a,
      replayed: false,
    });
    expect(await write(hold("dan", "d", 0, FOREVER, { resource: choice("C", "A", "B") }))).toEqual({
      status: "resource-full",
      conflicting: c,
      replayed: false,
    });
    // The first claim not full is taken even when a later one is free too; a choice of one is one claim.
    const e = written(await write(book("eve", "e", 0, { resource: choice("D", "E") })));
    expect(e.resource?.resourceId).toBe("D");
    expect(
      written(await write(book("eve", "f", 60, { resource: { anyOf: [claim("A", 60)] } }))).resource?.resourceId,
    ).toBe("A");
    expect(await write(book("eve", "g", 0, { resource: choice("A") }))).toMatchObject({
      status: "resource-full",
      conflicting: b,
    });
    // An expired hold takes no room: at its expiry, its resource is free again for a choice.
    const expires = NOW + MINUTE;
    written(await write(hold("fay", "h", 120, expires, { resource: claim("F", 120) })));
    const later = { anyOf: [claim("F", 120), claim("G", 120)] };
    expect(
      written(await write(book("gus", "x", 120, { resource: later, atMs: expires - 1 }))).resource?.resourceId,
    ).toBe("G");
    expect(written(await write(book("gus", "y", 120, { resource: later, atMs: expires }))).resource?.resourceId).toBe(
      "F",
    );
    // Resource ids are kept exactly, whatever their characters.
    const odd = ['room "1", {x}', "back\\slash", "NULL", " ", "ünï ☃ 😀"];
    for (const [i, id] of odd.entries()) {
      written(await write(book("hal", `o${i}`, 240, { resource: claim(id, 240) })));
    }
    for (const [i, id] of odd.entries()) {
      const chosen = written(
        await write(book("ida", `o${i}`, 240, { resource: choiceAt(240, ...odd.slice(0, i + 1), "free") })),
      );
      expect(chosen.resource?.resourceId).toBe("free");
      written(await write(cancel("ida", `o${i}`)));
      expect(keysOf(await store.listResourceAppointments(id, {}))).toEqual([`hal/o${i}`]);
    }
    expect(await write(book("ida", "z", 240, { resource: choiceAt(240, ...odd) }))).toMatchObject({
      status: "resource-full",
      conflicting: { userId: "hal", id: "o0", resource: { resourceId: odd[0] } },
    });
  });

  it("refuses a choice on a move, and a hold without its expiry, before sending anything", async () => {
    const anyOf = { anyOf: [claim("A", 0)] };
    const moving = move("ann", "a", 0);
    await expect(
      write({ ...moving, change: { ...moving.change, resource: anyOf } as unknown as WriteRequest["change"] }),
    ).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    const holding = hold("ann", "h", 0, FOREVER);
    await expect(
      write({ ...holding, change: { ...holding.change, expiresAtMs: undefined } as unknown as WriteRequest["change"] }),
    ).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    expect(await opened.store.readChanges({ limit: 10 })).toEqual([]);
  });

  it("purges expired holds only, keeping each one's held event until that expires", async () => {
    const { store } = opened;
    const room = (minute: number) => claim("room", minute, 10);
    const h1 = written(await write(hold("ann", "h1", 0, NOW + 100, { resource: room(0) })));
    written(await write(hold("ann", "h2", 60, NOW + 200, { resource: room(60) })));
    written(await write(hold("ann", "h3", 120, NOW + 100, { resource: room(120) })));
    written(await write(confirm("ann", "h3", { atMs: NOW + 50 })));
    written(await write(hold("ann", "h4", 180, NOW + 100)));
    written(await write(release("ann", "h4", { atMs: NOW + 50 })));
    written(await write(book("ann", "b", 240, { resource: room(240) })));
    // A hold whose event expires before the purge: both go.
    written(await write(hold("bob", "h5", 0, NOW + 100, { resource: room(0), changeExpiresAtMs: NOW + 120 })));
    const before = await store.readChanges({ limit: 20 });

    expect(await store.purgeExpired(NOW + 99)).toBe(0);
    // h1 and h5 expired at NOW + 100 (at or before the purge's instant); h5's event too.
    expect(await store.purgeExpired(NOW + 150)).toBe(2);
    expect(await store.getAppointment("ann", "h1")).toBeNull();
    expect(await store.getAppointment("bob", "h5")).toBeNull();
    expect((await store.listAppointments("ann", { status: "all" })).map((r) => `${r.id} ${r.status}`)).toEqual([
      "h2 held",
      "h3 booked",
      "h4 released",
      "b booked",
    ]);
    expect(keysOf(await store.listResourceAppointments("room", {}))).toEqual(["ann/h2", "ann/h3", "ann/b"]);
    // h1's held event stays in the feed, as it was, at its position.
    const after = await store.readChanges({ limit: 20 });
    expect(after).toEqual(before.filter((event) => event.record.id !== "h5"));
    expect(after.find((event) => event.record.id === "h1")).toMatchObject({ type: "held", record: h1 });
    expect(await store.purgeExpired(NOW + 150)).toBe(0);
    // The id is free again.
    written(await write(book("ann", "h1", 0, { resource: room(0) })));
    expect(await store.purgeExpired(NOW + 200)).toBe(1);
    expect(await store.getAppointment("ann", "h2")).toBeNull();
    // h2's held event stays too; the new booking of h1 adds its own.
    expect(await store.readChanges({ userId: "ann", limit: 20 })).toHaveLength(after.length + 1);
  });
});

describe.runIf(TEST_DATABASE_URL)(`resource choices on a PostgreSQL server, concurrently (${NEEDS_SERVER})`, () => {
  it("takes the resources' locks in one order: choices in opposite orders from many connections never deadlock nor overfill", async () => {
    const opened = await serverTarget.open({ max: 24 });
    try {
      const { store } = opened;
      const rooms = ["r1", "r2", "r3", "r4", "r5"];
      const capacity = 2;
      const started = Date.now();
      for (let round = 0; round < 6; round++) {
        // Overlapping spans, so every write counts every other on each room it looks at.
        const startMinute = round * 600;
        const requests = Array.from({ length: 36 }, (_, i) => {
          const order = i % 2 === 0 ? rooms : [...rooms].reverse();
          const choice = { anyOf: order.map((room) => claim(room, startMinute + (i % 3) * 10, capacity)) };
          const userId = `user-${round}-${i}`;
          return i % 3 === 0
            ? hold(userId, "x", startMinute + (i % 3) * 10, FOREVER, { resource: choice })
            : book(userId, "x", startMinute + (i % 3) * 10, { resource: choice });
        });
        const results = await Promise.all(requests.map((request) => store.write(request)));
        const statuses = results.map((result) => result.status);
        expect(statuses.every((status) => status === "written" || status === "resource-full")).toBe(true);
        // Every room is full at the spans' common instants (10 places, all overlapping at minute 20).
        expect(statuses.filter((status) => status === "written")).toHaveLength(rooms.length * capacity);
        for (const room of rooms) {
          const listed = await store.listResourceAppointments(room, {
            fromMs: at(startMinute),
            toMs: at(startMinute + 60),
          });
          for (const record of listed) {
            const from = record.resource?.fromMs ?? 0;
            const covering = listed.filter((o) => (o.resource?.fromMs ?? 0) <= from && (o.resource?.toMs ?? 0) > from);
            expect(covering.length).toBeLessThanOrEqual(capacity);
          }
        }
        // Each acknowledged write is stored on the room its record names.
        for (const [i, result] of results.entries()) {
          if (result.status !== "written") continue;
          expect(await store.getAppointment(`user-${round}-${i}`, "x")).toEqual(result.record);
        }
      }
      expect(Date.now() - started).toBeLessThan(15_000);
    } finally {
      await opened.close();
    }
  }, 15_000);
});
