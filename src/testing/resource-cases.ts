/**
 * Resources, as examples: what a claim occupies (its span, buffers included, half-open), how many may occupy
 * an instant (the capacity, counted at every instant, not per span), which record a refusal names, who
 * collides (every user on one resource, nobody across resources), what never counts (the record being moved,
 * a cancelled one), the record's `resource` and `appointmentType`, `stale`, `resource-full` under a key, and
 * `listResourceAppointments`.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { AppointmentRecord, AppointmentStore, MsRange, ResourceClaim } from "../store/appointment-store.js";
import { resourceConflict } from "../store/resource-capacity.js";
import { inGroup, type StoreContractCase } from "./contract-case.js";
import { changesOf, expectOutcome, expectRecords, recordOf, writeOk } from "./expectations.js";
import { plainRecord } from "./records.js";
import {
  AT,
  bookRequest,
  cancelRequest,
  claim,
  HOUR,
  localDay,
  MINUTE,
  moveRequest,
  resourceClaim,
  timesAt,
  type WriteOptions,
} from "./requests.js";

const semantics = inGroup("semantics");

/** Monday 2021-04-26, UTC: where the examples book. */
const D = Date.UTC(2021, 3, 26);
/** `hours:minutes` on D. */
const h = (hours: number, minutes = 0) => D + hours * HOUR + minutes * MINUTE;

/** Where a booking lies and what it claims of a resource. */
interface Placement {
  /** Minutes. Default 30. */
  readonly minutes?: number;
  /** Buffers, minutes. Default 0. */
  readonly before?: number;
  readonly after?: number;
  /** Default 1. */
  readonly capacity?: number;
  /** The claim's candidates window. Default everywhere. */
  readonly within?: MsRange;
}

/** The claim of an appointment at `startMs` on `resourceId`: its times widened by its buffers. */
function claimAt(resourceId: string, startMs: number, placement: Placement = {}): ResourceClaim {
  const { minutes = 30, before = 0, after = 0, capacity = 1, within } = placement;
  return resourceClaim(resourceId, startMs - before * MINUTE, startMs + (minutes + after) * MINUTE, capacity, within);
}

/** A booking at `startMs` that claims `resourceId`. */
function bookOn(
  user: string,
  id: string,
  resourceId: string,
  startMs: number,
  placement: Placement = {},
  options: WriteOptions & { readonly appointmentType?: string | null } = {},
) {
  const times = timesAt(startMs, { minutes: placement.minutes ?? 30 });
  return bookRequest(user, id, times, { ...options, resource: claimAt(resourceId, startMs, placement) });
}

/** A move to `startMs` that claims `resourceId`. */
function moveOn(
  user: string,
  id: string,
  resourceId: string,
  startMs: number,
  placement: Placement = {},
  options: WriteOptions = {},
) {
  const times = timesAt(startMs, { minutes: placement.minutes ?? 30 });
  return moveRequest(user, id, times, { ...options, resource: claimAt(resourceId, startMs, placement) });
}

const full = (conflicting: AppointmentRecord) => ({ status: "resource-full", conflicting, replayed: false }) as const;

/** Asserts every booked record of the resource, in the list's order. */
async function expectOccupants(
  store: AppointmentStore,
  resourceId: string,
  expected: readonly AppointmentRecord[],
  what: string,
): Promise<void> {
  const listed = await store.listResourceAppointments(resourceId, {});
  assert.deepEqual(listed.map(plainRecord), expected, `${what}: the resource's records`);
}

export const resourceCases: StoreContractCase[] = [
  semantics(
    "keeps a claim's span (not its capacity or window) as the record's resource, and its appointment type",
    async (store, c) => {
      const user = c.newUser();
      const room = c.newId("room");
      const request = bookOn(
        user,
        c.newId(),
        room,
        h(10),
        { before: 10, after: 5, capacity: 3, within: { fromMs: h(0), toMs: h(24) } },
        { appointmentType: "consultation" },
      );
      const record = await writeOk(store, request, "a booking with a resource and a type");
      assert.deepEqual(record.resource, { resourceId: room, fromMs: h(9, 50), toMs: h(10, 35) }, "its span");
      assert.equal(record.appointmentType, "consultation", "its type");
      assert.deepEqual(await recordOf(store, user, record.id), record, "getAppointment returns them");
      const bare = await writeOk(store, bookRequest(user, c.newId(), timesAt(h(12))), "a booking without either");
      assert.equal(bare.resource, null, "no resource: null");
      assert.equal(bare.appointmentType, null, "no type: null");
      const nulls = bookRequest(user, c.newId(), timesAt(h(13)), { resource: null, appointmentType: null });
      const withNulls = await writeOk(store, nulls, "a booking with both null");
      assert.deepEqual([withNulls.resource, withNulls.appointmentType], [null, null], "null: null");

      // A move takes the span of its own claim (null without one) and keeps the type; so does a cancel.
      const moved = await writeOk(store, moveOn(user, record.id, room, h(15), { after: 15 }), "a move");
      assert.deepEqual(moved.resource, { resourceId: room, fromMs: h(15), toMs: h(15, 45) }, "the new span");
      assert.equal(moved.appointmentType, "consultation", "a move keeps the type");
      const unclaimed = await writeOk(store, moveRequest(user, record.id, timesAt(h(16))), "a move without a claim");
      assert.equal(unclaimed.resource, null, "a move without a claim occupies no resource");
      const reclaimed = await writeOk(store, moveOn(user, bare.id, room, h(17)), "a move of a bare record");
      assert.deepEqual(reclaimed.resource, { resourceId: room, fromMs: h(17), toMs: h(17, 30) }, "now it has one");
      const cancelled = await writeOk(store, cancelRequest(user, record.id), "a cancel");
      assert.deepEqual([cancelled.resource, cancelled.appointmentType], [null, "consultation"], "a cancel keeps both");
      const events = await changesOf(store, user);
      assert.deepEqual(
        events.map((e) => e.record.resource?.fromMs ?? null),
        [h(9, 50), null, null, h(15), null, h(17), null],
        "each event carries the record's span as it was then",
      );
    },
  ),

  semantics(
    "capacity 1 refuses any overlap of spans, buffers included; spans that only touch both fit",
    async (store, c) => {
      const room = c.newId("room");
      // 10:30–11:00 with 15 minutes after: the room is taken 10:30–11:15.
      const first = await writeOk(
        store,
        bookOn(c.newUser(), c.newId(), room, h(10, 30), { after: 15 }),
        "10:30–11:00 +15",
      );
      // 10:00–11:00 overlaps from 10:30: its first instant is free, a later one is not.
      await expectOutcome(
        store,
        bookOn(c.newUser(), c.newId(), room, h(10), { minutes: 60 }),
        full(first),
        "10:00–11:00 against 10:30–11:15: partly overlapping, later in the span",
      );
      await expectOutcome(
        store,
        bookOn(c.newUser(), c.newId(), room, h(10, 40), { minutes: 10 }),
        full(first),
        "10:40–10:50: inside",
      );
      // 11:00–11:15 does not overlap the appointment, only its buffer: the buffer occupies the room.
      await expectOutcome(
        store,
        bookOn(c.newUser(), c.newId(), room, h(11), { minutes: 15 }),
        full(first),
        "11:00–11:15, in the other's buffer after",
      );
      // Touching spans: one ending where the other's starts, on either side.
      const after = await writeOk(store, bookOn(c.newUser(), c.newId(), room, h(11, 15)), "11:15–11:45, from its end");
      const before = await writeOk(
        store,
        bookOn(c.newUser(), c.newId(), room, h(9, 30), { after: 30 }),
        "09:30–10:00 +30, up to its start",
      );
      // 11:45–12:15 touches 11:15–11:45 by its times, but its 15 minutes before reach back into it.
      await expectOutcome(
        store,
        bookOn(c.newUser(), c.newId(), room, h(11, 45), { before: 15 }),
        full(after),
        "11:45–12:15 with 15 before: its own buffer collides",
      );
      // 09:00–09:20 with 10 after ends where 09:30 starts: it fits.
      const earliest = await writeOk(
        store,
        bookOn(c.newUser(), c.newId(), room, h(9), { minutes: 20, after: 10 }),
        "09:00–09:20 +10",
      );
      await expectOccupants(store, room, [earliest, before, first, after], "what fits");
    },
  ),

  semantics(
    "capacity counts the records at each instant: two fit, a third at an instant both occupy does not",
    async (store, c) => {
      // Two overlapping records fill 10:30–11:00; a third there is refused, one elsewhere is not.
      const hall = c.newId("hall");
      const two = { capacity: 2, minutes: 60 };
      const x = await writeOk(store, bookOn(c.newUser(), c.newId(), hall, h(10), two), "10:00–11:00");
      const y = await writeOk(store, bookOn(c.newUser(), c.newId(), hall, h(10, 30), two), "10:30–11:30");
      await expectOutcome(
        store,
        bookOn(c.newUser(), c.newId(), hall, h(10, 45), { capacity: 2, minutes: 5 }),
        full(x),
        "10:45–10:50, where both are",
      );
      await expectOutcome(
        store,
        bookOn(c.newUser(), c.newId(), hall, h(9), { capacity: 2, minutes: 100 }),
        full(x),
        "09:00–10:40: free at its start, full from 10:30",
      );
      const z = await writeOk(
        store,
        bookOn(c.newUser(), c.newId(), hall, h(11), { capacity: 2, minutes: 60 }),
        "11:00–12:00: with y only",
      );

      // Two records that do not overlap each other: a third overlapping each, at different instants, fits.
      const room = c.newId("room");
      const p = await writeOk(store, bookOn(c.newUser(), c.newId(), room, h(10), two), "10:00–11:00");
      const q = await writeOk(store, bookOn(c.newUser(), c.newId(), room, h(11), two), "11:00–12:00");
      const s = await writeOk(
        store,
        bookOn(c.newUser(), c.newId(), room, h(10, 30), two),
        "10:30–11:30: never more than one other at once",
      );
      // Now 10:30–11:00 holds p and s, 11:00–11:30 holds s and q.
      await expectOutcome(
        store,
        bookOn(c.newUser(), c.newId(), room, h(11, 10), { capacity: 2, minutes: 10 }),
        full(s),
        "11:10–11:20: s (from 10:30) and q (from 11:00); s starts first",
      );
      await expectOutcome(
        store,
        bookOn(c.newUser(), c.newId(), room, h(9), { capacity: 2, minutes: 100 }),
        full(p),
        "09:00–10:40: full from 10:30",
      );
      const last = await writeOk(
        store,
        bookOn(c.newUser(), c.newId(), room, h(12), { capacity: 2 }),
        "12:00–12:30, after q: one more fits",
      );
      // The capacity is the claim's: the same records with a capacity of 3 leave room.
      const third = await writeOk(
        store,
        bookOn(c.newUser(), c.newId(), room, h(10, 45), { capacity: 3, minutes: 5 }),
        "10:45–10:50 with capacity 3",
      );
      await expectOccupants(store, hall, [x, y, z], "the hall");
      await expectOccupants(store, room, [p, s, third, q, last], "the room");
    },
  ),

  semantics(
    "names, at the first full instant, its earliest occupant by span start, then user id, then id",
    async (store, c) => {
      // k ends before l and m overlap: the first full instant is 10:30, where l is the earliest.
      const room = c.newId("room");
      const two = { capacity: 2 };
      const k = await writeOk(store, bookOn(c.newUser(), c.newId(), room, h(9), { ...two, minutes: 50 }), "09:00");
      const m = await writeOk(store, bookOn(c.newUser(), c.newId(), room, h(10, 30), { ...two, minutes: 60 }), "10:30");
      const l = await writeOk(store, bookOn(c.newUser(), c.newId(), room, h(10), { ...two, minutes: 60 }), "10:00");
      const wide = claimAt(room, h(9, 45), { capacity: 2, minutes: 90 });
      const request = bookRequest(c.newUser(), c.newId(), timesAt(h(9, 45), { minutes: 90 }), { resource: wide });
      await expectOutcome(store, request, full(l), "09:45–11:15: full at 10:30 only, where l is earliest (not k)");
      // What availability computes from the listed records is what the store answered.
      const listed = (await store.listResourceAppointments(room, {})).map(plainRecord);
      assert.deepEqual(listed, [k, l, m], "listed by span start");
      assert.deepEqual(resourceConflict(listed, wide, AT), l, "resourceConflict agrees");

      // One span start: the lower user id, whichever was booked first.
      const hall = c.newId("hall");
      const zeta = await writeOk(store, bookOn(c.newUser("zeta"), c.newId(), hall, h(10), two), "zeta at 10:00");
      const alpha = await writeOk(store, bookOn(c.newUser("alpha"), c.newId(), hall, h(10), two), "alpha at 10:00");
      await expectOutcome(store, bookOn(c.newUser(), c.newId(), hall, h(10), two), full(alpha), "the lower user id");
      await expectOccupants(store, hall, [alpha, zeta], "ordered by user id");

      // One span start and one user: the lower id.
      const desk = c.newId("desk");
      const user = c.newUser();
      const prefix = c.newId();
      const b = await writeOk(store, bookOn(user, `${prefix}-b`, desk, h(10), two), "b");
      const a = await writeOk(store, bookOn(user, `${prefix}-a`, desk, h(10), two), "a");
      await expectOutcome(store, bookOn(c.newUser(), c.newId(), desk, h(10), two), full(a), "the lower id");
      await expectOccupants(store, desk, [a, b], "ordered by id");

      // An earlier span start wins over a lower user id.
      const lab = c.newId("lab");
      const late = await writeOk(store, bookOn(c.newUser("aaa"), c.newId(), lab, h(10, 10), two), "aaa at 10:10");
      const early = await writeOk(
        store,
        bookOn(c.newUser("zzz"), c.newId(), lab, h(10), { ...two, before: 5 }),
        "zzz at 10:00, from 09:55",
      );
      await expectOutcome(store, bookOn(c.newUser(), c.newId(), lab, h(10, 15), two), full(early), "span start first");
      await expectOccupants(store, lab, [early, late], "ordered by span start");
    },
  ),

  semantics(
    "collides across users and within one, never across resources, and finds a candidate on the window's start",
    async (store, c) => {
      const room = c.newId("room");
      const other = c.newId("room");
      const user = c.newUser();
      const mine = await writeOk(store, bookOn(user, c.newId(), room, h(10)), "10:00 in the room");
      await expectOutcome(store, bookOn(c.newUser(), c.newId(), room, h(10)), full(mine), "another user, same room");
      await expectOutcome(store, bookOn(user, c.newId(), room, h(10, 15)), full(mine), "the same user, same room");
      await writeOk(store, bookOn(c.newUser(), c.newId(), other, h(10)), "another room at the same time");
      await writeOk(store, bookOn(user, c.newId(), c.newId("room"), h(10, 15)), "the same user in a third room");
      await writeOk(store, bookRequest(c.newUser(), c.newId(), timesAt(h(10))), "no room at all");
      // A resource id is compared exactly: one differing in case or by a prefix is another resource.
      await writeOk(store, bookOn(c.newUser(), c.newId(), room.toUpperCase(), h(10)), "the id in upper case");
      await writeOk(store, bookOn(c.newUser(), c.newId(), `${room}-2`, h(10)), "an id the room's is a prefix of");
      // The window is where span starts may lie, from its first instant on.
      const within = { fromMs: h(10), toMs: h(10, 30) };
      await expectOutcome(
        store,
        bookOn(c.newUser(), c.newId(), room, h(10, 20), { within }),
        full(mine),
        "a window starting on the occupant's span start",
      );
    },
  ),

  semantics(
    "a move claims without counting itself and frees its old span; a cancelled record frees the resource",
    async (store, c) => {
      const room = c.newId("room");
      const user = c.newUser();
      const booked = await writeOk(store, bookOn(user, c.newId(), room, h(10), { minutes: 60 }), "10:00–11:00");
      const moved = await writeOk(
        store,
        moveOn(user, booked.id, room, h(10, 30), { minutes: 60 }),
        "to 10:30–11:30, overlapping where it was",
      );
      assert.deepEqual(moved.resource, { resourceId: room, fromMs: h(10, 30), toMs: h(11, 30) }, "the new span");
      const neighbour = c.newUser();
      await writeOk(store, bookOn(neighbour, c.newId(), room, h(10)), "10:00–10:30, where it was");
      await expectOutcome(store, bookOn(neighbour, c.newId(), room, h(11)), full(moved), "11:00, where it is now");

      // A move refused for the resource writes nothing.
      const other = await writeOk(store, bookOn(neighbour, c.newId(), room, h(13)), "13:00–13:30");
      const refused = moveOn(user, booked.id, room, h(13, 15), {}, { atMs: AT + MINUTE });
      await expectOutcome(store, refused, full(other), "a move onto another's span");
      await expectRecords(store, user, [moved], "a refused move changes nothing");
      assert.equal((await changesOf(store, user)).length, 2, "and appends no event");

      // Cancelled, the other frees the room: the same move now fits.
      await writeOk(store, cancelRequest(neighbour, other.id), "the other cancels");
      const later = await writeOk(store, refused, "the move, once the room is free");
      assert.deepEqual(later.resource, { resourceId: room, fromMs: h(13, 15), toMs: h(13, 45) }, "moved");
      // Cancelled after its start too: a resource counts booked records only (unlike a limit period).
      const used = await writeOk(store, bookOn(neighbour, c.newId(), room, h(15)), "15:00–15:30");
      await writeOk(store, cancelRequest(neighbour, used.id, null, { atMs: h(15, 10) }), "cancelled at 15:10");
      await writeOk(store, bookOn(c.newUser(), c.newId(), room, h(15)), "15:00 again");

      // A move to another resource, or to none, frees the first.
      await writeOk(store, moveOn(user, booked.id, c.newId("room"), h(13, 15)), "to another room");
      await writeOk(store, bookOn(c.newUser(), c.newId(), room, h(13, 15)), "13:15 in the first room");
      const second = await writeOk(store, bookOn(user, c.newId(), room, h(17)), "17:00–17:30");
      await writeOk(store, moveRequest(user, second.id, timesAt(h(17))), "the same times, without the room");
      await writeOk(store, bookOn(c.newUser(), c.newId(), room, h(17)), "17:00 in the room");
    },
  ),

  semantics(
    "lists a resource's spans that overlap the range also when they start before it, with candidatesStartFrom a bound",
    async (store, c) => {
      const room = c.newId("room");
      // A long span from 06:00 to 12:00 (a day-long buffer would do as well), and one within the range.
      const two = { capacity: 2 };
      const long = await writeOk(
        store,
        bookOn(c.newUser(), c.newId(), room, h(6), { ...two, minutes: 360 }),
        "06:00–12:00",
      );
      const short = await writeOk(store, bookOn(c.newUser(), c.newId(), room, h(11), two), "11:00–11:30");
      await writeOk(store, bookOn(c.newUser(), c.newId(), room, h(5), two), "05:00–05:30, before it");
      const range = { fromMs: h(10), toMs: h(13) };
      const plain = (await store.listResourceAppointments(room, range)).map(plainRecord);
      assert.deepEqual(plain, [long, short], "the spans overlapping 10:00–13:00");
      for (const candidatesStartFrom of [h(6), h(0), h(6) - 7 * HOUR * 24]) {
        const hinted = await store.listResourceAppointments(room, { ...range, candidatesStartFrom });
        assert.deepEqual(hinted.map(plainRecord), plain, `the same with candidatesStartFrom ${candidatesStartFrom}`);
      }
      // A claim sees the long span that began hours before it, as a listing does: full at 11:00, and the
      // earliest occupant (by span start) is the long one.
      const third = bookOn(c.newUser(), c.newId(), room, h(11), two);
      await expectOutcome(store, third, full(long), "11:00 with 06:00–12:00 and 11:00–11:30 there");
    },
  ),

  semantics(
    "checks the user's limit and overlap before the resource: limit-reached, then overlap, then resource-full",
    async (store, c) => {
      const room = c.newId("room");
      const user = c.newUser();
      const taken = await writeOk(store, bookOn(c.newUser(), c.newId(), room, h(10)), "another user at 10:00");
      const own = await writeOk(store, bookRequest(user, c.newId(), timesAt(h(10))), "the user's own at 10:00");
      const day = localDay(D);
      await expectOutcome(
        store,
        bookOn(user, c.newId(), room, h(10), {}, { periods: [day], limit: 1, noOverlap: true }),
        { status: "limit-reached", conflicting: own, replayed: false },
        "all three: the limit",
      );
      await expectOutcome(
        store,
        bookOn(user, c.newId(), room, h(10), {}, { noOverlap: true }),
        { status: "overlap", conflicting: own, replayed: false },
        "overlap and resource: the overlap",
      );
      await expectOutcome(store, bookOn(user, c.newId(), room, h(10)), full(taken), "the resource alone");
    },
  ),

  semantics(
    "refuses a move of another version with stale, writing nothing; no expectedVersion checks none",
    async (store, c) => {
      const room = c.newId("room");
      const user = c.newUser();
      const booked = await writeOk(store, bookOn(user, c.newId(), room, h(10)), "version 1");
      await expectOutcome(
        store,
        moveOn(user, booked.id, room, h(11), {}, { expectedVersion: 2 }),
        { status: "stale", record: booked, replayed: false },
        "expected 2, is 1",
      );
      await expectOutcome(
        store,
        moveOn(user, booked.id, room, h(11), {}, { expectedVersion: 0 }),
        { status: "stale", record: booked, replayed: false },
        "expected 0, is 1",
      );
      await expectRecords(store, user, [booked], "stale writes nothing");
      assert.equal((await changesOf(store, user)).length, 1, "and appends no event");
      const moved = await writeOk(
        store,
        moveOn(user, booked.id, room, h(11), {}, { expectedVersion: 1 }),
        "expected 1, is 1",
      );
      await expectOutcome(
        store,
        moveOn(user, booked.id, room, h(12), {}, { expectedVersion: 1 }),
        { status: "stale", record: moved, replayed: false },
        "the same move again: the record is at version 2 now",
      );
      // Stale comes before the occupancy and the resource: nothing is checked against a record that changed.
      const blocker = await writeOk(store, bookOn(c.newUser(), c.newId(), room, h(14)), "another user at 14:00");
      await expectOutcome(
        store,
        moveOn(user, booked.id, room, h(14), {}, { expectedVersion: 1 }),
        { status: "stale", record: moved, replayed: false },
        "stale and resource-full: stale",
      );
      await expectOutcome(
        store,
        moveOn(user, booked.id, room, h(14), {}, { expectedVersion: 2 }),
        full(blocker),
        "the right version, the room full",
      );
      const free = await writeOk(
        store,
        moveOn(user, booked.id, room, h(15), {}, { expectedVersion: null }),
        "expectedVersion null",
      );
      assert.equal(free.version, 3, "moved without a check");
      // A cancelled record answers not-booked, whatever version was expected.
      await writeOk(store, cancelRequest(user, booked.id), "cancelled");
      const cancelled = await recordOf(store, user, booked.id);
      assert.ok(cancelled);
      await expectOutcome(
        store,
        moveOn(user, booked.id, room, h(16), {}, { expectedVersion: 1 }),
        { status: "not-booked", record: cancelled, replayed: false },
        "not-booked before stale",
      );
    },
  ),

  semantics(
    "keeps resource-full and stale under an idempotency key and replays them, also once the resource is free",
    async (store, c) => {
      const room = c.newId("room");
      const holder = c.newUser();
      const taken = await writeOk(store, bookOn(holder, c.newId(), room, h(10)), "10:00");
      const user = c.newUser();
      const request = bookOn(user, c.newId(), room, h(10), {}, { idempotency: claim(c.newId("key")) });
      await expectOutcome(store, request, full(taken), "refused under a key");
      await writeOk(store, cancelRequest(holder, taken.id, null, { atMs: AT + MINUTE }), "the room frees");
      await expectOutcome(
        store,
        { ...request, atMs: AT + 2 * MINUTE },
        { status: "resource-full", conflicting: taken, replayed: true },
        "the retry: the first outcome, naming the record as it was then",
      );
      await expectRecords(store, user, [], "nothing written by the retry");
      await writeOk(store, { ...request, idempotency: claim(c.newId("key")) }, "a new key: written");

      const mine = await writeOk(store, bookOn(user, c.newId(), c.newId("room"), h(12)), "12:00");
      const stale = moveOn(user, mine.id, room, h(13), {}, { expectedVersion: 7, idempotency: claim(c.newId("key")) });
      await expectOutcome(store, stale, { status: "stale", record: mine, replayed: false }, "stale under a key");
      await expectOutcome(
        store,
        { ...stale, atMs: AT + 3 * MINUTE },
        { status: "stale", record: mine, replayed: true },
        "stale replayed",
      );
    },
  ),

  semantics(
    "lists a resource's booked records of every user by span, ordered by span start, user id and id, limited",
    async (store, c) => {
      const room = c.newId("room");
      const [alpha, beta] = [c.newUser("alpha"), c.newUser("beta")];
      const roomy = { capacity: 5 };
      // b1 ends at 10:00 by its buffer; a2 starts at 12:00 by its buffer, its appointment at 12:30.
      const b1 = await writeOk(store, bookOn(beta, c.newId(), room, h(9), { ...roomy, after: 30 }), "09:00–10:00");
      const a1 = await writeOk(store, bookOn(alpha, c.newId(), room, h(10, 30), roomy), "alpha 10:30");
      const b2 = await writeOk(store, bookOn(beta, c.newId(), room, h(10, 30), roomy), "beta 10:30");
      const a2 = await writeOk(store, bookOn(alpha, c.newId(), room, h(12, 30), { ...roomy, before: 30 }), "12:00");
      const gone = await writeOk(store, bookOn(alpha, c.newId(), room, h(11), roomy), "11:00, then cancelled");
      await writeOk(store, cancelRequest(alpha, gone.id), "cancelled: not listed");
      await writeOk(store, bookOn(alpha, c.newId(), c.newId("room"), h(11), roomy), "another room: not listed");
      await writeOk(store, bookRequest(beta, c.newId(), timesAt(h(11))), "no room: not listed");

      const list = async (query: { fromMs?: number; toMs?: number; limit?: number }) =>
        (await store.listResourceAppointments(room, query)).map(plainRecord);
      assert.deepEqual(await list({}), [b1, a1, b2, a2], "all: span start, then user id");
      assert.deepEqual(await list({ fromMs: h(10) }), [a1, b2, a2], "from 10:00: a span ending at 10:00 is out");
      assert.deepEqual(await list({ fromMs: h(9, 59) }), [b1, a1, b2, a2], "from 09:59: its buffer is in");
      assert.deepEqual(await list({ toMs: h(12) }), [b1, a1, b2], "to 12:00: a span starting at 12:00 is out");
      assert.deepEqual(await list({ toMs: h(12, 1) }), [b1, a1, b2, a2], "to 12:01: a buffer before is in");
      assert.deepEqual(await list({ fromMs: h(10, 45), toMs: h(11, 30) }), [a1, b2], "10:45–11:30");
      assert.deepEqual(await list({ fromMs: h(11), toMs: h(12) }), [], "11:00–12:00: only the cancelled one");
      assert.deepEqual(await list({ limit: 2 }), [b1, a1], "the first two");
      assert.deepEqual(await list({ fromMs: h(10), limit: 1 }), [a1], "the first one from 10:00");
      assert.deepEqual(await list({ fromMs: h(8), toMs: h(13), limit: 10 }), [b1, a1, b2, a2], "a generous limit");
      assert.deepEqual(await store.listResourceAppointments(c.newId("room"), {}), [], "a resource never booked");
      // Moved, a record is listed at its new span.
      const moved = await writeOk(store, moveOn(alpha, a1.id, room, h(8), roomy), "alpha's 10:30 to 08:00");
      assert.deepEqual(await list({}), [moved, b1, b2, a2], "the moved record by its new span");
    },
  ),
];
