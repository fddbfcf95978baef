/**
 * Holds and resource choices, by example: what a `hold` writes and counts until it expires (judged at each
 * write's `atMs`, never the store's clock), what `confirm` and `release` answer and write, what
 * `purgeExpired` removes, and which claim of an `anyOf` choice a write takes.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { AppointmentRecord, AppointmentStore, ResourceClaim } from "../store/appointment-store.js";
import { inGroup, type StoreContractCase } from "./contract-case.js";
import { changesOf, expectOutcome, recordOf, writeOk } from "./expectations.js";
import { plainRecord } from "./records.js";
import {
  AT,
  anyOf,
  bookRequest,
  cancelRequest,
  claim,
  confirmRequest,
  HOUR,
  holdRequest,
  localDay,
  MINUTE,
  moveRequest,
  releaseRequest,
  resourceClaim,
  timesAt,
} from "./requests.js";

const semantics = inGroup("semantics");

/** Tuesday 2021-04-27, UTC: where the examples hold. */
const D = Date.UTC(2021, 3, 27);
/** `hours:minutes` on D. */
const h = (hours: number, minutes = 0) => D + hours * HOUR + minutes * MINUTE;
/** When the examples' holds expire: ten minutes after the examples' clock. */
const EXPIRY = AT + 10 * MINUTE;

/** A 30-minute claim of `resourceId` at `startMs`, of capacity `capacity`. */
const claimAt = (resourceId: string, startMs: number, capacity = 1): ResourceClaim =>
  resourceClaim(resourceId, startMs, startMs + 30 * MINUTE, capacity);

const full = (conflicting: AppointmentRecord) => ({ status: "resource-full", conflicting, replayed: false }) as const;

/** The resource's records as listed, plainly. */
async function occupants(store: AppointmentStore, resourceId: string): Promise<AppointmentRecord[]> {
  return (await store.listResourceAppointments(resourceId, {})).map(plainRecord);
}

export const holdCases: StoreContractCase[] = [
  semantics(
    "holds: a held record, counted like a booked one until its hold expires, then not at all",
    async (store, c) => {
      const user = c.newUser();
      const room = c.newId("room");
      const day = localDay(D);
      const request = holdRequest(user, c.newId(), timesAt(h(10)), EXPIRY, {
        resource: claimAt(room, h(10)),
        appointmentType: "checkup",
        metadata: { cart: 7 },
        periods: [day],
      });
      const held = await writeOk(store, request, "a hold");
      assert.deepEqual(
        held,
        {
          id: held.id,
          userId: user,
          status: "held",
          version: 1,
          ...timesAt(h(10)),
          createdAtMs: AT,
          updatedAtMs: AT,
          cancelledAtMs: null,
          cancellationReason: null,
          previousTimes: [],
          metadata: { cart: 7 },
          resource: { resourceId: room, fromMs: h(10), toMs: h(10, 30) },
          appointmentType: "checkup",
          holdExpiresAtMs: EXPIRY,
        },
        "the held record",
      );
      assert.deepEqual(await recordOf(store, user, held.id), held, "getAppointment returns it");
      assert.deepEqual(await occupants(store, room), [held], "listResourceAppointments returns it");
      const holding = (await store.listAppointments(user, { status: "holding" })).map(plainRecord);
      assert.deepEqual(holding, [held], "a holding list returns it");
      assert.deepEqual(await store.listAppointments(user, {}), [], "a booked list does not");

      // Until it expires it counts: the user's limit, the user's overlap, the resource's capacity.
      const before = EXPIRY - 1;
      const other = c.newUser();
      await expectOutcome(
        store,
        bookRequest(user, c.newId(), timesAt(h(15)), { periods: [day], atMs: before }),
        { status: "limit-reached", conflicting: held, replayed: false },
        "the user's limit, a millisecond before the expiry",
      );
      await expectOutcome(
        store,
        bookRequest(user, c.newId(), timesAt(h(10, 15)), { limit: 2, periods: [day], noOverlap: true, atMs: before }),
        { status: "overlap", conflicting: held, replayed: false },
        "the user's overlap",
      );
      await expectOutcome(
        store,
        bookRequest(other, c.newId(), timesAt(h(10)), { resource: claimAt(room, h(10)), atMs: before }),
        full(held),
        "the resource's capacity",
      );
      // At its expiry, none of them: with no clean-up in between.
      const after = { atMs: EXPIRY };
      await writeOk(
        store,
        bookRequest(user, c.newId(), timesAt(h(15)), { periods: [day], ...after }),
        "the limit frees",
      );
      await writeOk(
        store,
        bookRequest(other, c.newId(), timesAt(h(10)), { resource: claimAt(room, h(10)), ...after }),
        "the resource frees at the expiry",
      );
      const events = await changesOf(store, user);
      assert.deepEqual(
        events.map((e) => [e.type, e.record.status]),
        [
          ["held", "held"],
          ["booked", "booked"],
        ],
        "a hold's event is `held`",
      );
    },
  ),

  semantics("confirm: a live hold becomes booked (same id, version 2); an expired one cannot", async (store, c) => {
    const user = c.newUser();
    const room = c.newId("room");
    const held = await writeOk(
      store,
      holdRequest(user, c.newId(), timesAt(h(11)), EXPIRY, { resource: claimAt(room, h(11)) }),
      "a hold",
    );
    const confirmedAt = EXPIRY - 1;
    const confirmed = await writeOk(store, confirmRequest(user, held.id, { atMs: confirmedAt }), "its confirmation");
    assert.deepEqual(
      confirmed,
      { ...held, status: "booked", version: 2, updatedAtMs: confirmedAt },
      "booked, one version more, the hold's expiry kept",
    );
    // Booked, it counts after the hold's expiry, and cannot be confirmed or released again.
    await expectOutcome(
      store,
      bookRequest(c.newUser(), c.newId(), timesAt(h(11)), { resource: claimAt(room, h(11)), atMs: EXPIRY + HOUR }),
      full(confirmed),
      "the booked record fills the room after the hold's expiry",
    );
    await expectOutcome(
      store,
      confirmRequest(user, held.id, { atMs: confirmedAt + 1 }),
      { status: "not-held", record: confirmed, replayed: false },
      "a second confirmation",
    );
    await expectOutcome(
      store,
      releaseRequest(user, held.id, { atMs: confirmedAt + 1 }),
      { status: "not-held", record: confirmed, replayed: false },
      "a release of a booked record",
    );

    const late = await writeOk(store, holdRequest(user, c.newId(), timesAt(h(13)), EXPIRY), "another hold");
    await expectOutcome(
      store,
      confirmRequest(user, late.id, { atMs: EXPIRY }),
      { status: "hold-expired", record: late, replayed: false },
      "a confirmation at the expiry",
    );
    assert.deepEqual(await recordOf(store, user, late.id), late, "nothing written");
    await expectOutcome(
      store,
      confirmRequest(c.newUser(), late.id),
      { status: "not-found", replayed: false },
      "another user's hold",
    );
    await expectOutcome(
      store,
      confirmRequest(user, c.newId("missing")),
      { status: "not-found", replayed: false },
      "no such hold",
    );
    // A booked record is not a hold; a held one is not booked.
    const booked = await writeOk(store, bookRequest(user, c.newId(), timesAt(h(16))), "a booking");
    await expectOutcome(
      store,
      confirmRequest(user, booked.id),
      { status: "not-held", record: booked, replayed: false },
      "confirm of a booking",
    );
    const live = await writeOk(store, holdRequest(user, c.newId(), timesAt(h(17)), EXPIRY), "a third hold");
    await expectOutcome(
      store,
      moveRequest(user, live.id, timesAt(h(18))),
      { status: "not-booked", record: live, replayed: false },
      "a move of a hold",
    );
    await expectOutcome(
      store,
      cancelRequest(user, live.id),
      { status: "not-booked", record: live, replayed: false },
      "a cancel of a hold",
    );
    const events = await changesOf(store, user);
    assert.deepEqual(
      events.map((e) => e.type),
      ["held", "confirmed", "held", "booked", "held"],
      "a confirmation's event is `confirmed`",
    );
    const confirmedEvent = events[1];
    assert.deepEqual(confirmedEvent?.record, confirmed, "with the record after it");
    assert.equal(confirmedEvent?.previous, null, "and no previous times");
  }),

  semantics("release: a hold, expired or not, becomes released and counts toward nothing", async (store, c) => {
    const user = c.newUser();
    const room = c.newId("room");
    const day = localDay(D);
    const held = await writeOk(
      store,
      holdRequest(user, c.newId(), timesAt(h(9)), EXPIRY, { resource: claimAt(room, h(9)), periods: [day] }),
      "a hold",
    );
    const released = await writeOk(store, releaseRequest(user, held.id, { atMs: AT + MINUTE }), "its release");
    assert.deepEqual(
      released,
      { ...held, status: "released", version: 2, updatedAtMs: AT + MINUTE },
      "released, one version more",
    );
    assert.deepEqual(await occupants(store, room), [], "it leaves the resource's list");
    assert.deepEqual(await store.listAppointments(user, { status: "holding" }), [], "and the holding list");
    await writeOk(
      store,
      bookRequest(c.newUser(), c.newId(), timesAt(h(9)), { resource: claimAt(room, h(9)), atMs: AT + MINUTE }),
      "the room is free before the hold's expiry",
    );
    await writeOk(
      store,
      bookRequest(user, c.newId(), timesAt(h(14)), { periods: [day], atMs: AT + MINUTE }),
      "so is the user's limit",
    );
    await expectOutcome(
      store,
      releaseRequest(user, held.id, { atMs: AT + 2 * MINUTE }),
      { status: "not-held", record: released, replayed: false },
      "a second release",
    );
    await expectOutcome(
      store,
      confirmRequest(user, held.id, { atMs: AT + 2 * MINUTE }),
      { status: "not-held", record: released, replayed: false },
      "a confirmation of a released hold",
    );
    const expired = await writeOk(store, holdRequest(user, c.newId(), timesAt(h(20)), EXPIRY), "another hold");
    const late = await writeOk(store, releaseRequest(user, expired.id, { atMs: EXPIRY + 5 }), "released after expiry");
    assert.equal(late.status, "released", "an expired hold can be released");
    assert.deepEqual(
      (await changesOf(store, user)).map((e) => e.type),
      ["held", "released", "booked", "held", "released"],
      "a release's event is `released`",
    );
  }),

  semantics(
    "holds with keys: a replay answers the first outcome, also after the hold was confirmed",
    async (store, c) => {
      const user = c.newUser();
      const key = claim(c.newId("key"));
      const request = holdRequest(user, c.newId(), timesAt(h(12)), EXPIRY, { idempotency: key });
      const held = await writeOk(store, request, "a hold with a key");
      const confirmKey = claim(c.newId("key"));
      const confirmed = await writeOk(store, confirmRequest(user, held.id, { idempotency: confirmKey }), "confirmed");
      await expectOutcome(store, request, { status: "written", record: held, replayed: true }, "the hold's replay");
      await expectOutcome(
        store,
        confirmRequest(user, held.id, { idempotency: confirmKey, atMs: EXPIRY + HOUR }),
        { status: "written", record: confirmed, replayed: true },
        "the confirmation's replay, after the hold's expiry",
      );
      const events = await changesOf(store, user);
      assert.deepEqual(
        events.map((e) => [e.type, e.idempotencyKey]),
        [
          ["held", key.key],
          ["confirmed", confirmKey.key],
        ],
        "each event with its key",
      );
    },
  ),

  semantics("purgeExpired removes held records whose hold expired, and nothing else", async (store, c) => {
    const user = c.newUser();
    const room = c.newId("room");
    const soon = await writeOk(
      store,
      holdRequest(user, c.newId(), timesAt(h(8)), AT + MINUTE, { resource: claimAt(room, h(8)) }),
      "a hold that expires soon",
    );
    const later = await writeOk(
      store,
      holdRequest(user, c.newId(), timesAt(h(9)), AT + HOUR, { resource: claimAt(room, h(9)) }),
      "a hold that expires later",
    );
    const kept = await writeOk(store, holdRequest(user, c.newId(), timesAt(h(10)), AT + MINUTE), "a confirmed hold");
    const confirmed = await writeOk(store, confirmRequest(user, kept.id), "confirmed before its expiry");
    const gone = await writeOk(store, holdRequest(user, c.newId(), timesAt(h(11)), AT + MINUTE), "a released hold");
    const released = await writeOk(store, releaseRequest(user, gone.id), "released");
    // Before the purge, the expired hold is still there: only purgeExpired removes it.
    assert.deepEqual(await recordOf(store, user, soon.id), soon, "kept until a purge");
    assert.ok((await store.purgeExpired(AT + MINUTE)) >= 1, "the purge counts what it removed");
    assert.equal(await recordOf(store, user, soon.id), null, "the expired hold is gone");
    assert.deepEqual(
      (await store.listAppointments(user, { status: "all" })).map(plainRecord),
      [later, confirmed, released],
      "the live hold, the confirmed and the released records stay",
    );
    assert.deepEqual(await occupants(store, room), [later], "the resource lists the live hold only");
    await expectOutcome(
      store,
      confirmRequest(user, soon.id, { atMs: AT + 2 * MINUTE }),
      { status: "not-found", replayed: false },
      "a purged hold is not found",
    );
    assert.deepEqual(
      (await changesOf(store, user)).map((e) => e.type),
      ["held", "held", "held", "confirmed", "held", "released"],
      "the purged hold's event stays in the feed",
    );
  }),

  semantics("anyOf: the first claim, in the order given, whose resource can take it", async (store, c) => {
    const [lee, kim, ray] = [c.newId("lee"), c.newId("kim"), c.newId("ray")];
    const at10 = (resourceId: string) => claimAt(resourceId, h(10));
    const choice = anyOf(at10(lee), at10(kim), at10(ray));
    const first = await writeOk(
      store,
      bookRequest(c.newUser(), c.newId(), timesAt(h(10)), { resource: choice }),
      "1st",
    );
    assert.equal(first.resource?.resourceId, lee, "the first free in order: lee");
    const second = await writeOk(
      store,
      bookRequest(c.newUser(), c.newId(), timesAt(h(10)), { resource: choice }),
      "2nd",
    );
    assert.equal(second.resource?.resourceId, kim, "lee is full: kim");
    const reversed = anyOf(at10(ray), at10(kim), at10(lee));
    const third = await writeOk(
      store,
      holdRequest(c.newUser(), c.newId(), timesAt(h(10)), EXPIRY, { resource: reversed }),
      "a hold with a choice",
    );
    assert.equal(third.resource?.resourceId, ray, "in its own order: ray");
    assert.deepEqual(third.resource, { resourceId: ray, fromMs: h(10), toMs: h(10, 30) }, "the chosen claim's span");
    // All full: refused for the first claim, with its conflict.
    await expectOutcome(
      store,
      bookRequest(c.newUser(), c.newId(), timesAt(h(10)), { resource: reversed }),
      full(third),
      "every one full: the first claim's conflict (ray's hold)",
    );
    await expectOutcome(
      store,
      bookRequest(c.newUser(), c.newId(), timesAt(h(10)), { resource: choice }),
      full(first),
      "in the other order: lee's booking",
    );
    // Its hold expired, ray is free again; a later claim is taken only when every earlier one is full.
    const freed = await writeOk(
      store,
      bookRequest(c.newUser(), c.newId(), timesAt(h(10)), { resource: choice, atMs: EXPIRY }),
      "after the hold's expiry",
    );
    assert.equal(freed.resource?.resourceId, ray, "ray, the only one free");
    const wider = anyOf(claimAt(lee, h(10), 2), at10(kim));
    const shared = await writeOk(
      store,
      bookRequest(c.newUser(), c.newId(), timesAt(h(10)), { resource: wider }),
      "4th",
    );
    assert.equal(shared.resource?.resourceId, lee, "lee with a capacity of 2 in this claim");
  }),
];
