/**
 * The rules of time for changes: a cancellation or a move needs the policy's notice, an appointment that has
 * started cannot change (staff can record a late cancellation, which keeps its quota), the past is a policy
 * choice for bookings, and a policy whose window is empty is refused when the scheduler is created.
 */
import {
  createScheduler,
  isSchedulerError,
  type PolicyOptions,
  type SchedulerOptions,
  TooLateToChangeError,
} from "appointment-scheduler";
import * as fc from "fast-check";
import { Temporal } from "temporal-polyfill";
import { describe, expect, it } from "vitest";
import { expectCode, settableClock } from "./support.js";

const START = Temporal.Instant.from("2021-04-22T11:30Z");
const MINUTE_MS = 60_000;

/** A scheduler whose clock a test moves, with one appointment booked at {@link START} for user 1. */
async function oneBooked(options: SchedulerOptions = {}, bookedAt = Temporal.Instant.from("2021-04-01T00:00Z")) {
  const clock = settableClock(bookedAt.toString());
  const scheduler = createScheduler({ ...options, now: clock.now });
  const booked = await scheduler.book(1, "2021-04-22 11:30");
  return { scheduler, booked, clock };
}

describe("cancellationNotice and rescheduleNotice", () => {
  it("refuse a cancel 30 minutes before the start under 24 hours of notice, with the rule and the deadline", async () => {
    const { scheduler, booked, clock } = await oneBooked({ policy: { cancellationNotice: { hours: 24 } } });
    clock.set(START.subtract({ minutes: 30 }).toString());
    const error = await expectCode(scheduler.cancel(1, booked.id), "TOO_LATE_TO_CHANGE");
    expect(error).toBeInstanceOf(TooLateToChangeError);
    if (!isSchedulerError(error, "TOO_LATE_TO_CHANGE")) throw error;
    expect(error.rule).toBe("cancellationNotice");
    expect(error.deadline.toInstant().equals(START.subtract({ hours: 24 }))).toBe(true);
    expect(error.appointment).toEqual(booked);
    expect((await scheduler.get(1, booked.id))?.status).toBe("booked");
    // The move has no notice of its own here: it is allowed until the start.
    await expect(scheduler.reschedule(1, booked.id, "2021-04-23 11:30")).resolves.toMatchObject({ version: 2 });
  });

  it("refuse a move within rescheduleNotice of the current start, whatever the new start", async () => {
    const { scheduler, booked, clock } = await oneBooked({ policy: { rescheduleNotice: { hours: 2 } } });
    clock.set(START.subtract({ hours: 1 }).toString());
    const error = await expectCode(scheduler.reschedule(1, booked.id, "2021-04-30 11:30"), "TOO_LATE_TO_CHANGE");
    if (!isSchedulerError(error, "TOO_LATE_TO_CHANGE")) throw error;
    expect(error.rule).toBe("rescheduleNotice");
    expect(error.deadline.toInstant().equals(START.subtract({ hours: 2 }))).toBe(true);
    // The cancellation has no notice of its own here.
    await expect(scheduler.cancel(1, booked.id)).resolves.toMatchObject({ status: "cancelled" });
  });

  it("accept a change exactly at the deadline, and check the new start against minimumNotice", async () => {
    const { scheduler, booked, clock } = await oneBooked({
      policy: { rescheduleNotice: { hours: 24 }, minimumNotice: { hours: 48 } },
    });
    clock.set(START.subtract({ hours: 24 }).toString());
    await expectCode(scheduler.reschedule(1, booked.id, "2021-04-22 12:00"), "OUTSIDE_BOOKING_WINDOW");
    await expect(scheduler.reschedule(1, booked.id, "2021-04-25 11:30")).resolves.toMatchObject({ version: 2 });
  });

  it("allow a change if and only if the start is after now and at least the notice away (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: -3 * 24 * 60, max: 3 * 24 * 60 }),
        fc.option(fc.integer({ min: 0, max: 48 * 60 }), { nil: undefined }),
        fc.constantFrom("cancel", "reschedule"),
        async (minutesBefore, noticeMinutes, operation) => {
          const rule = operation === "cancel" ? "cancellationNotice" : "rescheduleNotice";
          const policy: PolicyOptions =
            noticeMinutes === undefined ? {} : { [rule]: { minutes: noticeMinutes }, limit: { max: 2, per: "day" } };
          const { scheduler, booked, clock } = await oneBooked({ policy }, START.subtract({ hours: 100 }));
          const now = START.subtract({ minutes: minutesBefore });
          clock.set(now.toString());
          const change =
            operation === "cancel"
              ? scheduler.cancel(1, booked.id)
              : scheduler.reschedule(1, booked.id, "2021-05-22 11:30");
          const earliest = now.epochMilliseconds + (noticeMinutes ?? 0) * MINUTE_MS;
          const allowed = START.epochMilliseconds > now.epochMilliseconds && START.epochMilliseconds >= earliest;
          const settled = await change.then(
            () => "changed",
            (error: unknown) => (isSchedulerError(error) ? error.code : error),
          );
          const refusal = minutesBefore <= 0 ? "APPOINTMENT_STARTED" : "TOO_LATE_TO_CHANGE";
          expect(settled).toBe(allowed ? "changed" : refusal);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe("an appointment that has started", () => {
  it("cannot be cancelled or moved once started or ended: APPOINTMENT_STARTED, unchanged", async () => {
    for (const now of [START, START.add({ minutes: 10 }), START.add({ hours: 72 })]) {
      const { scheduler, booked, clock } = await oneBooked();
      clock.set(now.toString());
      const cancel = await expectCode(scheduler.cancel(1, booked.id), "APPOINTMENT_STARTED");
      if (!isSchedulerError(cancel, "APPOINTMENT_STARTED")) throw cancel;
      expect(cancel.appointment).toEqual(booked);
      await expectCode(scheduler.reschedule(1, booked.id, "2021-05-01 10:00"), "APPOINTMENT_STARTED");
      expect(await scheduler.get(1, booked.id)).toEqual(booked);
      expect((await scheduler.changes()).changes).toHaveLength(1);
    }
  });

  it("can be cancelled by staff with allowLate, and then keeps counting toward its date's limit", async () => {
    const { scheduler, booked, clock } = await oneBooked();
    clock.set(START.add({ hours: 1 }).toString());
    const noShow = await scheduler.cancel(1, booked.id, { allowLate: true, reason: "no-show" });
    expect(noShow).toMatchObject({ status: "cancelled", cancellationReason: "no-show", version: 2 });
    const error = await expectCode(scheduler.book(1, "2021-04-22 18:00"), "LIMIT_REACHED");
    if (!isSchedulerError(error, "LIMIT_REACHED")) throw error;
    expect(error.conflicting.id).toBe(booked.id);
    expect(await scheduler.availability(1, "2021-04-22")).toEqual([]);
  });

  it("cancelled late keeps its week's quota, but never blocks an overlap", async () => {
    const { scheduler, booked, clock } = await oneBooked({ policy: { limit: { max: 2, per: "week" } } });
    clock.set(START.add({ hours: 1 }).toString());
    await scheduler.cancel(1, booked.id, { allowLate: true });
    await expect(scheduler.book(1, "2021-04-22 11:30")).resolves.toBeDefined();
    await expectCode(scheduler.book(1, "2021-04-23 11:30"), "LIMIT_REACHED");
  });

  it("with allowLate before the start, within the notice, frees the date as any cancellation does", async () => {
    const { scheduler, booked, clock } = await oneBooked({ policy: { cancellationNotice: { days: 2 } } });
    clock.set(START.subtract({ hours: 1 }).toString());
    await expectCode(scheduler.cancel(1, booked.id), "TOO_LATE_TO_CHANGE");
    await scheduler.cancel(1, booked.id, { allowLate: true });
    await expect(scheduler.book(1, "2021-04-22 18:00")).resolves.toBeDefined();
  });

  it("refuses a non-boolean allowLate", async () => {
    const { scheduler, booked } = await oneBooked();
    await expectCode(scheduler.cancel(1, booked.id, { allowLate: "yes" as never }), "INVALID_ARGUMENT");
  });

  it("tells a retry with allowLate from one without: another request under the same key", async () => {
    const { scheduler, booked, clock } = await oneBooked();
    clock.set(START.add({ hours: 1 }).toString());
    await expectCode(scheduler.cancel(1, booked.id, { idempotencyKey: "k" }), "APPOINTMENT_STARTED");
    await expectCode(
      scheduler.cancel(1, booked.id, { idempotencyKey: "k", allowLate: true }),
      "IDEMPOTENCY_KEY_REUSED",
    );
  });
});

describe("allowPastStarts", () => {
  it("is true by default, as in the seed: a past start is booked and offered", async () => {
    const scheduler = createScheduler({ now: () => START });
    expect(await scheduler.availability(1, "2021-04-21")).toHaveLength(48);
    await expect(scheduler.book(1, "2021-04-21 09:00")).resolves.toBeDefined();
  });

  it("false: refuses starts before now with OUTSIDE_BOOKING_WINDOW (bound past), and offers none", async () => {
    const scheduler = createScheduler({ now: () => START, policy: { allowPastStarts: false } });
    const error = await expectCode(scheduler.book(1, "2021-04-22 11:00"), "OUTSIDE_BOOKING_WINDOW");
    if (!isSchedulerError(error, "OUTSIDE_BOOKING_WINDOW")) throw error;
    expect(error.bound).toBe("past");
    expect(error.limit.toInstant().equals(START)).toBe(true);
    expect(await scheduler.availability(1, "2021-04-21")).toEqual([]);
    const today = await scheduler.availability(1, "2021-04-22");
    expect(today[0]?.start.toString()).toBe("2021-04-22T11:30:00+00:00[UTC]");
    expect(today).toHaveLength(25);
    await expect(scheduler.book(1, "2021-04-22 11:30")).resolves.toBeDefined();
  });

  it("false refuses a move to the past too", async () => {
    const clock = settableClock("2021-04-01T00:00Z");
    const scheduler = createScheduler({ now: clock.now, policy: { allowPastStarts: false } });
    const booked = await scheduler.book(1, "2021-04-22 11:30");
    await expectCode(scheduler.reschedule(1, booked.id, "2021-03-01 11:30"), "OUTSIDE_BOOKING_WINDOW");
  });

  it("must be a boolean", () => {
    expect(() => createScheduler({ policy: { allowPastStarts: 0 as never } })).toThrow(/allowPastStarts/);
  });
});

describe("a policy whose booking window is empty", () => {
  it.each([
    [{ days: 10 }, { days: 1 }],
    [{ hours: 2 }, { hours: 2 }],
    [{ days: 30 }, { months: 1 }],
    [{ days: 29 }, { months: 1 }],
    [{ days: 366 }, { years: 1 }],
  ])("is refused at creation: minimumNotice %o, maximumHorizon %o", (minimumNotice, maximumHorizon) => {
    let thrown: unknown;
    try {
      createScheduler({ policy: { minimumNotice, maximumHorizon } });
    } catch (error) {
      thrown = error;
    }
    expect(isSchedulerError(thrown, "INVALID_ARGUMENT") && thrown.argument).toBe("options.policy.maximumHorizon");
  });

  it.each([
    [{ days: 1 }, { days: 2 }],
    [{ days: 27 }, { months: 1 }],
    [{ hours: 2 }, { days: 1 }],
    [{ days: 365 }, { years: 1, days: 1 }],
  ])("is accepted when never empty: minimumNotice %o, maximumHorizon %o", (minimumNotice, maximumHorizon) => {
    expect(createScheduler({ policy: { minimumNotice, maximumHorizon } }).policy.minimumNotice).not.toBeNull();
  });

  it("validates the notices of changes as durations", () => {
    expect(() => createScheduler({ policy: { cancellationNotice: "soon" as never } })).toThrow(/cancellationNotice/);
    expect(() => createScheduler({ policy: { rescheduleNotice: { hours: -1 } } })).toThrow(/rescheduleNotice/);
  });
});
