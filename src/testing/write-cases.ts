/**
 * What `write` does to records, as examples: the record each change builds, the refusals of steps 2
 * (`not-found`, `not-booked`, `id-taken`) and their place before the occupancy, users kept apart, and
 * values kept exactly.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { JsonObject } from "../model/json.js";
import type { AppointmentRecord, WriteRequest } from "../store/appointment-store.js";
import { inGroup, type StoreContractCase } from "./contract-case.js";
import { changesOf, expectChanges, expectOutcome, expectRecords, recordOf, writeOk } from "./expectations.js";
import { plainRecord } from "./records.js";
import {
  AT,
  bookRequest,
  cancelRequest,
  DAY,
  HOUR,
  localDay,
  MINUTE,
  midnightOf,
  moveRequest,
  T0,
  timesAt,
} from "./requests.js";

const semantics = inGroup("semantics");

/** Nested JSON of every kind, with keys and strings a naive encoding or copy mangles. */
const METADATA: JsonObject = {
  room: "B-12",
  attendees: [
    { name: "Zoë", confirmed: true },
    { name: "東京 🙂", confirmed: false },
  ],
  price: { amount: 12.5, currency: "EUR", discount: -0.25 },
  notes: null,
  tags: [],
  extra: {},
  'key with "quotes" and \\ slash': "line\nbreak\ttab",
  big: 9_007_199_254_740_991,
  // An own property named `__proto__`, as JSON.parse makes it: data, not a prototype to set.
  ["__proto__"]: { own: true },
};

/** Changes a record as a careless caller might: its metadata and its history. A frozen record refuses. */
function mutate(record: AppointmentRecord | null): void {
  const loose = record as {
    metadata: { list?: number[]; nested?: { a: string } } | null;
    previousTimes: unknown;
  } | null;
  const attempts = [
    () => loose?.metadata?.list?.push(4),
    () => {
      if (loose?.metadata?.nested) loose.metadata.nested.a = "mutated by the caller";
    },
    () => Array.isArray(loose?.previousTimes) && loose.previousTimes.push({ startMs: 0, endMs: 0, movedAtMs: 0 }),
  ];
  for (const attempt of attempts) {
    try {
      attempt();
    } catch {
      // Frozen: the store protects its copy that way.
    }
  }
}

/** The record the contract says a `book` builds. */
function booked(request: WriteRequest): AppointmentRecord {
  assert.ok(request.change.type === "book");
  const { times, metadata, id, resource, appointmentType } = request.change;
  return {
    id,
    userId: request.userId,
    status: "booked",
    version: 1,
    ...times,
    createdAtMs: request.atMs,
    updatedAtMs: request.atMs,
    cancelledAtMs: null,
    cancellationReason: null,
    previousTimes: [],
    metadata,
    resource:
      resource && !("anyOf" in resource)
        ? { resourceId: resource.resourceId, fromMs: resource.fromMs, toMs: resource.toMs }
        : null,
    appointmentType: appointmentType ?? null,
    holdExpiresAtMs: null,
  };
}

export const writeCases: StoreContractCase[] = [
  semantics("books the record the contract builds, returned alike by write, get and list", async (store, c) => {
    const user = c.newUser();
    // Local times 2 hours ahead of the instants, as in a zone at UTC+2: the store keeps both exactly.
    const times = timesAt(T0, { offsetMinutes: 120 });
    const request = bookRequest(user, c.newId(), times, { metadata: METADATA, atMs: AT + 1234 });
    const expected = booked(request);
    await expectOutcome(store, request, { status: "written", record: expected, replayed: false }, "a booking");
    assert.deepEqual(await recordOf(store, user, expected.id), expected, "getAppointment returns the booked record");
    assert.deepEqual(
      (await store.listAppointments(user, {})).map(plainRecord),
      [expected],
      "listAppointments returns the booked record",
    );
    // Without metadata: null, not {} or a missing field.
    const bare = bookRequest(user, c.newId(), timesAt(T0 + HOUR));
    await expectOutcome(store, bare, { status: "written", record: booked(bare), replayed: false }, "no metadata");
  }),

  semantics(
    "keeps its own copy: changing a request or a returned record afterwards changes nothing",
    async (store, c) => {
      const user = c.newUser();
      const metadata = { list: [1, 2], nested: { a: "b" } };
      const times = { ...timesAt(T0) };
      const request = bookRequest(user, c.newId(), times, { metadata });
      // What the store must keep: the request as it was when written.
      const expected = structuredClone(booked(request));
      const result = await store.write(request);
      assert.equal(result.status, "written");
      // The caller reuses its objects…
      metadata.list.push(3);
      metadata.nested.a = "changed";
      (times as { startMs: number }).startMs = 0;
      // …and changes what it got back, from write and from get.
      if (result.status === "written") mutate(result.record);
      mutate(await store.getAppointment(user, expected.id));
      assert.deepEqual(await recordOf(store, user, expected.id), expected, "the stored record is the store's own copy");
    },
  ),

  semantics(
    "moves a record: same id, new times, the old ones appended to previousTimes, version + 1",
    async (store, c) => {
      const user = c.newUser();
      const request = bookRequest(user, c.newId(), timesAt(T0), { metadata: { note: "kept" } });
      const original = booked(request);
      await writeOk(store, request, "the booking");
      // Moved twice, the second time into a zone 5:30 ahead (the user travelled): local times are the new ones.
      const firstTimes = timesAt(T0 + 2 * HOUR, { minutes: 45 });
      const secondTimes = timesAt(T0 + 26 * HOUR, { offsetMinutes: 330 });
      const first: AppointmentRecord = {
        ...original,
        ...firstTimes,
        version: 2,
        updatedAtMs: AT + MINUTE,
        previousTimes: [{ startMs: T0, endMs: T0 + 30 * MINUTE, movedAtMs: AT + MINUTE }],
      };
      const second: AppointmentRecord = {
        ...first,
        ...secondTimes,
        version: 3,
        updatedAtMs: AT + 2 * MINUTE,
        previousTimes: [
          ...first.previousTimes,
          { startMs: T0 + 2 * HOUR, endMs: T0 + 2 * HOUR + 45 * MINUTE, movedAtMs: AT + 2 * MINUTE },
        ],
      };
      await expectOutcome(
        store,
        moveRequest(user, original.id, firstTimes, { atMs: AT + MINUTE }),
        { status: "written", record: first, replayed: false },
        "the first move",
      );
      await expectOutcome(
        store,
        moveRequest(user, original.id, secondTimes, { atMs: AT + 2 * MINUTE }),
        { status: "written", record: second, replayed: false },
        "the second move",
      );
      await expectRecords(store, user, [second], "after two moves, one record under its first id");
    },
  ),

  semantics(
    "cancels a record: kept, with status cancelled, its reason, cancelledAtMs and version + 1",
    async (store, c) => {
      const user = c.newUser();
      const request = bookRequest(user, c.newId(), timesAt(T0));
      const original = booked(request);
      await writeOk(store, request, "the booking");
      const cancelled: AppointmentRecord = {
        ...original,
        status: "cancelled",
        version: 2,
        updatedAtMs: AT + 5 * MINUTE,
        cancelledAtMs: AT + 5 * MINUTE,
        cancellationReason: "changed plans",
      };
      await expectOutcome(
        store,
        cancelRequest(user, original.id, "changed plans", { atMs: AT + 5 * MINUTE }),
        { status: "written", record: cancelled, replayed: false },
        "a cancel with a reason",
      );
      assert.deepEqual(await recordOf(store, user, original.id), cancelled, "getAppointment returns cancelled records");
      // A moved record keeps its history when cancelled; a null reason stays null.
      const movedRequest = bookRequest(user, c.newId(), timesAt(T0 + HOUR));
      await writeOk(store, movedRequest, "the second booking");
      const moved = await writeOk(store, moveRequest(user, movedRequest.change.id, timesAt(T0 + 3 * HOUR)), "the move");
      await expectOutcome(
        store,
        cancelRequest(user, moved.id, null, { atMs: AT + 9 * MINUTE }),
        {
          status: "written",
          record: {
            ...moved,
            status: "cancelled",
            version: 3,
            updatedAtMs: AT + 9 * MINUTE,
            cancelledAtMs: AT + 9 * MINUTE,
            cancellationReason: null,
          },
          replayed: false,
        },
        "a cancel without a reason, after a move",
      );
    },
  ),

  semantics(
    "answers not-found for a move or cancel of an id the user does not have, writing nothing",
    async (store, c) => {
      const [user, other] = [c.newUser(), c.newUser("other")];
      const foreign = await writeOk(store, bookRequest(other, c.newId(), timesAt(T0)), "the other user's booking");
      for (const id of [c.newId("never"), foreign.id]) {
        const what = id === foreign.id ? "another user's id" : "an id never booked";
        await expectOutcome(
          store,
          moveRequest(user, id, timesAt(T0 + HOUR)),
          { status: "not-found", replayed: false },
          `a move of ${what}`,
        );
        await expectOutcome(
          store,
          cancelRequest(user, id, "x"),
          { status: "not-found", replayed: false },
          `a cancel of ${what}`,
        );
      }
      await expectRecords(store, user, [], "nothing written");
      await expectChanges(store, user, [], "no event");
      await expectRecords(store, other, [foreign], "the other user's record untouched");
    },
  ),

  semantics(
    "answers too-late, with the record, for a move or cancel of a record starting before earliestStartMs, writing nothing",
    async (store, c) => {
      const user = c.newUser();
      const record = await writeOk(store, bookRequest(user, c.newId(), timesAt(T0)), "the booking");
      const late = { earliestStartMs: T0 + 1, atMs: AT + HOUR };
      await expectOutcome(
        store,
        cancelRequest(user, record.id, "late", late),
        { status: "too-late", record, replayed: false },
        "a cancel that requires a later start",
      );
      await expectOutcome(
        store,
        moveRequest(user, record.id, timesAt(T0 + DAY), late),
        { status: "too-late", record, replayed: false },
        "a move that requires a later start",
      );
      await expectRecords(store, user, [record], "the record unchanged");
      assert.equal((await changesOf(store, user)).length, 1, "one event: the booking");
      const moved = await writeOk(
        store,
        moveRequest(user, record.id, timesAt(T0 + DAY), { earliestStartMs: T0, atMs: AT + HOUR }),
        "a move whose earliestStartMs is the start itself",
      );
      await expectOutcome(
        store,
        cancelRequest(user, record.id, null, { earliestStartMs: T0 + 1, atMs: AT + 2 * HOUR }),
        {
          status: "written",
          record: {
            ...moved,
            status: "cancelled",
            version: 3,
            updatedAtMs: AT + 2 * HOUR,
            cancelledAtMs: AT + 2 * HOUR,
            cancellationReason: null,
          },
          replayed: false,
        },
        "the check reads the start as it is now, after the move",
      );
    },
  ),

  semantics(
    "answers not-booked, with the record, for a move or cancel of a cancelled record, writing nothing",
    async (store, c) => {
      const user = c.newUser();
      const record = await writeOk(store, bookRequest(user, c.newId(), timesAt(T0)), "the booking");
      const cancelled = await writeOk(store, cancelRequest(user, record.id, "first"), "the cancel");
      await expectOutcome(
        store,
        cancelRequest(user, record.id, "second", { atMs: AT + HOUR }),
        { status: "not-booked", record: cancelled, replayed: false },
        "a second cancel",
      );
      await expectOutcome(
        store,
        moveRequest(user, record.id, timesAt(T0 + HOUR), { atMs: AT + HOUR }),
        { status: "not-booked", record: cancelled, replayed: false },
        "a move of a cancelled record",
      );
      await expectRecords(store, user, [cancelled], "the cancelled record unchanged");
      assert.equal((await changesOf(store, user)).length, 2, "two events: the booking and the cancel");
    },
  ),

  semantics("answers id-taken for a booking whose id the user already has, booked or cancelled", async (store, c) => {
    const user = c.newUser();
    const id = c.newId();
    const record = await writeOk(store, bookRequest(user, id, timesAt(T0)), "the booking");
    const again = bookRequest(user, id, timesAt(T0 + 5 * HOUR), { metadata: { other: true }, atMs: AT + HOUR });
    await expectOutcome(store, again, { status: "id-taken", replayed: false }, "a second booking of the id");
    await expectRecords(store, user, [record], "id-taken writes nothing");
    const cancelled = await writeOk(store, cancelRequest(user, id), "the cancel");
    await expectOutcome(store, again, { status: "id-taken", replayed: false }, "a booking of a cancelled record's id");
    await expectRecords(store, user, [cancelled], "id-taken writes nothing");
    assert.equal((await changesOf(store, user)).length, 2, "no event for id-taken");
  }),

  semantics(
    "answers id-taken wherever the record with the id lies, also far outside the change's windows and periods",
    async (store, c) => {
      const user = c.newUser();
      const id = c.newId();
      const record = await writeOk(store, bookRequest(user, id, timesAt(Date.UTC(1990, 0, 1, 9))), "a booking in 1990");
      // Windows and a period around T0 only, as the scheduler sends them: the 1990 record is in none of them
      // (it cannot collide), and a store must find the id all the same, not only among the candidates.
      const nearT0 = { fromMs: T0 - DAY, toMs: T0 + DAY };
      const again = bookRequest(user, id, timesAt(T0), {
        periods: [localDay(midnightOf(T0))],
        within: nearT0,
        endWithin: nearT0,
      });
      await expectOutcome(store, again, { status: "id-taken", replayed: false }, "the id again, in 2021");
      await expectRecords(store, user, [record], "id-taken writes nothing");
      assert.equal((await changesOf(store, user)).length, 1, "no event for id-taken");
    },
  ),

  semantics("checks a change's record (step 2) before its occupancy (step 3)", async (store, c) => {
    const user = c.newUser();
    const day = localDay(midnightOf(T0));
    const full = { periods: [day], limit: 1, noOverlap: true };
    const holder = await writeOk(store, bookRequest(user, c.newId(), timesAt(T0), full), "the holder of the day");
    const gone = await writeOk(store, bookRequest(user, c.newId(), timesAt(T0 + HOUR)), "a second booking");
    const cancelled = await writeOk(store, cancelRequest(user, gone.id), "its cancel");
    // Each of these would also collide with the holder: the state answers first.
    await expectOutcome(
      store,
      bookRequest(user, holder.id, timesAt(T0), full),
      { status: "id-taken", replayed: false },
      "a taken id into a full day",
    );
    await expectOutcome(
      store,
      moveRequest(user, c.newId(), timesAt(T0), full),
      { status: "not-found", replayed: false },
      "a move of an unknown id into a full day",
    );
    await expectOutcome(
      store,
      moveRequest(user, gone.id, timesAt(T0), full),
      { status: "not-booked", record: cancelled, replayed: false },
      "a move of a cancelled record into a full day",
    );
  }),

  semantics("keeps users apart: ids, limits, overlaps and lookups are per user", async (store, c) => {
    const [owner, other] = [c.newUser("owner"), c.newUser("other")];
    const id = c.newId();
    const occupancy = { periods: [localDay(midnightOf(T0))], limit: 1, noOverlap: true };
    const mine = await writeOk(store, bookRequest(owner, id, timesAt(T0), occupancy), "the owner's booking");
    // The same id, period and time are the other user's own: no id-taken, no limit, no overlap.
    const theirs = await writeOk(
      store,
      bookRequest(other, id, timesAt(T0), occupancy),
      "the other user's booking with the same id",
    );
    await expectRecords(store, owner, [mine], "the owner's records");
    await expectRecords(store, other, [theirs], "the other user's records");
    assert.equal(await store.getAppointment(c.newUser("third"), id), null, "a third user finds nothing under the id");
    const cancelled = await writeOk(store, cancelRequest(other, id), "the other user's cancel");
    assert.deepEqual(await recordOf(store, owner, id), mine, "cancelling the other user's record leaves the owner's");
    assert.equal(cancelled.userId, other);
  }),

  semantics("keeps long ids, unicode user ids, and instants far from today exactly", async (store, c) => {
    const user = `${c.newUser()}-Zoë-東京-🙂`;
    const at1900 = Date.UTC(1900, 0, 1);
    const requests = [
      bookRequest(user, c.newId().padEnd(255, "x"), timesAt(at1900, { offsetMinutes: -75 })),
      bookRequest(user, c.newId(), timesAt(Date.UTC(1969, 11, 31, 23, 30), { offsetMinutes: -300 })),
      bookRequest(user, c.newId(), timesAt(Date.UTC(2200, 11, 31, 12), { offsetMinutes: 840, minutes: 10 * 24 * 60 })),
    ];
    const records = [];
    for (const request of requests) records.push(await writeOk(store, request, `booking ${request.change.id}`));
    assert.deepEqual(records, requests.map(booked), "records exactly as built");
    await expectRecords(store, user, records, "far instants, negative ones included");
    const [first, second, third] = records as [AppointmentRecord, AppointmentRecord, AppointmentRecord];
    assert.deepEqual(await recordOf(store, user, first.id), first, "a 255-character id");
    // Negative instants compare as numbers: [-1 ms, 2201) holds the 1969 and 2200 records.
    assert.deepEqual(
      (await store.listAppointments(user, { fromMs: -1, toMs: Date.UTC(2201, 0, 1) })).map(plainRecord),
      [second, third],
      "a range across 1970",
    );
  }),

  semantics(
    "compares ids exactly: ids differing only in case, accents, normalization or trailing spaces differ",
    async (store, c) => {
      const base = c.newUser("Zo\u00eb");
      // "\u00eb" is NFC "ë"; NFD decomposes it: equal under Unicode normalization, different strings.
      const users = [base, base.toUpperCase(), base.normalize("NFD"), base.replace("\u00eb", "e"), `${base} `];
      assert.equal(new Set(users).size, users.length);
      // One record each, in the same period with limit 1: every booking is its user's first.
      const occupancy = { periods: [localDay(midnightOf(T0))], limit: 1 };
      const records: AppointmentRecord[] = [];
      for (const user of users)
        records.push(
          await writeOk(
            store,
            bookRequest(user, c.newId(), timesAt(T0), occupancy),
            `the booking of ${JSON.stringify(user)}`,
          ),
        );
      for (const record of records)
        await expectRecords(store, record.userId, [record], `the user ${JSON.stringify(record.userId)}`);
      const [first] = records as [AppointmentRecord];
      assert.equal(
        await store.getAppointment(first.userId, first.id.toUpperCase()),
        null,
        "record ids are case-sensitive",
      );
      assert.equal(await store.getAppointment(first.userId, `${first.id} `), null, "trailing spaces are significant");
      await expectOutcome(
        store,
        cancelRequest(first.userId, `${first.id} `),
        { status: "not-found", replayed: false },
        "a cancel of the id with a trailing space",
      );
    },
  ),
];
