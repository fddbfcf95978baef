/**
 * The change feed: every committed booking, move and cancellation, once, in commit order, with what a
 * consumer needs (the appointment after the change, the previous times of a move, the key, the time), read
 * in pages after a saved cursor; nothing for a write that did not commit.
 */

import { type AppointmentChangeEvent, createScheduler, type Scheduler } from "appointment-scheduler";
import { toWireAppointment } from "appointment-scheduler/http";
import * as fc from "fast-check";
import { describe, expect, it } from "vitest";
import { expectCode, settableClock } from "./support.js";

/** Reads the whole feed after `after` in pages of `limit`, as a consumer that saves its cursor would. */
async function readAll(scheduler: Scheduler, limit: number, after: string | null = null) {
  const events: AppointmentChangeEvent[] = [];
  let cursor = after;
  for (;;) {
    const page = await scheduler.changes({ after: cursor, limit });
    events.push(...page.changes);
    if (page.changes.length === 0) return { events, cursor: page.cursor };
    cursor = page.cursor;
  }
}

describe("the change feed", () => {
  it("records each change with the appointment after it, the previous times of a move, the key and the time", async () => {
    const clock = settableClock("2021-04-01T08:00:00Z");
    const scheduler = createScheduler({ now: clock.now, timeZone: "America/New_York" });
    const booked = await scheduler.book(1, "2021-04-22 11:30", { idempotencyKey: "b" });
    clock.set("2021-04-01T09:00:00Z");
    await scheduler.reschedule(1, booked.id, "2021-04-23 09:00");
    clock.set("2021-04-01T10:00:00Z");
    await scheduler.cancel(1, booked.id, { reason: "ill", idempotencyKey: "c" });

    const { changes, cursor } = await scheduler.changes();
    expect(
      changes.map((c) => [c.type, c.appointment.version, c.appointment.status, c.idempotencyKey, c.at.toString()]),
    ).toEqual([
      ["booked", 1, "booked", "b", "2021-04-01T08:00:00Z"],
      ["rescheduled", 2, "booked", null, "2021-04-01T09:00:00Z"],
      ["cancelled", 3, "cancelled", "c", "2021-04-01T10:00:00Z"],
    ]);
    const [first, move, cancel] = changes;
    expect(first?.previous).toBeNull();
    expect(move?.previous && toWireAppointment(move.previous)).toEqual({
      start_time: "2021-04-22 11:30",
      end_time: "2021-04-22 12:00",
    });
    expect(toWireAppointment(move?.appointment ?? booked).start_time).toBe("2021-04-23 09:00");
    expect(cancel?.appointment.cancellationReason).toBe("ill");
    expect(move?.appointment.start.timeZoneId).toBe("America/New_York");
    expect(cursor).toBe(cancel?.position);
    expect(new Set(changes.map((c) => c.position)).size).toBe(3);
  });

  it("has nothing for a write that did not commit: refusals, replays, reused keys", async () => {
    const scheduler = createScheduler();
    const booked = await scheduler.book(1, "2021-04-22 11:30", { idempotencyKey: "k" });
    await expectCode(scheduler.book(1, "2021-04-22 15:00"), "LIMIT_REACHED");
    await scheduler.book(1, "2021-04-22 11:30", { idempotencyKey: "k" });
    await expectCode(scheduler.book(1, "2021-04-25 11:30", { idempotencyKey: "k" }), "IDEMPOTENCY_KEY_REUSED");
    await expectCode(scheduler.cancel(1, "nope"), "NOT_FOUND");
    await expectCode(scheduler.book(1, "2021-04-22 11:45"), "MISALIGNED_START");
    await scheduler.cancel(1, booked.id);
    await expectCode(scheduler.cancel(1, booked.id), "APPOINTMENT_CANCELLED");
    expect((await scheduler.changes()).changes.map((c) => c.type)).toEqual(["booked", "cancelled"]);
  });

  it("pages after a saved cursor: every change exactly once, in the order of the writes (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 20 }), fc.boolean()), {
          maxLength: 40,
        }),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 0, max: 40 }),
        async (writes, pageSize, crashAfter) => {
          const scheduler = createScheduler();
          const committed: string[] = [];
          // A consumer reads part of the feed, "crashes", and resumes from its saved cursor.
          let saved: string | null = null;
          const seen: AppointmentChangeEvent[] = [];
          for (const [i, [user, day, cancel]] of writes.entries()) {
            const date = `2021-05-${String(day + 1).padStart(2, "0")} 10:00`;
            try {
              const booked = await scheduler.book(user, date);
              committed.push(`booked:${booked.id}`);
              if (cancel) {
                await scheduler.cancel(user, booked.id);
                committed.push(`cancelled:${booked.id}`);
              }
            } catch {
              // A refused booking: nothing committed.
            }
            if (i === crashAfter) {
              const { events, cursor } = await readAll(scheduler, pageSize, saved);
              seen.push(...events);
              saved = cursor;
            }
          }
          seen.push(...(await readAll(scheduler, pageSize, saved)).events);
          expect(seen.map((c) => `${c.type}:${c.appointment.id}`)).toEqual(committed);
        },
      ),
      { numRuns: 40 },
    );
  });

  it("reads one user's changes with userId", async () => {
    const scheduler = createScheduler();
    await scheduler.book(1, "2021-04-22 11:30");
    await scheduler.book(2, "2021-04-22 11:30");
    await scheduler.book("1", "2021-04-23 11:30");
    const page = await scheduler.changes({ userId: 1 });
    expect(page.changes.map((c) => c.appointment.userId)).toEqual(["1", "1"]);
  });

  it("drops events after the change retention", async () => {
    const clock = settableClock("2021-04-01T00:00:00Z");
    const scheduler = createScheduler({ now: clock.now, changeRetention: { days: 1 } });
    await scheduler.book(1, "2021-04-22 11:30");
    clock.set("2021-04-02T00:00:00Z");
    await scheduler.book(2, "2021-04-22 11:30");
    expect((await scheduler.changes()).changes.map((c) => c.appointment.userId)).toEqual(["2"]);
  });

  it.each([
    [{ after: "not-a-position" }, "after"],
    [{ after: 5 }, "options.after"],
    [{ limit: 0 }, "options.limit"],
    [{ limit: 1001 }, "options.limit"],
    [{ limit: 1.5 }, "options.limit"],
    [{ userId: "" }, undefined],
  ])("refuses %j with a typed error", async (options, argument) => {
    const scheduler = createScheduler();
    const error = await scheduler.changes(options as never).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject(argument ? { code: "INVALID_ARGUMENT", argument } : { code: "INVALID_USER_ID" });
  });
});
