/**
 * `availability(userId, date, { moving: id })`: the starts `reschedule(userId, id, start)` would accept now,
 * also on the appointment's own date, where the seed's one-a-day limit would otherwise refuse every other
 * start; the appointment's type and resource apply. Properties against `reschedule` itself, and the errors
 * `reschedule` gives for an appointment that cannot move.
 */
import {
  AppointmentCancelledError,
  AppointmentNotBookedError,
  AppointmentNotFoundError,
  AppointmentStartedError,
  createScheduler,
  InvalidArgumentError,
  MemoryStore,
  type Scheduler,
  TooLateToChangeError,
} from "appointment-scheduler";
import fc from "fast-check";
import { Temporal } from "temporal-polyfill";
import { describe, expect, it } from "vitest";
import { weekdays } from "../resources/support.js";

const at = (date: string, slot: number) =>
  `${date} ${String(Math.floor(slot / 2)).padStart(2, "0")}:${slot % 2 ? "30" : "00"}`;

/** Whether `reschedule` accepts `start` for the appointment now; if it does, the appointment is moved back. */
async function moves(scheduler: Scheduler, user: string, id: string, start: string): Promise<boolean> {
  const before = await scheduler.get(user, id);
  try {
    await scheduler.reschedule(user, id, start);
  } catch {
    return false;
  }
  await scheduler.reschedule(user, id, before?.start as Temporal.ZonedDateTime);
  return true;
}

describe("availability for a move", () => {
  it("offers exactly the starts reschedule accepts, the appointment's own date included (seed's policy, property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 47 }),
        fc.array(fc.record({ day: fc.integer({ min: 20, max: 24 }), slot: fc.integer({ min: 0, max: 47 }) }), {
          maxLength: 5,
        }),
        fc.integer({ min: 21, max: 23 }),
        async (ownSlot, others, day) => {
          const scheduler = createScheduler({ store: new MemoryStore(), timeZone: "America/New_York" });
          const own = await scheduler.book("ann", at("2030-04-22", ownSlot));
          for (const other of others) {
            await scheduler.book("ann", at(`2030-04-${other.day}`, other.slot)).catch(() => undefined);
          }
          const date = `2030-04-${day}`;
          const offered = await scheduler.availability("ann", date, { moving: own.id });
          const offeredTimes = new Set(offered.map((slot) => slot.start.toPlainTime().toString().slice(0, 5)));
          for (let slot = 0; slot < 48; slot++) {
            const start = at(date, slot);
            expect(offeredTimes.has(start.slice(11)), start).toBe(await moves(scheduler, "ann", own.id, start));
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  it("keeps the appointment's type and resource, and leaves its own occupancy of the resource out (property)", async () => {
    const clinic = () =>
      createScheduler({
        store: new MemoryStore(),
        timeZone: "America/New_York",
        policy: { appointmentTypes: { consult: { durationMinutes: 60 } } },
        resources: {
          "dr-lee": {
            timeZone: "America/New_York",
            weeklyHours: weekdays([["09:00", "17:00"]]),
            bufferAfterMinutes: 15,
          },
        },
      });
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 18, max: 30 }),
        fc.array(fc.record({ user: fc.constantFrom("bob", "cy"), slot: fc.integer({ min: 16, max: 34 }) }), {
          maxLength: 6,
        }),
        async (ownSlot, others) => {
          const scheduler = clinic();
          const own = await scheduler
            .book("ann", at("2030-04-22", ownSlot), { resource: "dr-lee", type: "consult" })
            .catch(() => null);
          fc.pre(own !== null);
          for (const other of others) {
            await scheduler
              .book(other.user, at("2030-04-22", other.slot), { resource: "dr-lee" })
              .catch(() => undefined);
          }
          const offered = await scheduler.availability("ann", "2030-04-22", { moving: own?.id as string });
          for (const slot of offered) {
            expect(slot.resources).toEqual(["dr-lee"]);
            expect(slot.end.since(slot.start).total("minutes")).toBe(60);
          }
          const offeredTimes = new Set(offered.map((slot) => slot.start.toPlainTime().toString().slice(0, 5)));
          for (let slot = 0; slot < 48; slot++) {
            const start = at("2030-04-22", slot);
            expect(offeredTimes.has(start.slice(11)), start).toBe(
              await moves(scheduler, "ann", own?.id as string, start),
            );
          }
        },
      ),
      { numRuns: 20 },
    );
  });

  it("refuses as reschedule does: unknown, cancelled, a hold, started, within the notice; and type or resources beside it", async () => {
    let now = Temporal.Instant.from("2030-04-20T12:00Z");
    const scheduler = createScheduler({
      store: new MemoryStore(),
      timeZone: "UTC",
      now: () => now,
      policy: { rescheduleNotice: { hours: 24 } },
    });
    const date = "2030-04-25";
    await expect(scheduler.availability(1, date, { moving: "no-such-id" })).rejects.toBeInstanceOf(
      AppointmentNotFoundError,
    );
    const cancelled = await scheduler.book(1, "2030-04-21 10:00");
    await scheduler.cancel(1, cancelled.id);
    await expect(scheduler.availability(1, date, { moving: cancelled.id })).rejects.toBeInstanceOf(
      AppointmentCancelledError,
    );
    const held = await scheduler.hold(1, "2030-04-23 10:00");
    await expect(scheduler.availability(1, date, { moving: held.id })).rejects.toBeInstanceOf(
      AppointmentNotBookedError,
    );
    await scheduler.release(1, held.id);
    const soon = await scheduler.book(1, "2030-04-21 10:00");
    await expect(scheduler.availability(1, date, { moving: soon.id })).rejects.toBeInstanceOf(TooLateToChangeError);
    now = Temporal.Instant.from("2030-04-21T10:30Z");
    await expect(scheduler.availability(1, date, { moving: soon.id })).rejects.toBeInstanceOf(AppointmentStartedError);
    await expect(scheduler.availability(1, date, { moving: soon.id, type: "x" })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    await expect(scheduler.availability(1, date, { moving: 42 as unknown as string })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
  });
});
