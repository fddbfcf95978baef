/**
 * The operations of a Scheduler: book, list (with ranges and statuses), get, cancel, reschedule and
 * availability, and the guarantees each one gives (sorting, ownership, atomic moves that keep the id,
 * cancellations that keep the appointment and release its dates).
 */
import { type Appointment, createScheduler, type Scheduler } from "appointment-scheduler";
import { toWireAppointment } from "appointment-scheduler/http";
import { Temporal } from "temporal-polyfill";
import { beforeEach, describe, expect, it } from "vitest";
import { expectCode } from "./support.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const starts = (appointments: Appointment[]) => appointments.map((a) => toWireAppointment(a).start_time);

let scheduler: Scheduler;
beforeEach(() => {
  scheduler = createScheduler();
});

describe("book", () => {
  it("returns an appointment with a stable id, the canonical user id, start and exclusive end", async () => {
    const appointment = await scheduler.book(42, "2021-04-22 11:30");
    expect(appointment.id).toMatch(UUID);
    expect(appointment.userId).toBe("42");
    expect(appointment.start.toString()).toBe("2021-04-22T11:30:00+00:00[UTC]");
    expect(appointment.end.toString()).toBe("2021-04-22T12:00:00+00:00[UTC]");
    expect(await scheduler.get(42, appointment.id)).toEqual(appointment);
  });

  it("gives every appointment its own id", async () => {
    const ids = new Set<string>();
    for (let day = 1; day <= 20; day++) {
      ids.add((await scheduler.book(1, `2021-05-${String(day).padStart(2, "0")} 09:00`)).id);
    }
    expect(ids.size).toBe(20);
  });

  it("treats back-to-back appointments of different users as independent", async () => {
    await scheduler.book(1, "2021-04-22 11:30");
    await expect(scheduler.book(2, "2021-04-22 11:30")).resolves.toBeDefined();
  });
});

describe("list", () => {
  it("returns the user's appointments sorted by start, whatever the booking order", async () => {
    for (const start of ["2021-04-25 09:00", "2021-04-21 15:30", "2021-04-24 00:00", "2021-04-22 23:30"]) {
      await scheduler.book(1, start);
    }
    expect(starts((await scheduler.list(1)).appointments)).toEqual([
      "2021-04-21 15:30",
      "2021-04-22 23:30",
      "2021-04-24 00:00",
      "2021-04-25 09:00",
    ]);
  });

  it("shows times in the user's zone", async () => {
    const london = createScheduler({ timeZone: "Europe/London" });
    await london.book(1, "2021-04-22T10:30Z");
    const [appointment] = (await london.list(1)).appointments;
    expect(appointment?.start.toString()).toBe("2021-04-22T11:30:00+01:00[Europe/London]");
  });

  describe("with a range: the appointments overlapping [from, to)", () => {
    beforeEach(async () => {
      await scheduler.book(1, "2021-04-21 11:30");
      await scheduler.book(1, "2021-04-22 11:30");
      await scheduler.book(1, "2021-04-23 11:30");
    });

    it.each([
      [{}, ["2021-04-21 11:30", "2021-04-22 11:30", "2021-04-23 11:30"]],
      [{ from: "2021-04-22 00:00" }, ["2021-04-22 11:30", "2021-04-23 11:30"]],
      [{ to: "2021-04-23 00:00" }, ["2021-04-21 11:30", "2021-04-22 11:30"]],
      [{ from: "2021-04-22 00:00", to: "2021-04-23 00:00" }, ["2021-04-22 11:30"]],
      // Overlap, not containment: an appointment that started before `from` but ends after it is included.
      [{ from: "2021-04-22 11:59" }, ["2021-04-22 11:30", "2021-04-23 11:30"]],
      [{ to: "2021-04-22 11:31" }, ["2021-04-21 11:30", "2021-04-22 11:30"]],
      // Half-open: ending exactly at `from`, or starting exactly at `to`, does not overlap.
      [{ from: "2021-04-22 12:00" }, ["2021-04-23 11:30"]],
      [{ to: "2021-04-22 11:30" }, ["2021-04-21 11:30"]],
      [{ from: "2021-04-22 12:00", to: "2021-04-23 11:30" }, []],
      [{ from: "2021-04-24 00:00", to: "2021-04-22 00:00" }, []],
    ])("%j", async (range, expected) => {
      expect(starts((await scheduler.list(1, range)).appointments)).toEqual(expected);
    });

    it("reads range bounds as any start time is read: exact, Temporal, Date, or wall clock in the user's zone", async () => {
      const from = Temporal.Instant.from("2021-04-22T00:00Z");
      expect(starts((await scheduler.list(1, { from })).appointments)).toHaveLength(2);
      expect(starts((await scheduler.list(1, { from: new Date("2021-04-22T00:00Z") })).appointments)).toHaveLength(2);
      expect(starts((await scheduler.list(1, { to: "2021-04-22T11:00-01:00" })).appointments)).toHaveLength(2);
      const tokyo = createScheduler({ timeZone: "Asia/Tokyo" });
      await tokyo.book(1, "2021-04-22 08:30");
      // 2021-04-22 09:00 Tokyo is 00:00Z: the wall clock is the user's.
      expect((await tokyo.list(1, { from: "2021-04-22 09:00" })).appointments).toEqual([]);
    });

    it.each([
      [{ from: "2021-02-30" }, "range.from"],
      [{ to: "04/22/2021 11:30" }, "range.to"],
      [{ from: 1_619_049_600_000 }, "range.from"],
      ["2021-04-22", "range"],
      [null, "range"],
    ])("rejects %j with INVALID_ARGUMENT naming the bound", async (range, argument) => {
      const error = await expectCode(scheduler.list(1, range as never), "INVALID_ARGUMENT");
      expect(error).toMatchObject({ argument });
    });
  });
});

describe("get", () => {
  it("returns null for an unknown id or another user's appointment", async () => {
    const mine = await scheduler.book(1, "2021-04-22 11:30");
    expect(await scheduler.get(1, "no-such-id")).toBeNull();
    expect(await scheduler.get(2, mine.id)).toBeNull();
  });

  it("returns an appointment whatever its status: a cancelled one as cancel returned it", async () => {
    const mine = await scheduler.book(1, "2021-04-22 11:30");
    const cancelled = await scheduler.cancel(1, mine.id);
    expect(await scheduler.get(1, mine.id)).toEqual(cancelled);
    expect(cancelled).toMatchObject({ id: mine.id, status: "cancelled" });
  });

  it.each(["", "x".repeat(256), 42, null, undefined])("rejects the id %j", async (id) => {
    const error = await expectCode(scheduler.get(1, id as string), "INVALID_ARGUMENT");
    expect(error).toMatchObject({ argument: "id" });
  });
});

describe("cancel", () => {
  it("returns the appointment cancelled, keeps it, and frees its dates at once", async () => {
    const appointment = await scheduler.book(1, "2021-04-22 23:30");
    const cancelled = await scheduler.cancel(1, appointment.id, { reason: "travelling" });
    expect(cancelled).toMatchObject({
      id: appointment.id,
      userId: "1",
      status: "cancelled",
      version: appointment.version + 1,
      cancellationReason: "travelling",
      previousTimes: [],
    });
    expect(cancelled.start.equals(appointment.start)).toBe(true);
    expect(cancelled.end.equals(appointment.end)).toBe(true);
    expect(cancelled.cancelledAt).not.toBeNull();
    expect(await scheduler.get(1, appointment.id)).toEqual(cancelled);
    expect((await scheduler.list(1)).appointments).toEqual([]);
    expect((await scheduler.list(1, undefined, { status: "all" })).appointments).toEqual([cancelled]);
    // Both dates of the 23:30–00:00 appointment are free again.
    const tenOnFirst = await scheduler.book(1, "2021-04-22 10:00");
    const tenOnSecond = await scheduler.book(1, "2021-04-23 10:00");
    expect((await scheduler.list(1)).appointments).toEqual([tenOnFirst, tenOnSecond]);
    expect((await scheduler.list(1, undefined, { status: "all" })).appointments).toEqual([
      tenOnFirst,
      cancelled,
      tenOnSecond,
    ]);
  });

  it("reports APPOINTMENT_CANCELLED for a cancelled appointment, and NOT_FOUND for an unknown or other user's, changing nothing", async () => {
    const mine = await scheduler.book(1, "2021-04-22 11:30");
    const theirs = await scheduler.book(2, "2021-04-22 11:30");
    const cancelled = await scheduler.cancel(1, mine.id);
    const again = await expectCode(scheduler.cancel(1, mine.id, { reason: "twice" }), "APPOINTMENT_CANCELLED");
    expect(again).toMatchObject({ appointment: cancelled, message: "Appointment is cancelled" });
    expect(await scheduler.get(1, mine.id)).toEqual(cancelled);
    const error = await expectCode(scheduler.cancel(1, "no-such-id"), "NOT_FOUND");
    expect(error).toMatchObject({ appointmentId: "no-such-id", message: "Appointment not found" });
    await expectCode(scheduler.cancel(1, theirs.id), "NOT_FOUND");
    expect((await scheduler.list(2)).appointments).toEqual([theirs]);
    expect(await scheduler.get(2, theirs.id)).toEqual(theirs);
  });

  it("rejects an invalid id before looking", async () => {
    await expectCode(scheduler.cancel(1, "" as string), "INVALID_ARGUMENT");
  });
});

describe("reschedule", () => {
  it("moves an appointment: the same id at the new time, the old time in its history", async () => {
    const old = await scheduler.book(1, "2021-04-22 11:30");
    const moved = await scheduler.reschedule(1, old.id, "2021-04-24 09:00");
    expect(moved).toMatchObject({ id: old.id, userId: "1", status: "booked", version: old.version + 1 });
    expect(toWireAppointment(moved)).toEqual({ start_time: "2021-04-24 09:00", end_time: "2021-04-24 09:30" });
    expect(moved.previousTimes).toHaveLength(1);
    expect(toWireAppointment(moved.previousTimes[0] ?? old)).toEqual(toWireAppointment(old));
    expect(moved.createdAt.equals(old.createdAt)).toBe(true);
    expect(await scheduler.get(1, old.id)).toEqual(moved);
    expect((await scheduler.list(1)).appointments).toEqual([moved]);
    expect((await scheduler.list(1, undefined, { status: "all" })).appointments).toEqual([moved]);
    // The old date is free again.
    await expect(scheduler.book(1, "2021-04-22 15:00")).resolves.toBeDefined();
  });

  it("moves within the same date without conflicting with itself", async () => {
    const old = await scheduler.book(1, "2021-04-22 11:30");
    const moved = await scheduler.reschedule(1, old.id, "2021-04-22 15:00");
    expect(starts((await scheduler.list(1)).appointments)).toEqual(["2021-04-22 15:00"]);
    // Even to the very same time.
    const again = await scheduler.reschedule(1, moved.id, "2021-04-22 15:00");
    expect(again.start.equals(moved.start)).toBe(true);
    expect((await scheduler.list(1)).appointments).toEqual([again]);
  });

  it("moves a two-date appointment (23:30–00:00) onto its own second date", async () => {
    const old = await scheduler.book(1, "2021-04-22 23:30");
    await expect(scheduler.reschedule(1, old.id, "2021-04-23 10:00")).resolves.toBeDefined();
  });

  it("moves within a full date when the limit allows several", async () => {
    const twoPerDay = createScheduler({ policy: { limit: { max: 2, per: "day" } } });
    const first = await twoPerDay.book(1, "2021-04-22 09:00");
    await twoPerDay.book(1, "2021-04-22 10:00");
    await expect(twoPerDay.reschedule(1, first.id, "2021-04-22 16:00")).resolves.toBeDefined();
    expect(starts((await twoPerDay.list(1)).appointments)).toEqual(["2021-04-22 10:00", "2021-04-22 16:00"]);
  });

  it("keeps the old appointment when the new time is taken, and says by what", async () => {
    const blocking = await scheduler.book(1, "2021-04-24 13:00");
    const old = await scheduler.book(1, "2021-04-22 11:30");
    const error = await expectCode(scheduler.reschedule(1, old.id, "2021-04-24 09:00"), "LIMIT_REACHED");
    expect(error).toMatchObject({ conflicting: { id: blocking.id } });
    expect((await scheduler.list(1)).appointments).toEqual([old, blocking]);
  });

  it.each([
    ["an invalid time", "BAD_INPUT", "INVALID_DATETIME"],
    ["a misaligned time", "2021-04-24 09:10", "MISALIGNED_START"],
    ["a time in a gap", "2021-03-14 02:30", "NONEXISTENT_LOCAL_TIME"],
  ] as const)("keeps the old appointment when the new time is %s", async (_, newStart, code) => {
    const newYork = createScheduler({ timeZone: "America/New_York" });
    const old = await newYork.book(1, "2021-04-22 11:30");
    await expectCode(newYork.reschedule(1, old.id, newStart), code);
    expect((await newYork.list(1)).appointments).toEqual([old]);
  });

  it("cannot move a cancelled appointment: APPOINTMENT_CANCELLED, changing nothing", async () => {
    const old = await scheduler.book(1, "2021-04-22 11:30");
    const cancelled = await scheduler.cancel(1, old.id);
    const error = await expectCode(scheduler.reschedule(1, old.id, "2021-04-23 11:30"), "APPOINTMENT_CANCELLED");
    expect(error).toMatchObject({ appointment: cancelled });
    expect((await scheduler.list(1)).appointments).toEqual([]);
    expect(await scheduler.get(1, old.id)).toEqual(cancelled);
  });

  it("moves an appointment that was already moved, by the same id, keeping every earlier time", async () => {
    const old = await scheduler.book(1, "2021-04-22 11:30");
    const moved = await scheduler.reschedule(1, old.id, "2021-04-23 11:30");
    const again = await scheduler.reschedule(1, old.id, "2021-04-25 11:30");
    expect(again).toMatchObject({ id: old.id, version: 3 });
    expect(again.previousTimes.map((times) => toWireAppointment(times).start_time)).toEqual([
      "2021-04-22 11:30",
      "2021-04-23 11:30",
    ]);
    expect(again.previousTimes[0]).toEqual(moved.previousTimes[0]);
    expect((await scheduler.list(1)).appointments).toEqual([again]);
    // Both earlier dates are free.
    await expect(scheduler.book(1, "2021-04-22 09:00")).resolves.toBeDefined();
    await expect(scheduler.book(1, "2021-04-23 09:00")).resolves.toBeDefined();
  });

  it("cannot move another user's appointment", async () => {
    const theirs = await scheduler.book(2, "2021-04-22 11:30");
    await expectCode(scheduler.reschedule(1, theirs.id, "2021-04-23 11:30"), "NOT_FOUND");
    expect((await scheduler.list(1)).appointments).toEqual([]);
    expect((await scheduler.list(2)).appointments).toEqual([theirs]);
  });

  it("applies two concurrent moves of one appointment one after the other, never duplicating it", async () => {
    const old = await scheduler.book(1, "2021-04-22 11:30");
    const [first, second] = await Promise.all([
      scheduler.reschedule(1, old.id, "2021-04-23 11:30"),
      scheduler.reschedule(1, old.id, "2021-04-24 11:30"),
    ]);
    // Each write saw the other's result or came before it: versions 2 and 3, one appointment at the last time.
    expect([first?.version, second?.version].sort()).toEqual([2, 3]);
    const last = first?.version === 3 ? first : second;
    expect((await scheduler.list(1, undefined, { status: "all" })).appointments).toEqual([last]);
    expect(last?.previousTimes).toHaveLength(2);
  });

  it("of a concurrent move and cancellation, the cancellation ends it: the move came first or is refused", async () => {
    const old = await scheduler.book(1, "2021-04-22 11:30");
    const [move, cancel] = await Promise.allSettled([
      scheduler.reschedule(1, old.id, "2021-04-23 11:30"),
      scheduler.cancel(1, old.id),
    ]);
    expect(cancel.status).toBe("fulfilled");
    const final = await scheduler.get(1, old.id);
    expect(final).toMatchObject({ status: "cancelled" });
    if (move.status === "fulfilled") expect(final?.version).toBe(3);
    else expect(move.reason).toMatchObject({ code: "APPOINTMENT_CANCELLED" });
    expect((await scheduler.list(1)).appointments).toEqual([]);
  });
});

describe("availability", () => {
  it("offers every aligned start of the date, each with its end, for a user with no appointments", async () => {
    const slots = await scheduler.availability(1, "2021-04-22");
    expect(slots).toHaveLength(48);
    expect(toWireAppointment(slots[0] as NonNullable<(typeof slots)[0]>)).toEqual({
      start_time: "2021-04-22 00:00",
      end_time: "2021-04-22 00:30",
    });
    expect(toWireAppointment(slots[47] as NonNullable<(typeof slots)[0]>)).toEqual({
      start_time: "2021-04-22 23:30",
      end_time: "2021-04-23 00:00",
    });
  });

  it("offers nothing on a date the user already has an appointment", async () => {
    await scheduler.book(1, "2021-04-22 11:30");
    expect(await scheduler.availability(1, "2021-04-22")).toEqual([]);
    expect(await scheduler.availability(2, "2021-04-22")).toHaveLength(48);
  });

  it("offers nothing on a date held by the previous night's 23:30 appointment", async () => {
    await scheduler.book(1, "2021-04-21 23:30");
    expect(await scheduler.availability(1, "2021-04-22")).toEqual([]);
  });

  it("leaves out 23:30 when the next date is taken (it would end on that date)", async () => {
    await scheduler.book(1, "2021-04-23 10:00");
    const slots = await scheduler.availability(1, "2021-04-22");
    expect(slots).toHaveLength(47);
    expect(slots.at(-1)?.start.toString()).toBe("2021-04-22T23:00:00+00:00[UTC]");
  });

  it("follows the period of the limit", async () => {
    const weekly = createScheduler({ policy: { limit: { max: 1, per: "week" } } });
    await weekly.book(1, "2021-04-28 10:00"); // Wednesday
    expect(await weekly.availability(1, "2021-04-26")).toEqual([]); // Monday, same week
    expect(await weekly.availability(1, "2021-05-02")).toEqual([]); // Sunday, same week
    // The Sunday before: all but 23:30, which would end at 00:00 on Monday, in the taken week.
    expect(await weekly.availability(1, "2021-04-25")).toHaveLength(47);
    // Two a day: every start but the one overlapping the booked appointment (no overlap by default) …
    const twice = createScheduler({ policy: { limit: { max: 2, per: "day" } } });
    await twice.book(1, "2021-04-22 10:00");
    const offered = (await twice.availability(1, "2021-04-22")).map((slot) => toWireAppointment(slot).start_time);
    expect(offered).toHaveLength(47);
    expect(offered).not.toContain("2021-04-22 10:00");
    expect(offered).toContain("2021-04-22 09:30");
    expect(offered).toContain("2021-04-22 10:30");
    // … and every start when overlapping is allowed.
    const overlapping = createScheduler({ policy: { limit: { max: 2, per: "day" }, allowOverlap: true } });
    await overlapping.book(1, "2021-04-22 10:00");
    expect(await overlapping.availability(1, "2021-04-22")).toHaveLength(48);
  });

  it("offers only starts that book succeeds with", async () => {
    await scheduler.book(1, "2021-04-23 10:00");
    for (const slot of await scheduler.availability(1, "2021-04-22")) {
      const probe = createScheduler();
      await probe.book(1, "2021-04-23 10:00");
      await expect(probe.book(1, slot.start)).resolves.toMatchObject({ start: slot.start, end: slot.end });
    }
  });

  it("accepts a Temporal.PlainDate", async () => {
    expect(await scheduler.availability(1, Temporal.PlainDate.from("2021-04-22"))).toHaveLength(48);
  });

  it.each([
    "04/22/2021",
    "2021-04-22T11:30",
    "2021-4-22",
    "2021-02-30",
    "",
    20210422,
    null,
    Temporal.PlainDateTime.from("2021-04-22T00:00"),
  ])("rejects the date %j with INVALID_ARGUMENT", async (date) => {
    const error = await expectCode(scheduler.availability(1, date as string), "INVALID_ARGUMENT");
    expect(error).toMatchObject({ argument: "date" });
  });

  // Regression: a Temporal.PlainDate at the edge of Temporal's range escaped as a raw RangeError
  // ("Out-of-bounds date") while building the day's grid. Expected INVALID_ARGUMENT.
  it("rejects dates outside years 0000–9999 (regression: raw RangeError at Temporal's edges)", async () => {
    for (const date of ["+275760-09-13", "-271821-04-19", "+010000-01-01", "-000001-12-31"]) {
      await expectCode(scheduler.availability(1, Temporal.PlainDate.from(date)), "INVALID_ARGUMENT");
    }
    expect(await scheduler.availability(1, "0000-01-01")).toHaveLength(48);
    expect(await scheduler.availability(1, "9999-12-31")).toHaveLength(48);
  });
});
