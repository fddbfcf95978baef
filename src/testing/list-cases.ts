/**
 * The reads, as examples: `listAppointments` by status, range and page, in start-then-id order (code
 * units, not a locale's collation), and `getAppointment` of any status; not found is `null` or `[]`.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { AppointmentRecord, RecordQuery } from "../store/appointment-store.js";
import { inGroup, type StoreContractCase } from "./contract-case.js";
import { recordOf, writeOk } from "./expectations.js";
import { plainRecord } from "./records.js";
import { bookRequest, cancelRequest, HOUR, T0, timesAt } from "./requests.js";

const semantics = inGroup("semantics");

export const listCases: StoreContractCase[] = [
  semantics("lists booked records by default, cancelled ones too with status: all; gets either", async (store, c) => {
    const user = c.newUser();
    const kept = await writeOk(store, bookRequest(user, c.newId(), timesAt(T0 + HOUR)), "a booking");
    const gone = await writeOk(store, bookRequest(user, c.newId(), timesAt(T0)), "a booking to cancel");
    const cancelled = await writeOk(store, cancelRequest(user, gone.id), "its cancel");
    const list = async (query: RecordQuery) => (await store.listAppointments(user, query)).map(plainRecord);
    assert.deepEqual(await list({}), [kept], "the default lists booked records only");
    assert.deepEqual(await list({ status: "booked" }), [kept], "status: booked");
    assert.deepEqual(await list({ status: "all" }), [cancelled, kept], "status: all, by start");
    assert.deepEqual(await list({ status: "all", fromMs: T0 + HOUR }), [kept], "status: all within a range");
    assert.deepEqual(await recordOf(store, user, gone.id), cancelled, "getAppointment finds a cancelled record");
  }),

  semantics(
    "lists with status: holding the records a write counts: booked, and cancelled at or after their start",
    async (store, c) => {
      const user = c.newUser();
      const booked = await writeOk(store, bookRequest(user, c.newId(), timesAt(T0 + 2 * HOUR)), "a booking");
      const early = await writeOk(store, bookRequest(user, c.newId(), timesAt(T0)), "a booking to cancel early");
      await writeOk(store, cancelRequest(user, early.id, null, { atMs: T0 - 1 }), "cancelled before its start");
      const late = await writeOk(store, bookRequest(user, c.newId(), timesAt(T0 + HOUR)), "a booking to cancel late");
      const noShow = await writeOk(store, cancelRequest(user, late.id, "no-show", { atMs: T0 + HOUR }), "at its start");
      const list = async (query: RecordQuery) => (await store.listAppointments(user, query)).map(plainRecord);
      assert.deepEqual(await list({ status: "holding" }), [noShow, booked], "booked and cancelled late, by start");
      assert.deepEqual(await list({ status: "holding", fromMs: T0 + 2 * HOUR }), [booked], "within a range");
      assert.deepEqual(await list({ status: "holding", limit: 1 }), [noShow], "in pages");
    },
  ),

  semantics("lists the records overlapping [fromMs, toMs), either end open, by start then id", async (store, c) => {
    const user = c.newUser();
    const prefix = c.newId();
    const records: AppointmentRecord[] = [];
    for (const [suffix, startMs] of [
      ["b", T0 + 2 * HOUR],
      ["a", T0 + 2 * HOUR],
      ["c", T0],
      ["d", T0 + 5 * HOUR],
    ] as const) {
      records.push(
        await writeOk(store, bookRequest(user, `${prefix}-${suffix}`, timesAt(startMs)), `booking ${suffix}`),
      );
    }
    const [b, a, c0, d] = records as [AppointmentRecord, AppointmentRecord, AppointmentRecord, AppointmentRecord];
    const list = async (fromMs?: number, toMs?: number) =>
      (await store.listAppointments(user, { fromMs, toMs })).map((r) => r.id);
    assert.deepEqual(await list(), [c0.id, a.id, b.id, d.id], "all, by start then id");
    // A record ending exactly at fromMs, or starting exactly at toMs, does not overlap.
    assert.deepEqual(await list(T0 + HOUR / 2, T0 + 2 * HOUR), [], "touching records are not listed");
    assert.deepEqual(
      await list(T0 + HOUR / 2 - 1, T0 + 2 * HOUR + 1),
      [c0.id, a.id, b.id],
      "overlapping by 1 ms at each end",
    );
    assert.deepEqual(await list(T0 + 3 * HOUR), [d.id], "from only");
    assert.deepEqual(await list(undefined, T0 + 1), [c0.id], "to only");
  }),

  semantics("pages lists with after and limit, never skipping or repeating a record", async (store, c) => {
    const user = c.newUser();
    const prefix = c.newId();
    // Equal starts, so that `after` must compare the id as well as the start.
    for (const [i, startMs] of [T0, T0, T0 + HOUR, T0 + HOUR, T0 + HOUR, T0 + 2 * HOUR].entries()) {
      await writeOk(store, bookRequest(user, `${prefix}-${5 - i}`, timesAt(startMs)), `booking ${i}`);
    }
    const gone = await writeOk(store, bookRequest(user, `${prefix}-x`, timesAt(T0 + HOUR)), "a booking to cancel");
    await writeOk(store, cancelRequest(user, gone.id), "its cancel");
    for (const status of ["booked", "all"] as const) {
      const whole = (await store.listAppointments(user, { status })).map(plainRecord);
      assert.equal(whole.length, status === "all" ? 7 : 6);
      for (const limit of [1, 2, 4]) {
        const paged: AppointmentRecord[] = [];
        let after: { startMs: number; id: string } | undefined;
        for (let page = 0; page < 10; page++) {
          const next = (await store.listAppointments(user, { status, after, limit })).map(plainRecord);
          assert.ok(next.length <= limit, `a page of at most ${limit}`);
          const last = next.at(-1);
          if (!last) break;
          paged.push(...next);
          after = { startMs: last.startMs, id: last.id };
        }
        assert.deepEqual(paged, whole, `status ${status} in pages of ${limit}`);
      }
    }
    // `after` names a place in the order, not necessarily a record: here one that was never booked.
    const fromMiddle = await store.listAppointments(user, { after: { startMs: T0 + HOUR, id: `${prefix}-2z` } });
    assert.deepEqual(
      fromMiddle.map((r) => r.id),
      [`${prefix}-3`, `${prefix}-0`],
      "after a place between two records",
    );
  }),

  semantics(
    "orders ids of equal starts as JavaScript compares strings, not by a locale's collation",
    async (store, c) => {
      const user = c.newUser();
      // Code-unit order: "-" < "1" < "B" < "_" < "a"; a locale collation puts "a" before "B" and skips "-".
      const prefix = c.newId();
      const ids = ["a", "_c", "B", "1", "-z"].map((suffix) => `${prefix}${suffix}`);
      for (const id of ids) await writeOk(store, bookRequest(user, id, timesAt(T0)), `booking ${id}`);
      assert.deepEqual(
        (await store.listAppointments(user, {})).map((r) => r.id),
        ["-z", "1", "B", "_c", "a"].map((suffix) => `${prefix}${suffix}`),
        "code-unit order",
      );
    },
  ),

  semantics("answers null or [] for unknown users and ids", async (store, c) => {
    const user = c.newUser();
    assert.equal(await store.getAppointment(user, c.newId()), null, "getAppointment of an unknown user");
    assert.deepEqual(await store.listAppointments(user, { status: "all" }), [], "listAppointments of an unknown user");
    assert.deepEqual(await store.readChanges({ userId: user, limit: 10 }), [], "readChanges of an unknown user");
    await writeOk(store, bookRequest(user, c.newId(), timesAt(T0)), "a booking");
    assert.equal(await store.getAppointment(user, c.newId()), null, "getAppointment of an unknown id");
  }),
];
