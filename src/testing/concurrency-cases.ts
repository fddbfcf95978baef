/**
 * Concurrency: many operations in flight at once against the store, where a store that checks and then
 * writes in two steps lets two of them pass. Real parallelism for stores with connections of their own, and
 * fast-check's scheduler to try many interleavings of the store's answers.
 *
 * @module
 */
import assert from "node:assert/strict";
import * as fc from "fast-check";
import { isSchedulerError, LimitReachedError } from "../errors/scheduler-errors.js";
import { createScheduler } from "../scheduler/scheduler.js";
import type { AppointmentStore } from "../store/appointment-store.js";
import type { StoreContractCase } from "./contract-case.js";
import { plain, recordAt } from "./records.js";

const T0 = Date.UTC(2021, 3, 22, 9, 0);
const HOUR = 3_600_000;

const concurrency = (name: string, run: StoreContractCase["run"]): StoreContractCase => ({
  group: "concurrency",
  name,
  run,
});

export const concurrencyCases: StoreContractCase[] = [
  concurrency("lets exactly `limit` of many concurrent inserts into one period through", async (store, c) => {
    for (const limit of new Set([1, 3, Math.max(1, c.concurrency - 1)])) {
      const user = c.newUser();
      const records = Array.from({ length: c.concurrency }, (_, i) => recordAt(user, c.newId(), T0 + i * HOUR, ["p"]));
      const results = await Promise.all(records.map((record) => store.insertAppointment({ record, limit })));
      const winners = results.flatMap((r) => (r.status === "inserted" ? [r.record.id] : []));
      assert.equal(winners.length, Math.min(limit, records.length), `limit ${limit}: inserted`);
      for (const result of results) {
        if (result.status === "inserted") continue;
        assert.equal(result.status, "limit-reached");
        if (result.status === "limit-reached")
          assert.ok(winners.includes(result.conflicting.id), "conflicting is a winner");
      }
      assert.deepEqual((await store.listAppointments(user, {})).map((r) => r.id).sort(), [...winners].sort());
    }
  }),

  concurrency("moves a record once when many moves of it run at once", async (store, c) => {
    for (const target of ["same", "distinct"] as const) {
      const user = c.newUser();
      const original = recordAt(user, c.newId(), T0, ["day:0"]);
      assert.equal((await store.insertAppointment({ record: original, limit: 1 })).status, "inserted");
      // All into one period, or each into its own.
      const moves = Array.from({ length: c.concurrency }, (_, i) =>
        recordAt(user, c.newId(), T0 + (i + 1) * HOUR, [target === "same" ? "day:1" : `day:${i + 1}`]),
      );
      const results = await Promise.all(
        moves.map((record) => store.insertAppointment({ record, limit: 1, replaces: original.id })),
      );
      const winners = results.flatMap((r) => (r.status === "inserted" ? [r] : []));
      assert.equal(winners.length, 1, `${target} period: exactly one move`);
      const [winner] = winners;
      assert.deepEqual(winner?.replaced && plain(winner.replaced), original, "the move replaced the original");
      // Every other move found the original gone. (Even into the winner's now full period: a missing
      // replaced record is answered before the limit is checked.)
      for (const result of results) {
        if (result !== winner) assert.deepEqual(result, { status: "replaced-not-found" }, `${target} period`);
      }
      assert.deepEqual(
        (await store.listAppointments(user, {})).map(plain),
        [winner && plain(winner.record)],
        `${target} period: one record left, the winner's`,
      );
    }
  }),

  concurrency("never lets a cancel and a move of the same record both succeed", async (store, c) => {
    for (let round = 0; round < Math.max(4, c.concurrency / 2); round++) {
      const user = c.newUser();
      const original = recordAt(user, c.newId(), T0, ["day:0"]);
      assert.equal((await store.insertAppointment({ record: original, limit: 1 })).status, "inserted");
      const moved = recordAt(user, c.newId(), T0 + HOUR, ["day:0"]);
      const cancel = () => store.deleteAppointment(user, original.id);
      const move = () => store.insertAppointment({ record: moved, limit: 1, replaces: original.id });
      // Sent in both orders: an in-process store starts each call's work as soon as it is called.
      const [deleted, outcome] =
        round % 2 === 0
          ? await Promise.all([cancel(), move()])
          : await Promise.all([move(), cancel()]).then(([m, d]) => [d, m] as const);
      const left = (await store.listAppointments(user, {})).map(plain);
      if (outcome.status === "inserted") {
        assert.equal(deleted, null, "the cancel must not succeed once the move did");
        assert.deepEqual(left, [moved]);
      } else {
        assert.equal(outcome.status, "replaced-not-found");
        assert.deepEqual(deleted && plain(deleted), original);
        assert.deepEqual(left, []);
      }
    }
  }),

  concurrency("books many users at once, each independently", async (store, c) => {
    const users = Array.from({ length: c.concurrency }, () => c.newUser());
    const results = await Promise.all(
      users.map((user) => store.insertAppointment({ record: recordAt(user, c.newId(), T0, ["day:0"]), limit: 1 })),
    );
    assert.ok(
      results.every((r) => r.status === "inserted"),
      "every user's first booking is accepted",
    );
    const lists = await Promise.all(users.map((user) => store.listAppointments(user, {})));
    lists.forEach((records, i) => {
      assert.deepEqual(
        records.map((r) => r.userId),
        [users[i]],
        "each user holds exactly their own booking",
      );
    });
  }),

  concurrency(
    "through the scheduler: of concurrent books for one user and date, exactly one succeeds",
    async (store, c) => {
      const scheduler = createScheduler({ store });
      const user = c.newUser();
      const times = Array.from(
        { length: c.concurrency },
        (_, i) => `2021-04-22 ${String(i % 24).padStart(2, "0")}:${i % 48 < 24 ? "00" : "30"}`,
      );
      const results = await Promise.allSettled(times.map((time) => scheduler.book(user, time)));
      assert.equal(results.filter((r) => r.status === "fulfilled").length, 1, "exactly one booking");
      for (const r of results)
        if (r.status === "rejected") assert.ok(r.reason instanceof LimitReachedError, String(r.reason));
      assert.equal((await scheduler.list(user)).length, 1);
    },
  ),

  concurrency(
    "through the scheduler: any interleaving of books, moves and cancels keeps one per date",
    async (store, c) => {
      const days = ["2021-04-22", "2021-04-23"];
      const operation = fc.oneof(
        fc.record({
          kind: fc.constant("book" as const),
          day: fc.constantFrom(...days),
          hour: fc.integer({ min: 0, max: 23 }),
        }),
        fc.record({
          kind: fc.constant("move" as const),
          day: fc.constantFrom(...days),
          hour: fc.integer({ min: 0, max: 23 }),
        }),
        fc.record({ kind: fc.constant("cancel" as const), day: fc.constantFrom(...days), hour: fc.constant(0) }),
      );
      await fc.assert(
        fc.asyncProperty(fc.scheduler(), fc.array(operation, { minLength: 2, maxLength: 8 }), async (s, operations) => {
          const user = c.newUser("race");
          const scheduler = createScheduler({ store: scheduledStore(store, s) });
          const seed = await createScheduler({ store }).book(user, "2021-04-21 12:00");
          const running = operations.map(({ kind, day, hour }) => {
            const time = `${day} ${String(hour).padStart(2, "0")}:00`;
            const call =
              kind === "book"
                ? scheduler.book(user, time)
                : kind === "move"
                  ? scheduler.reschedule(user, seed.id, time)
                  : scheduler.cancel(user, seed.id);
            return call.then(
              (appointment) => ({ kind, day, appointment, refusal: null }),
              (error: unknown) => {
                if (!isSchedulerError(error) || (error.code !== "LIMIT_REACHED" && error.code !== "NOT_FOUND")) {
                  throw error;
                }
                return { kind, day, appointment: null, refusal: error.code };
              },
            );
          });
          const outcomes = await s.waitFor(Promise.all(running));
          const left = await createScheduler({ store }).list(user);
          const heldOn = (day: string) => left.filter((a) => a.start.toPlainDate().toString() === day).length;
          for (const day of [...days, "2021-04-21"]) assert.ok(heldOn(day) <= 1, `at most one on ${day}`);
          // The seed appointment was released at most once: by one move or one cancel.
          const released = outcomes.filter((o) => o.appointment && o.kind !== "book").length;
          assert.ok(released <= 1, "the seed appointment was moved or cancelled twice");
          assert.equal(
            left.some((a) => a.id === seed.id),
            released === 0,
            "the seed appointment is there unless released",
          );
          // Only the seed can go away: every booking and move that succeeded is still there.
          const kept = new Set(left.map((a) => a.id));
          for (const o of outcomes) if (o.appointment && o.kind !== "cancel") assert.ok(kept.has(o.appointment.id));
          for (const o of outcomes) {
            // Not found: another operation released the seed first.
            if (o.refusal === "NOT_FOUND") assert.ok(o.kind !== "book" && released === 1, `${o.kind}: not found`);
            // Full: the date was held by a booking or a move, which stays (the seed's own date is not in play).
            if (o.refusal === "LIMIT_REACHED") assert.ok(o.kind !== "cancel" && heldOn(o.day) === 1, `${o.kind}: full`);
          }
        }),
        c.fastCheck,
      );
    },
  ),
];

/**
 * The store, with each call started, and each answer delivered, at a moment fast-check's scheduler picks:
 * every interleaving of the operations' store calls becomes reachable, also for a store that answers
 * synchronously.
 */
function scheduledStore(store: AppointmentStore, s: fc.Scheduler): AppointmentStore {
  const scheduled =
    <A extends unknown[], T>(call: (...args: A) => Promise<T>) =>
    async (...args: A): Promise<T> => {
      await s.schedule(Promise.resolve(), "start");
      return s.schedule(call(...args), "answer");
    };
  return {
    insertAppointment: scheduled((request, options) => store.insertAppointment(request, options)),
    listAppointments: scheduled((userId, range, options) => store.listAppointments(userId, range, options)),
    getAppointment: scheduled((userId, id, options) => store.getAppointment(userId, id, options)),
    deleteAppointment: scheduled((userId, id, options) => store.deleteAppointment(userId, id, options)),
  };
}
