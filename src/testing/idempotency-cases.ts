/**
 * Step 1 of `write`, as examples: a live key answers its first outcome again (written or refused, exactly as
 * it was, with `replayed: true`, writing nothing), another fingerprint is `key-reused` (not kept), the key
 * answers before the record's state does, keys belong to a user, and an expired key is free.
 *
 * @module
 */
import assert from "node:assert/strict";
import { inGroup, type StoreContractCase } from "./contract-case.js";
import { changesOf, expectOutcome, expectRecords, writeOk } from "./expectations.js";
import {
  AT,
  bookRequest,
  cancelRequest,
  claim,
  HOUR,
  LATER,
  localDay,
  MINUTE,
  midnightOf,
  moveRequest,
  retriedAt,
  T0,
  timesAt,
} from "./requests.js";

const semantics = inGroup("semantics");

const DAY_OF_T0 = localDay(midnightOf(T0));

export const idempotencyCases: StoreContractCase[] = [
  semantics("replays a written outcome exactly, with replayed: true, writing nothing", async (store, c) => {
    const user = c.newUser();
    const booking = bookRequest(user, c.newId(), timesAt(T0), {
      idempotency: claim(c.newId("key")),
      metadata: { a: 1 },
    });
    const record = await writeOk(store, booking, "the keyed booking");
    const replay = { status: "written", record, replayed: true } as const;
    await expectOutcome(store, retriedAt(booking, AT + MINUTE), replay, "a retry of the booking");
    await expectRecords(store, user, [record], "a replay writes no second record");
    assert.equal((await changesOf(store, user)).length, 1, "a replay appends no event");
    // The record changes; the replay still answers the record as it was written then.
    await writeOk(store, cancelRequest(user, record.id, null, { atMs: AT + 2 * MINUTE }), "the cancel");
    await expectOutcome(store, retriedAt(booking, AT + 3 * MINUTE), replay, "a retry after the record was cancelled");
    // Moves replay too.
    const other = await writeOk(store, bookRequest(user, c.newId(), timesAt(T0 + HOUR)), "a second booking");
    const move = moveRequest(user, other.id, timesAt(T0 + 2 * HOUR), {
      idempotency: claim(c.newId("key")),
      atMs: AT + 4 * MINUTE,
    });
    const moved = await writeOk(store, move, "the keyed move");
    await expectOutcome(
      store,
      retriedAt(move, AT + 5 * MINUTE),
      { status: "written", record: moved, replayed: true },
      "a retry of the move",
    );
    assert.equal((await store.getAppointment(user, other.id))?.version, 2, "a replayed move does not move again");
    assert.equal((await changesOf(store, user)).length, 4, "events: two bookings, a cancel and one move");
  }),

  semantics("replays a refused outcome exactly, even once the refusal no longer holds", async (store, c) => {
    const user = c.newUser();
    const holder = await writeOk(store, bookRequest(user, c.newId(), timesAt(T0)), "the holder of the day");
    const refused = bookRequest(user, c.newId(), timesAt(T0 + HOUR), {
      periods: [DAY_OF_T0],
      limit: 1,
      idempotency: claim(c.newId("key")),
    });
    const outcome = { status: "limit-reached", conflicting: holder, replayed: false } as const;
    await expectOutcome(store, refused, outcome, "the keyed booking into a full day");
    await writeOk(
      store,
      cancelRequest(user, holder.id, null, { atMs: AT + MINUTE }),
      "the holder's cancel frees the day",
    );
    await expectOutcome(
      store,
      retriedAt(refused, AT + 2 * MINUTE),
      { ...outcome, replayed: true },
      "a retry once the day is free",
    );
    assert.equal(await store.getAppointment(user, refused.change.id), null, "a replayed refusal writes nothing");

    // not-found is kept too, also once the id exists.
    const id = c.newId("later");
    const move = moveRequest(user, id, timesAt(T0 + 5 * HOUR), { idempotency: claim(c.newId("key")) });
    await expectOutcome(store, move, { status: "not-found", replayed: false }, "a keyed move of an unknown id");
    const booked = await writeOk(store, bookRequest(user, id, timesAt(T0 + 3 * HOUR)), "a booking of that id");
    await expectOutcome(
      store,
      retriedAt(move, AT + 3 * MINUTE),
      { status: "not-found", replayed: true },
      "a retry once the id exists",
    );
    assert.equal((await store.getAppointment(user, id))?.startMs, booked.startMs, "a replayed not-found moves nothing");
    assert.equal((await changesOf(store, user)).length, 3, "events: two bookings and a cancel");
  }),

  semantics(
    "answers key-reused for another fingerprint, writing nothing and keeping the first outcome",
    async (store, c) => {
      const user = c.newUser();
      const key = c.newId("key");
      const first = bookRequest(user, c.newId(), timesAt(T0), { idempotency: claim(key, "fingerprint-a") });
      const record = await writeOk(store, first, "the first use of the key");
      const reuses = [
        bookRequest(user, c.newId(), timesAt(T0 + HOUR), {
          idempotency: claim(key, "fingerprint-b"),
          atMs: AT + MINUTE,
        }),
        cancelRequest(user, record.id, null, { idempotency: claim(key, "fingerprint-c"), atMs: AT + MINUTE }),
      ];
      for (const reuse of reuses)
        await expectOutcome(store, reuse, { status: "key-reused" }, `the key reused for a ${reuse.change.type}`);
      await expectRecords(store, user, [record], "key-reused writes nothing");
      assert.equal((await changesOf(store, user)).length, 1, "key-reused appends no event");
      // Not kept: the key still answers its first outcome, and still refuses the other fingerprint.
      await expectOutcome(
        store,
        retriedAt(first, AT + 2 * MINUTE),
        { status: "written", record, replayed: true },
        "a retry after key-reused",
      );
      await expectOutcome(
        store,
        retriedAt(reuses[0] ?? first, AT + 3 * MINUTE),
        { status: "key-reused" },
        "the other fingerprint again",
      );
    },
  ),

  semantics(
    "answers a live key before anything else: a retry replays, never id-taken or not-booked",
    async (store, c) => {
      const user = c.newUser();
      const booking = bookRequest(user, c.newId(), timesAt(T0), { idempotency: claim(c.newId("key")) });
      const record = await writeOk(store, booking, "the keyed booking");
      // The same request again: its id is now taken, but the key answers first.
      await expectOutcome(
        store,
        retriedAt(booking, AT + MINUTE),
        { status: "written", record, replayed: true },
        "a retried booking",
      );
      const cancel = cancelRequest(user, record.id, "ill", {
        idempotency: claim(c.newId("key")),
        atMs: AT + 2 * MINUTE,
      });
      const cancelled = await writeOk(store, cancel, "the keyed cancel");
      // The record is now cancelled, but the key answers first.
      await expectOutcome(
        store,
        retriedAt(cancel, AT + 3 * MINUTE),
        { status: "written", record: cancelled, replayed: true },
        "a retried cancel",
      );
    },
  ),

  semantics("keeps keys per user: another user's key of the same name is free", async (store, c) => {
    const [alice, bob] = [c.newUser("alice"), c.newUser("bob")];
    const key = c.newId("shared-key");
    const aliceBooking = bookRequest(alice, c.newId(), timesAt(T0), { idempotency: claim(key, "alice's") });
    const bobBooking = bookRequest(bob, c.newId(), timesAt(T0), { idempotency: claim(key, "bob's") });
    const aliceRecord = await writeOk(store, aliceBooking, "alice's booking with the key");
    const bobRecord = await writeOk(store, bobBooking, "bob's booking with the same key and another fingerprint");
    await expectOutcome(
      store,
      retriedAt(aliceBooking, AT + MINUTE),
      { status: "written", record: aliceRecord, replayed: true },
      "alice's retry",
    );
    await expectOutcome(
      store,
      retriedAt(bobBooking, AT + MINUTE),
      { status: "written", record: bobRecord, replayed: true },
      "bob's retry",
    );
    // The same key and fingerprint for a third user is a first use, not a replay of alice's outcome.
    const carol = c.newUser("carol");
    await writeOk(
      store,
      bookRequest(carol, c.newId(), timesAt(T0), { idempotency: claim(key, "alice's") }),
      "carol's booking with alice's key and fingerprint",
    );
  }),

  semantics("frees a key at its expiry: expiresAtMs <= atMs of the next write", async (store, c) => {
    const user = c.newUser();
    const key = c.newId("key");
    const expiry = LATER + HOUR;
    const first = bookRequest(user, c.newId(), timesAt(T0), { idempotency: claim(key, "a", expiry), atMs: LATER });
    const record = await writeOk(store, first, "the first use");
    await expectOutcome(
      store,
      retriedAt(first, expiry - 1),
      { status: "written", record, replayed: true },
      "a retry a millisecond before expiry",
    );
    // At expiry the key is free: another fingerprint is a new write, kept under the key with its own expiry.
    const second = bookRequest(user, c.newId(), timesAt(T0 + HOUR), {
      idempotency: claim(key, "b", expiry + HOUR),
      atMs: expiry,
    });
    const secondRecord = await writeOk(store, second, "another request with the key at its expiry");
    await expectOutcome(
      store,
      retriedAt(second, expiry + 1),
      { status: "written", record: secondRecord, replayed: true },
      "a retry of the second use",
    );
    await expectOutcome(
      store,
      retriedAt(first, expiry + 2),
      { status: "key-reused" },
      "the first request, now another fingerprint's key",
    );
    // The same request after expiry is written again, not replayed: here its id is taken.
    const other = c.newId("key");
    const once = bookRequest(user, c.newId(), timesAt(T0 + 2 * HOUR), {
      idempotency: claim(other, "a", expiry),
      atMs: LATER,
    });
    await writeOk(store, once, "a keyed booking");
    await expectOutcome(
      store,
      retriedAt(once, expiry),
      { status: "id-taken", replayed: false },
      "its retry at expiry runs again",
    );
  }),
];
