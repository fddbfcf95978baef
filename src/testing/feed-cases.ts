/**
 * The change feed, as examples: one event per committed change with the documented fields, none for a
 * write that did not commit, commit order (per user, and across users as their writes were awaited),
 * paging from a saved position, the user filter, and expiry that never removes a live event or key.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { AppointmentRecord } from "../store/appointment-store.js";
import { inGroup, type StoreContractCase } from "./contract-case.js";
import { changesOf, expectChanges, writeOk } from "./expectations.js";
import { anchorPosition, feedSettled, ofUsers, readAllChanges } from "./feed.js";
import { type ChangeFacts, plainChange } from "./records.js";
import {
  AT,
  bookRequest,
  cancelRequest,
  claim,
  DAY,
  HOUR,
  localDay,
  MINUTE,
  midnightOf,
  moveRequest,
  retriedAt,
  T0,
  timesAt,
} from "./requests.js";

const semantics = inGroup("semantics");

const booked = (record: AppointmentRecord, key: string | null = null): ChangeFacts => ({
  type: "booked",
  record,
  previous: null,
  idempotencyKey: key,
  atMs: record.updatedAtMs,
});

export const feedCases: StoreContractCase[] = [
  semantics(
    "appends one event per committed change: its type, the record after it, previous, key and atMs",
    async (store, c) => {
      const user = c.newUser();
      const [bookKey, cancelKey] = [c.newId("key"), c.newId("key")];
      const record = await writeOk(
        store,
        bookRequest(user, c.newId(), timesAt(T0), { idempotency: claim(bookKey) }),
        "the booking",
      );
      const moved = await writeOk(
        store,
        moveRequest(user, record.id, timesAt(T0 + HOUR, { offsetMinutes: 60 }), { atMs: AT + MINUTE }),
        "the move",
      );
      const cancelled = await writeOk(
        store,
        cancelRequest(user, record.id, "done", { idempotency: claim(cancelKey), atMs: AT + 2 * MINUTE }),
        "the cancel",
      );
      await expectChanges(
        store,
        user,
        [
          booked(record, bookKey),
          {
            type: "rescheduled",
            record: moved,
            previous: { startMs: T0, endMs: T0 + 30 * MINUTE },
            idempotencyKey: null,
            atMs: AT + MINUTE,
          },
          { type: "cancelled", record: cancelled, previous: null, idempotencyKey: cancelKey, atMs: AT + 2 * MINUTE },
        ],
        "a booking, a move and a cancel",
      );
    },
  ),

  semantics("appends nothing for a write that did not commit: refusals, replays, key-reused", async (store, c) => {
    const user = c.newUser();
    const day = { periods: [localDay(midnightOf(T0))], limit: 1, noOverlap: true };
    const key = c.newId("key");
    const keyed = bookRequest(user, c.newId(), timesAt(T0), { ...day, idempotency: claim(key, "a") });
    const holder = await writeOk(store, keyed, "the holder");
    const gone = await writeOk(store, bookRequest(user, c.newId(), timesAt(T0 + DAY)), "a second booking");
    await writeOk(store, cancelRequest(user, gone.id), "its cancel");
    const before = await changesOf(store, user);
    assert.equal(before.length, 3, "three events: two bookings and a cancel");
    const refused = [
      bookRequest(user, c.newId(), timesAt(T0 + HOUR), day), // limit-reached
      bookRequest(user, c.newId(), timesAt(T0 + 15 * MINUTE), { noOverlap: true }), // overlap
      moveRequest(user, c.newId(), timesAt(T0 + HOUR)), // not-found
      cancelRequest(user, gone.id), // not-booked
      bookRequest(user, holder.id, timesAt(T0 + 3 * HOUR)), // id-taken
      retriedAt(keyed, AT + HOUR), // replayed
      bookRequest(user, c.newId(), timesAt(T0 + 2 * DAY), { idempotency: claim(key, "b") }), // key-reused
    ];
    const statuses = [];
    for (const request of refused) {
      const result = await store.write(request);
      statuses.push(result.status === "written" ? `written${result.replayed ? " (replayed)" : ""}` : result.status);
    }
    assert.deepEqual(
      statuses,
      ["limit-reached", "overlap", "not-found", "not-booked", "id-taken", "written (replayed)", "key-reused"],
      "the outcomes of writes that commit nothing",
    );
    await expectChanges(store, user, before, "after seven writes that committed nothing");
  }),

  semantics(
    "orders events as their writes committed: one user's in order, users' as their writes were awaited",
    async (store, c) => {
      const anchor = await anchorPosition(store, c);
      const [a, b] = [c.newUser("a"), c.newUser("b")];
      const expected: ChangeFacts[] = [];
      const record = async (userId: string, hour: number) => {
        const written = await writeOk(
          store,
          bookRequest(userId, c.newId(), timesAt(T0 + hour * HOUR)),
          `a booking of ${userId}`,
        );
        expected.push(booked(written));
        return written;
      };
      const a1 = await record(a, 0);
      await record(b, 0);
      await record(a, 1);
      const moved = await writeOk(
        store,
        moveRequest(a, a1.id, timesAt(T0 + 5 * HOUR), { atMs: AT + MINUTE }),
        "a move of a's first",
      );
      expected.push({
        type: "rescheduled",
        record: moved,
        previous: { startMs: a1.startMs, endMs: a1.endMs },
        idempotencyKey: null,
        atMs: AT + MINUTE,
      });
      await record(b, 1);
      await record(a, 2);
      const all = ofUsers(await readAllChanges(store, { after: anchor }), [a, b]).map(plainChange);
      assert.deepEqual(all, expected, "the feed after the anchor, both users' events in the order they were awaited");
      await expectChanges(
        store,
        a,
        expected.filter((e) => e.record.userId === a),
        "a's events in order",
      );
    },
  ),

  semantics("pages with after and limit, never skipping or repeating an event", async (store, c) => {
    const anchor = await anchorPosition(store, c);
    const [user, other] = [c.newUser(), c.newUser("other")];
    for (let i = 0; i < 7; i++) {
      const userId = i % 3 === 2 ? other : user;
      await writeOk(store, bookRequest(userId, c.newId(), timesAt(T0 + i * HOUR)), `booking ${i}`);
    }
    await feedSettled(store);
    const whole = (await store.readChanges({ userId: user, limit: 1000 })).map((e) => e.position);
    assert.equal(whole.length, 5, "five events of the user in one page");
    for (const pageSize of [1, 2, 3]) {
      const paged = (await readAllChanges(store, { userId: user }, pageSize)).map((e) => e.position);
      assert.deepEqual(paged, whole, `the user's events in pages of ${pageSize}`);
    }
    // Unfiltered pages, from the anchor: the same events of the two users, in the same order.
    const unpaged = ofUsers(await readAllChanges(store, { after: anchor }), [user, other]).map((e) => e.position);
    for (const pageSize of [1, 2]) {
      const paged = ofUsers(await readAllChanges(store, { after: anchor }, pageSize), [user, other]).map(
        (e) => e.position,
      );
      assert.deepEqual(paged, unpaged, `all events in pages of ${pageSize}`);
    }
    assert.deepEqual(
      await store.readChanges({ userId: user, after: whole.at(-1), limit: 10 }),
      [],
      "nothing after the user's last event",
    );
  }),

  semantics("filters by userId: a user's events only, never another user's", async (store, c) => {
    const anchor = await anchorPosition(store, c);
    const [alice, bob] = [c.newUser("alice"), c.newUser("bob")];
    const aliceRecord = await writeOk(store, bookRequest(alice, c.newId(), timesAt(T0)), "alice's booking");
    const bobRecord = await writeOk(store, bookRequest(bob, c.newId(), timesAt(T0)), "bob's booking");
    await expectChanges(store, alice, [booked(aliceRecord)], "alice's filter");
    await expectChanges(store, bob, [booked(bobRecord)], "bob's filter");
    await expectChanges(store, c.newUser("nobody"), [], "a user without events");
    await feedSettled(store);
    const bobs = await store.readChanges({ userId: bob, after: anchor, limit: 10 });
    assert.deepEqual(
      bobs.map(plainChange),
      [booked(bobRecord)],
      "bob's filter after a position of another user's event",
    );
  }),

  semantics(
    "purgeExpired removes only what expired: a live event or key stays, and reading on still works",
    async (store, c) => {
      const user = c.newUser();
      // The store's own clock may remove what expired by it, so "tomorrow" is the wall clock's, and never
      // before the kit's other writes (AT), which a store may also purge by.
      const now = Math.max(Date.now(), AT + HOUR);
      const [tomorrowKey, foreverKey] = [c.newId("key"), c.newId("key")];
      // Expired by every clock; live until tomorrow; live forever.
      const expired = bookRequest(user, c.newId(), timesAt(T0), {
        atMs: Date.UTC(2000, 0, 1),
        changeExpiresAtMs: Date.UTC(2000, 0, 1) + HOUR,
      });
      const tomorrow = bookRequest(user, c.newId(), timesAt(T0 + HOUR), {
        atMs: now,
        changeExpiresAtMs: now + DAY,
        idempotency: claim(tomorrowKey, "fp", now + DAY),
      });
      const forever = bookRequest(user, c.newId(), timesAt(T0 + 2 * HOUR), {
        atMs: now,
        idempotency: claim(foreverKey),
      });
      await writeOk(store, expired, "an event that expired in 2000");
      await feedSettled(store);
      const [expiredEvent] = await store.readChanges({ userId: user, limit: 1 });
      const live = [
        booked(await writeOk(store, tomorrow, "an event and key live until tomorrow"), tomorrowKey),
        booked(await writeOk(store, forever, "an event and key kept forever"), foreverKey),
      ];
      const removed = await store.purgeExpired(now);
      assert.ok(Number.isSafeInteger(removed) && removed >= 0, `purgeExpired answers a count, got ${removed}`);
      const left = (await readAllChanges(store, { userId: user })).map(plainChange);
      assert.deepEqual(left.slice(-2), live, "the live events stay after purgeExpired");
      assert.ok(left.length <= 3, "no event is added");
      if (expiredEvent) {
        // A consumer's saved position may be an event since removed: reading on from it still works.
        const after = await readAllChanges(store, { userId: user, after: expiredEvent.position });
        assert.deepEqual(after.map(plainChange), live, "reading on from a purged event's position");
      }
      for (const [request, event] of [
        [tomorrow, live[0]],
        [forever, live[1]],
      ] as const) {
        const replay = await store.write(retriedAt(request, now + MINUTE));
        assert.ok(
          replay.status === "written" && replay.replayed && replay.record.id === event?.record.id,
          `a live key is kept by purgeExpired: got ${JSON.stringify(replay)}`,
        );
      }
    },
  ),
];
