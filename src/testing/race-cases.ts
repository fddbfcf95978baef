/**
 * Races under fast-check's scheduler: each store call starts, and each answer arrives, at a moment the
 * scheduler picks, so that many interleavings of concurrent books, moves and cancels are tried, also for a
 * store that answers synchronously. Every interleaving must leave what some serial order leaves.
 *
 * @module
 */
import assert from "node:assert/strict";
import * as fc from "fast-check";
import { isSchedulerError } from "../errors/scheduler-errors.js";
import type { Appointment } from "../model/appointment.js";
import { createScheduler } from "../scheduler/scheduler.js";
import type { AppointmentStore } from "../store/appointment-store.js";
import type { StoreContractCase } from "./contract-case.js";
import { schedulerClock } from "./requests.js";

/** The refusals a race may meet: each says why a serial order refuses the operation. */
const REFUSALS = ["LIMIT_REACHED", "OVERLAPPING_APPOINTMENT", "APPOINTMENT_CANCELLED"];

const DAYS = ["2021-04-22", "2021-04-23"];

const operation = fc.oneof(
  fc.record({
    kind: fc.constant("book" as const),
    day: fc.constantFrom(...DAYS),
    hour: fc.integer({ min: 0, max: 23 }),
  }),
  fc.record({
    kind: fc.constant("move" as const),
    day: fc.constantFrom(...DAYS),
    hour: fc.integer({ min: 0, max: 23 }),
  }),
  fc.record({ kind: fc.constant("cancel" as const), day: fc.constantFrom(...DAYS), hour: fc.constant(0) }),
  // A booking under a shared key: its concurrent retries must give one appointment.
  fc.record({ kind: fc.constant("keyed book" as const), day: fc.constant(DAYS[0] as string), hour: fc.constant(12) }),
);

export const raceCases: StoreContractCase[] = [
  {
    group: "concurrency",
    name: "through the scheduler: any interleaving of books, moves, cancels and retries keeps one per date",
    async run(store, c) {
      await fc.assert(
        fc.asyncProperty(fc.scheduler(), fc.array(operation, { minLength: 2, maxLength: 8 }), async (s, operations) => {
          const user = c.newUser("race");
          const scheduler = createScheduler({ store: scheduledStore(store, s), now: schedulerClock });
          const direct = createScheduler({ store, now: schedulerClock });
          const seed = await direct.book(user, "2021-04-21 12:00");
          const key = c.newId("key");
          const running = operations.map(({ kind, day, hour }) => {
            const time = `${day} ${String(hour).padStart(2, "0")}:00`;
            const call: Promise<Appointment> =
              kind === "book"
                ? scheduler.book(user, time)
                : kind === "keyed book"
                  ? scheduler.book(user, time, { idempotencyKey: key })
                  : kind === "move"
                    ? scheduler.reschedule(user, seed.id, time)
                    : scheduler.cancel(user, seed.id);
            return call.then(
              (appointment) => ({ kind, day, appointment, refusal: null }),
              (error: unknown) => {
                if (!isSchedulerError(error) || !REFUSALS.includes(error.code)) throw error;
                return { kind, day, appointment: null, refusal: error.code };
              },
            );
          });
          const outcomes = await s.waitFor(Promise.all(running));
          const left = (await direct.list(user)).appointments;
          const heldOn = (day: string) => left.filter((a) => a.start.toPlainDate().toString() === day).length;
          for (const day of [...DAYS, "2021-04-21"]) assert.ok(heldOn(day) <= 1, `at most one booked on ${day}`);

          // The seed: moved by each move that succeeded, cancelled at most once, and then never moved again.
          const moves = outcomes.filter((o) => o.kind === "move" && o.appointment);
          const cancels = outcomes.filter((o) => o.kind === "cancel" && o.appointment);
          assert.ok(cancels.length <= 1, "the seed was cancelled twice");
          const finalSeed = await direct.get(user, seed.id);
          assert.equal(
            finalSeed?.version,
            1 + moves.length + cancels.length,
            "every move and cancel of the seed counted once",
          );
          assert.equal(finalSeed?.status, cancels.length === 1 ? "cancelled" : "booked", "the seed's status");
          if (cancels.length === 1)
            assert.equal(
              cancels[0]?.appointment?.version,
              finalSeed?.version,
              "nothing changed the seed after its cancel",
            );

          // Every try under the key answers the first try's outcome: one appointment, or one refusal.
          const keyedOutcomes = new Set(
            outcomes.flatMap((o) => (o.kind === "keyed book" ? [o.appointment?.id ?? o.refusal] : [])),
          );
          assert.ok(keyedOutcomes.size <= 1, `tries under one key answered differently: ${[...keyedOutcomes]}`);
          const keyed = new Set(
            outcomes.flatMap((o) => (o.kind === "keyed book" && o.appointment ? [o.appointment.id] : [])),
          );

          // Every booking that succeeded is still booked: only the seed is ever cancelled.
          const kept = new Set(left.map((a) => a.id));
          for (const o of outcomes)
            if (o.appointment && o.kind.endsWith("book"))
              assert.ok(kept.has(o.appointment.id), `${o.kind}: still booked`);
          for (const o of outcomes) {
            if (o.refusal === "APPOINTMENT_CANCELLED") {
              assert.ok((o.kind === "move" || o.kind === "cancel") && cancels.length === 1, `${o.kind}: cancelled`);
            }
          }
          // The feed holds every committed change once: the seed's booking, and every success.
          const { changes } = await direct.changes({ userId: user, limit: 1000 });
          const books = outcomes.filter((o) => o.kind === "book" && o.appointment).length;
          const successes = books + moves.length + cancels.length + keyed.size;
          assert.equal(changes.length, 1 + successes, "one event per committed change");
        }),
        c.fastCheck,
      );
    },
  },
];

/**
 * The store, with each call started, and each answer delivered, at a moment fast-check's scheduler picks:
 * every interleaving of the operations' store calls becomes reachable, also for a store that answers
 * synchronously.
 */
export function scheduledStore(store: AppointmentStore, s: fc.Scheduler): AppointmentStore {
  const scheduled =
    <A extends unknown[], T>(call: (...args: A) => Promise<T>) =>
    async (...args: A): Promise<T> => {
      await s.schedule(Promise.resolve(), "start");
      return s.schedule(call(...args), "answer");
    };
  return {
    write: scheduled((request, options) => store.write(request, options)),
    listAppointments: scheduled((userId, query, options) => store.listAppointments(userId, query, options)),
    listResourceAppointments: scheduled((resourceId, query, options) =>
      store.listResourceAppointments(resourceId, query, options),
    ),
    getAppointment: scheduled((userId, id, options) => store.getAppointment(userId, id, options)),
    readChanges: scheduled((query, options) => store.readChanges(query, options)),
    purgeExpired: scheduled((nowMs, options) => store.purgeExpired(nowMs, options)),
  };
}
