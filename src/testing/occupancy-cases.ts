/**
 * Step 3 of `write`, as examples: which records hold a limit period (by local times, half-open), how many
 * may, which one is named, the overlap by instants, the limit before the overlap, what never counts (a
 * cancelled record, the record being moved), limits counted from the facts stored whatever periods booked
 * them, and the candidates window a store may search within.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { MsRange } from "../store/appointment-store.js";
import { inGroup, type StoreContractCase } from "./contract-case.js";
import { expectOutcome, expectRecords, writeOk } from "./expectations.js";
import {
  bookRequest,
  cancelRequest,
  DAY,
  HOUR,
  localDay,
  MINUTE,
  moveRequest,
  T0,
  timesAt,
  type WriteOptions,
} from "./requests.js";

const semantics = inGroup("semantics");

/** Local midnight of 2021-04-23: the period most examples fill. */
const D = Date.UTC(2021, 3, 23);
const DAY_23 = localDay(D);
const limitOne = (period: MsRange = DAY_23): WriteOptions => ({ periods: [period], limit: 1 });

export const occupancyCases: StoreContractCase[] = [
  semantics(
    "counts a period's holders by local times: localStartMs < toMs && localEndMs > fromMs",
    async (store, c) => {
      // A record holds the local date its wall clock shows, whatever date its instant falls on in UTC.
      const east = c.newUser("east");
      const lateInUtc = await writeOk(
        store,
        bookRequest(east, c.newId(), timesAt(D - 4 * HOUR, { offsetMinutes: 5 * 60 })),
        "20:00 UTC on the 22nd, 01:00 local on the 23rd",
      );
      await expectOutcome(
        store,
        bookRequest(east, c.newId(), timesAt(D + 12 * HOUR), limitOne()),
        { status: "limit-reached", conflicting: lateInUtc, replayed: false },
        "the 23rd is held by a record whose instant is on the 22nd: periods are local",
      );
      const west = c.newUser("west");
      await writeOk(
        store,
        bookRequest(west, c.newId(), timesAt(D + 10 * HOUR, { offsetMinutes: -12 * 60 })),
        "10:00 UTC on the 23rd, 22:00 local on the 22nd",
      );
      await writeOk(
        store,
        bookRequest(west, c.newId(), timesAt(D + 12 * HOUR), limitOne()),
        "the 23rd is free: the other record's local date is the 22nd",
      );

      // Both bounds are half-open: touching is not holding.
      const edges = c.newUser("edges");
      await writeOk(
        store,
        bookRequest(edges, c.newId(), timesAt(D - 30 * MINUTE)),
        "local 23:30–00:00, ending where the period starts",
      );
      await writeOk(
        store,
        bookRequest(edges, c.newId(), timesAt(D + DAY)),
        "local 00:00 on the 24th, starting where the period ends",
      );
      await writeOk(
        store,
        bookRequest(edges, c.newId(), timesAt(D + 12 * HOUR), limitOne()),
        "the period has no holder: neither touching record holds it",
      );
      const inside = c.newUser("inside");
      const lastMinute = await writeOk(
        store,
        bookRequest(inside, c.newId(), timesAt(D + DAY - MINUTE, { minutes: 1 })),
        "the period's last minute",
      );
      const firstMinute = await writeOk(
        store,
        bookRequest(inside, c.newId(), timesAt(D - 30 * MINUTE, { minutes: 30, localMinutes: 31 })),
        "a local end 1 minute into the period",
      );
      await expectOutcome(
        store,
        bookRequest(inside, c.newId(), timesAt(D + 12 * HOUR), { periods: [DAY_23], limit: 2 }),
        { status: "limit-reached", conflicting: firstMinute, replayed: false },
        "records inside the period by a minute at either end hold it",
      );
      assert.ok(lastMinute.startMs > firstMinute.startMs);
    },
  ),

  semantics(
    "refuses with limit-reached when `limit` records hold a period, naming the earliest holder",
    async (store, c) => {
      // Two holders with one start: the lower id is named, whichever was written first.
      const user = c.newUser();
      const prefix = c.newId();
      const b = await writeOk(store, bookRequest(user, `${prefix}-b`, timesAt(D + 9 * HOUR)), "b");
      const a = await writeOk(store, bookRequest(user, `${prefix}-a`, timesAt(D + 9 * HOUR)), "a");
      const request = bookRequest(user, c.newId(), timesAt(D + 15 * HOUR), { periods: [DAY_23], limit: 2 });
      await expectOutcome(
        store,
        request,
        { status: "limit-reached", conflicting: a, replayed: false },
        "the lower id of a tie",
      );
      await expectRecords(store, user, [a, b], "limit-reached writes nothing");

      // Days B and C are full, day A is not. Asked for [C, A, B], the store names the earliest holder of B or
      // C: not the earliest holder of the first full period in the request's order (C's), nor the earliest
      // holder of any period requested (A's).
      const other = c.newUser();
      const [dayA, dayB, dayC] = [localDay(D), localDay(D + DAY), localDay(D + 2 * DAY)];
      await writeOk(store, bookRequest(other, c.newId(), timesAt(D + HOUR)), "day A, 01:00");
      const earliestFull = await writeOk(
        store,
        bookRequest(other, c.newId(), timesAt(D + DAY + 14 * HOUR)),
        "day B, 14:00",
      );
      await writeOk(store, bookRequest(other, c.newId(), timesAt(D + DAY + 15 * HOUR)), "day B, 15:00");
      await writeOk(store, bookRequest(other, c.newId(), timesAt(D + 2 * DAY + 10 * HOUR)), "day C, 10:00");
      await writeOk(store, bookRequest(other, c.newId(), timesAt(D + 2 * DAY + 9 * HOUR)), "day C, 09:00");
      await expectOutcome(
        store,
        bookRequest(other, c.newId(), timesAt(D + 3 * DAY), { periods: [dayC, dayA, dayB], limit: 2 }),
        { status: "limit-reached", conflicting: earliestFull, replayed: false },
        "the earliest holder of any full period",
      );
    },
  ),

  semantics("allows `limit` holders per period and needs room in every period requested", async (store, c) => {
    const user = c.newUser();
    const three = { periods: [DAY_23], limit: 3 };
    for (let i = 0; i < 3; i++)
      await writeOk(store, bookRequest(user, c.newId(), timesAt(D + i * HOUR), three), `holder ${i + 1} of 3`);
    const refused = await store.write(bookRequest(user, c.newId(), timesAt(D + 5 * HOUR), three));
    assert.equal(refused.status, "limit-reached", "a fourth holder of a period with limit 3");
    // The next day has room, the 23rd does not: refused.
    const both = { periods: [localDay(D + DAY), DAY_23], limit: 3 };
    const refusedBoth = await store.write(bookRequest(user, c.newId(), timesAt(D + DAY), both));
    assert.equal(refusedBoth.status, "limit-reached", "room in one period is not enough");
    // A period requested twice is still one period: its two holders are not four.
    const other = c.newUser();
    const twice = { periods: [DAY_23, DAY_23], limit: 3 };
    for (let i = 0; i < 2; i++)
      await writeOk(
        store,
        bookRequest(other, c.newId(), timesAt(D + i * HOUR), { periods: [DAY_23], limit: 3 }),
        `holder ${i + 1}`,
      );
    await writeOk(
      store,
      bookRequest(other, c.newId(), timesAt(D + 5 * HOUR), twice),
      "a third holder, the period listed twice",
    );
    // No periods: never refused for a limit.
    await writeOk(
      store,
      bookRequest(user, c.newId(), timesAt(D + 6 * HOUR), { periods: [], limit: 1 }),
      "a booking without periods",
    );
  }),

  semantics("counts limits from the facts stored: records booked under other periods count", async (store, c) => {
    // Booked one a day (daily periods), then checked against a week: the records are counted by their
    // local times, whatever periods their own bookings were checked against.
    const user = c.newUser();
    const monday = Date.UTC(2021, 3, 19);
    const week = { fromMs: monday, toMs: monday + 7 * DAY };
    const mon = await writeOk(
      store,
      bookRequest(user, c.newId(), timesAt(monday + 9 * HOUR), limitOne(localDay(monday))),
      "Monday, under a daily limit",
    );
    await writeOk(
      store,
      bookRequest(user, c.newId(), timesAt(monday + DAY + 9 * HOUR), limitOne(localDay(monday + DAY))),
      "Tuesday, under a daily limit",
    );
    await expectOutcome(
      store,
      bookRequest(user, c.newId(), timesAt(monday + 3 * DAY), { periods: [week], limit: 2 }),
      { status: "limit-reached", conflicting: mon, replayed: false },
      "a weekly limit of 2 counts the two daily bookings",
    );
    await writeOk(
      store,
      bookRequest(user, c.newId(), timesAt(monday + 3 * DAY), { periods: [week], limit: 3 }),
      "a weekly limit of 3 has room",
    );
  }),

  semantics(
    "counts a record cancelled at or after its start toward the limit (its time was used), never toward an overlap",
    async (store, c) => {
      const user = c.newUser();
      const start = D + 9 * HOUR;
      const used = await writeOk(store, bookRequest(user, c.newId(), timesAt(start)), "the booking");
      const noShow = await writeOk(
        store,
        cancelRequest(user, used.id, "no-show", { atMs: start }),
        "cancelled at its start",
      );
      await expectOutcome(
        store,
        bookRequest(user, c.newId(), timesAt(start + 2 * HOUR), { ...limitOne(), atMs: start + HOUR }),
        { status: "limit-reached", conflicting: noShow, replayed: false },
        "the date it held is still full",
      );
      await writeOk(
        store,
        bookRequest(user, c.newId(), timesAt(start), { noOverlap: true, atMs: start + HOUR }),
        "its time is free of overlap: nobody attends a cancelled appointment",
      );
      const other = c.newUser();
      const early = await writeOk(store, bookRequest(other, c.newId(), timesAt(start)), "another booking");
      await writeOk(
        store,
        cancelRequest(other, early.id, null, { atMs: start - 1 }),
        "cancelled just before its start",
      );
      await writeOk(
        store,
        bookRequest(other, c.newId(), timesAt(start + 2 * HOUR), { ...limitOne(), atMs: start + HOUR }),
        "the date is free again: cancelled before its start",
      );
    },
  ),

  semantics("never counts a record cancelled before its start, toward a limit or an overlap", async (store, c) => {
    const user = c.newUser();
    const occupied = { ...limitOne(), noOverlap: true };
    const first = await writeOk(store, bookRequest(user, c.newId(), timesAt(D + 9 * HOUR), occupied), "the booking");
    await writeOk(store, cancelRequest(user, first.id), "its cancel");
    await writeOk(
      store,
      bookRequest(user, c.newId(), timesAt(D + 9 * HOUR), occupied),
      "the same period and time, once cancelled",
    );
  }),

  semantics(
    "never counts the record being moved: a move within its full period or onto its own time",
    async (store, c) => {
      const user = c.newUser();
      const occupied = { ...limitOne(), noOverlap: true };
      const record = await writeOk(
        store,
        bookRequest(user, c.newId(), timesAt(D + 9 * HOUR, { minutes: 60 }), occupied),
        "the booking",
      );
      await writeOk(
        store,
        moveRequest(user, record.id, timesAt(D + 15 * HOUR, { minutes: 60 }), occupied),
        "a move within its own full day",
      );
      const moved = await writeOk(
        store,
        moveRequest(user, record.id, timesAt(D + 15 * HOUR + 30 * MINUTE, { minutes: 60 }), occupied),
        "a move overlapping its own time",
      );
      // But another record still counts, and a refused move leaves the record where it was.
      const other = await writeOk(store, bookRequest(user, c.newId(), timesAt(D + DAY)), "a booking on the 24th");
      await expectOutcome(
        store,
        moveRequest(user, record.id, timesAt(D + DAY + 2 * HOUR), { ...limitOne(localDay(D + DAY)), noOverlap: true }),
        { status: "limit-reached", conflicting: other, replayed: false },
        "a move into another record's full day",
      );
      await expectRecords(store, user, [moved, other], "a refused move changes nothing");
    },
  ),

  semantics(
    "refuses an overlap by instants with noOverlap, naming the earliest, and allows it without",
    async (store, c) => {
      const user = c.newUser();
      const prefix = c.newId();
      const a = await writeOk(store, bookRequest(user, `${prefix}-b`, timesAt(T0, { minutes: 60 })), "09:00–10:00");
      const b = await writeOk(
        store,
        bookRequest(user, `${prefix}-a`, timesAt(T0 + 30 * MINUTE, { minutes: 60 })),
        "09:30–10:30, overlap allowed",
      );
      const noOverlap = { noOverlap: true };
      await expectOutcome(
        store,
        bookRequest(user, c.newId(), timesAt(T0 + 45 * MINUTE), noOverlap),
        { status: "overlap", conflicting: a, replayed: false },
        "overlapping two records, the earlier is named",
      );
      await expectOutcome(
        store,
        bookRequest(user, c.newId(), timesAt(T0 + 30 * MINUTE, { minutes: 10 }), noOverlap),
        { status: "overlap", conflicting: a, replayed: false },
        "overlapping two records, the earlier is named whatever the id",
      );
      await writeOk(
        store,
        bookRequest(user, c.newId(), timesAt(T0 + 90 * MINUTE), noOverlap),
        "10:30–11:00 touches, does not overlap",
      );
      await writeOk(
        store,
        bookRequest(user, c.newId(), timesAt(T0 - 30 * MINUTE), noOverlap),
        "08:30–09:00 touches, does not overlap",
      );
      // Instants decide, not local times: a record in another zone's wall clock at the same instant overlaps.
      await expectOutcome(
        store,
        bookRequest(user, c.newId(), timesAt(T0 + 70 * MINUTE, { minutes: 5, offsetMinutes: 600 }), noOverlap),
        { status: "overlap", conflicting: b, replayed: false },
        "an overlap of instants whose local times differ",
      );
      await writeOk(
        store,
        bookRequest(user, c.newId(), timesAt(T0 + 3 * HOUR, { offsetMinutes: -170 }), noOverlap),
        "local times overlapping, instants not",
      );
      await writeOk(
        store,
        bookRequest(user, c.newId(), timesAt(T0), { noOverlap: false }),
        "an overlap allowed by noOverlap: false",
      );
    },
  ),

  semantics("checks the limit before the overlap", async (store, c) => {
    const user = c.newUser();
    const held = await writeOk(store, bookRequest(user, c.newId(), timesAt(D + 9 * HOUR)), "the holder");
    await expectOutcome(
      store,
      bookRequest(user, c.newId(), timesAt(D + 9 * HOUR), { ...limitOne(), noOverlap: true }),
      { status: "limit-reached", conflicting: held, replayed: false },
      "both a full period and an overlap: limit-reached",
    );
  }),

  semantics(
    "finds every candidate within an exact candidatesStartWithin, and at its first millisecond",
    async (store, c) => {
      const user = c.newUser();
      const first = await writeOk(store, bookRequest(user, c.newId(), timesAt(D + 8 * HOUR)), "the first holder");
      const last = await writeOk(store, bookRequest(user, c.newId(), timesAt(D + 20 * HOUR)), "the last holder");
      // The exact window: from the first candidate's start to just after the last's.
      const exact = { fromMs: first.startMs, toMs: last.startMs + 1 };
      await expectOutcome(
        store,
        bookRequest(user, c.newId(), timesAt(D + 12 * HOUR), { periods: [DAY_23], limit: 2, within: exact }),
        { status: "limit-reached", conflicting: first, replayed: false },
        "holders at both ends of an exact window",
      );
      await expectOutcome(
        store,
        bookRequest(user, c.newId(), timesAt(D + 20 * HOUR + 15 * MINUTE), {
          noOverlap: true,
          within: { fromMs: last.startMs, toMs: last.startMs + 1 },
        }),
        { status: "overlap", conflicting: last, replayed: false },
        "an overlapping record starting at the window's first millisecond",
      );
      const wide = { fromMs: first.startMs - 30 * DAY, toMs: last.startMs + 30 * DAY };
      await expectOutcome(
        store,
        bookRequest(user, c.newId(), timesAt(D + 12 * HOUR), { periods: [DAY_23], limit: 2, within: wide }),
        { status: "limit-reached", conflicting: first, replayed: false },
        "a wide window",
      );
    },
  ),

  semantics(
    "finds every candidate within an exact candidatesEndWithin, and at its first millisecond",
    async (store, c) => {
      const user = c.newUser();
      const first = await writeOk(store, bookRequest(user, c.newId(), timesAt(D + 8 * HOUR)), "the first holder");
      const last = await writeOk(store, bookRequest(user, c.newId(), timesAt(D + 20 * HOUR)), "the last holder");
      // The exact end window: from the first candidate's end to just after the last's.
      const exact = { fromMs: first.endMs, toMs: last.endMs + 1 };
      await expectOutcome(
        store,
        bookRequest(user, c.newId(), timesAt(D + 12 * HOUR), { periods: [DAY_23], limit: 2, endWithin: exact }),
        { status: "limit-reached", conflicting: first, replayed: false },
        "holders at both ends of an exact end window",
      );
      await expectOutcome(
        store,
        bookRequest(user, c.newId(), timesAt(D + 20 * HOUR + 15 * MINUTE), {
          noOverlap: true,
          endWithin: { fromMs: last.endMs, toMs: last.endMs + 1 },
        }),
        { status: "overlap", conflicting: last, replayed: false },
        "an overlapping record ending at the end window's first millisecond",
      );
    },
  ),
];
