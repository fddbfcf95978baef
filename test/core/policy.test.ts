/**
 * Every policy option: its default (the seed's rule), its effect, and its validation. Invalid values fail
 * when the scheduler is created, with INVALID_ARGUMENT naming the option.
 */
import { createScheduler, type PolicyOptions } from "appointment-scheduler";
import { toWireAppointment } from "appointment-scheduler/http";
import { Temporal } from "temporal-polyfill";
import { describe, expect, it } from "vitest";
import { expectCode, expectThrownCode, settableClock } from "./support.js";

const withPolicy = (policy: PolicyOptions, timeZone = "UTC") => createScheduler({ policy, timeZone });

/** Asserts that `policy` is refused at creation with INVALID_ARGUMENT for `argument`. */
function expectInvalidPolicy(policy: unknown, argument: string) {
  const error = expectThrownCode(() => createScheduler({ policy: policy as PolicyOptions }), "INVALID_ARGUMENT");
  expect(error).toMatchObject({ argument });
}

describe("defaults", () => {
  it("are the seed's rules, and no booking window", () => {
    expect(createScheduler().policy).toEqual({
      durationMinutes: 30,
      alignmentMinutes: 30,
      limit: { max: 1, per: "day" },
      endAtMidnightCountsOnNextDate: true,
      weekStartsOn: 1,
      minimumNotice: null,
      maximumHorizon: null,
      allowOverlap: false,
      allowPastStarts: true,
      cancellationNotice: null,
      rescheduleNotice: null,
      appointmentTypes: new Map(),
    });
    expect(createScheduler({}).policy).toEqual(createScheduler({ policy: {} }).policy);
  });

  it("accept times long past and far ahead: no notice and no horizon unless configured", async () => {
    const scheduler = createScheduler({ now: () => Temporal.Instant.from("2021-04-22T12:00Z") });
    await expect(scheduler.book(1, "1970-01-01 00:00")).resolves.toBeDefined();
    await expect(scheduler.book(1, "2021-04-22 11:30")).resolves.toBeDefined();
    await expect(scheduler.book(1, "9999-12-30 12:00")).resolves.toBeDefined();
  });

  it("reject a policy that is not an object", () => {
    for (const policy of [null, 5, "30", true]) expectInvalidPolicy(policy, "options.policy");
  });
});

describe("durationMinutes", () => {
  it("sets the length of every appointment", async () => {
    const appointment = await withPolicy({ durationMinutes: 45 }).book(1, "2021-04-22 11:30");
    expect(toWireAppointment(appointment)).toEqual({ start_time: "2021-04-22 11:30", end_time: "2021-04-22 12:15" });
  });

  it("makes a long appointment occupy every date it touches", async () => {
    const scheduler = withPolicy({ durationMinutes: 3 * 1440 });
    await scheduler.book(1, "2021-04-22 12:00");
    for (const date of ["2021-04-22", "2021-04-23", "2021-04-24", "2021-04-25"]) {
      await expectCode(scheduler.book(1, `${date} 08:00`), "LIMIT_REACHED");
    }
    await expect(scheduler.book(1, "2021-04-26 08:00")).resolves.toBeDefined();
  });

  it("accepts 1 to 14400 (ten days)", async () => {
    const short = await withPolicy({ durationMinutes: 1 }).book(1, "2021-04-22 11:30");
    expect(short.end.toString()).toBe("2021-04-22T11:31:00+00:00[UTC]");
    const long = await withPolicy({ durationMinutes: 14_400 }).book(1, "2021-04-22 11:30");
    expect(long.end.toString()).toBe("2021-05-02T11:30:00+00:00[UTC]");
  });

  it.each([0, -30, 1.5, 14_401, Number.NaN, Number.POSITIVE_INFINITY, "30", null, 30n])("rejects %s", (value) => {
    expectInvalidPolicy({ durationMinutes: value }, "options.policy.durationMinutes");
  });
});

describe("alignmentMinutes", () => {
  it("sets the grid of starts after local midnight", async () => {
    const scheduler = withPolicy({ alignmentMinutes: 15 });
    await expect(scheduler.book(1, "2021-04-22 11:15")).resolves.toBeDefined();
    await expect(scheduler.book(2, "2021-04-22 11:45")).resolves.toBeDefined();
    const error = await expectCode(scheduler.book(3, "2021-04-22 11:10"), "MISALIGNED_START");
    expect(error).toMatchObject({
      alignmentMinutes: 15,
      message: "Appointments must start on a multiple of 15 minutes after midnight",
    });
  });

  it("says 'on the hour' for 60 and keeps the seed's message for 30", async () => {
    const hourly = withPolicy({ alignmentMinutes: 60 });
    const error = await expectCode(hourly.book(1, "2021-04-22 11:30"), "MISALIGNED_START");
    expect(error.message).toBe("Appointments must start on the hour");
    const seed = await expectCode(withPolicy({}).book(1, "2021-04-22 11:15"), "MISALIGNED_START");
    expect(seed.message).toBe("Appointments must start on the hour or half hour");
  });

  it("gives every day 1440 / alignment starts", async () => {
    for (const alignmentMinutes of [1, 5, 20, 45, 90, 360, 1440]) {
      const slots = await withPolicy({ alignmentMinutes }).availability(1, "2021-04-22");
      expect(slots).toHaveLength(1440 / alignmentMinutes);
    }
  });

  it("with 1440 allows only midnight", async () => {
    const scheduler = withPolicy({ alignmentMinutes: 1440 });
    await expect(scheduler.book(1, "2021-04-22 00:00")).resolves.toBeDefined();
    await expectCode(scheduler.book(2, "2021-04-22 12:00"), "MISALIGNED_START");
  });

  it.each([0, -30, 7, 25, 1.5, 1441, 2880, Number.NaN, "30", null])("rejects %s", (value) => {
    expectInvalidPolicy({ alignmentMinutes: value }, "options.policy.alignmentMinutes");
  });
});

describe("limit", () => {
  it("max per day: allows max appointments on a date and reports the limit", async () => {
    const scheduler = withPolicy({ limit: { max: 2, per: "day" } });
    await scheduler.book(1, "2021-04-22 09:00");
    await scheduler.book(1, "2021-04-22 10:00");
    const error = await expectCode(scheduler.book(1, "2021-04-22 11:00"), "LIMIT_REACHED");
    expect(error).toMatchObject({
      period: "day",
      max: 2,
      message: "User already has 2 appointments scheduled for this calendar date",
    });
    await expect(scheduler.book(1, "2021-04-23 11:00")).resolves.toBeDefined();
  });

  it("per week: weeks start on Monday by default (ISO)", async () => {
    const scheduler = withPolicy({ limit: { max: 1, per: "week" } });
    await scheduler.book(1, "2021-04-21 10:00"); // Wednesday
    const error = await expectCode(scheduler.book(1, "2021-04-25 10:00"), "LIMIT_REACHED"); // Sunday
    expect(error).toMatchObject({
      period: "week",
      max: 1,
      message: "User already has an appointment scheduled for this week",
    });
    await expectCode(scheduler.book(1, "2021-04-19 00:00"), "LIMIT_REACHED"); // Monday
    await expect(scheduler.book(1, "2021-04-26 10:00")).resolves.toBeDefined(); // next Monday
  });

  it("per week: weekStartsOn moves the boundary (7 = Sunday)", async () => {
    const scheduler = withPolicy({ limit: { max: 1, per: "week" }, weekStartsOn: 7 });
    await scheduler.book(1, "2021-04-21 10:00"); // Wednesday, in the week from Sunday 18 April
    await expectCode(scheduler.book(1, "2021-04-24 10:00"), "LIMIT_REACHED"); // Saturday, same week
    await expectCode(scheduler.book(1, "2021-04-18 10:00"), "LIMIT_REACHED"); // Sunday, same week
    await expect(scheduler.book(1, "2021-04-25 10:00")).resolves.toBeDefined(); // Sunday, next week
    await expect(scheduler.book(1, "2021-04-17 10:00")).resolves.toBeDefined(); // Saturday, previous week
  });

  it("per week: an appointment ending at midnight between two weeks holds both", async () => {
    const scheduler = withPolicy({ limit: { max: 1, per: "week" } });
    await scheduler.book(1, "2021-04-25 23:30"); // Sunday → Monday 00:00
    await expectCode(scheduler.book(1, "2021-04-28 10:00"), "LIMIT_REACHED");
    await expectCode(scheduler.book(1, "2021-04-20 10:00"), "LIMIT_REACHED");
  });

  it("per month: calendar months, also holding the next one at midnight", async () => {
    const scheduler = withPolicy({ limit: { max: 1, per: "month" } });
    await scheduler.book(1, "2021-04-01 10:00");
    const error = await expectCode(scheduler.book(1, "2021-04-30 10:00"), "LIMIT_REACHED");
    expect(error).toMatchObject({
      period: "month",
      message: "User already has an appointment scheduled for this month",
    });
    await scheduler.book(1, "2021-05-31 23:30"); // holds May and June
    await expectCode(scheduler.book(1, "2021-06-15 10:00"), "LIMIT_REACHED");
    await expect(scheduler.book(1, "2021-07-01 10:00")).resolves.toBeDefined();
  });

  it("counts per user: another user is not limited", async () => {
    const scheduler = withPolicy({ limit: { max: 1, per: "month" } });
    await scheduler.book(1, "2021-04-01 10:00");
    await expect(scheduler.book(2, "2021-04-01 10:00")).resolves.toBeDefined();
  });

  it.each([
    [{ max: 0, per: "day" }, "options.policy.limit.max"],
    [{ max: 1001, per: "day" }, "options.policy.limit.max"],
    [{ max: 1.5, per: "day" }, "options.policy.limit.max"],
    [{ max: "1", per: "day" }, "options.policy.limit.max"],
    [{ per: "day" }, "options.policy.limit.max"],
    [{ max: 1, per: "year" }, "options.policy.limit.per"],
    [{ max: 1, per: "Day" }, "options.policy.limit.per"],
    [{ max: 1 }, "options.policy.limit.per"],
    [null, "options.policy.limit.max"],
    ["1/day", "options.policy.limit.max"],
  ])("rejects %j", (limit, argument) => {
    expectInvalidPolicy({ limit }, argument);
  });

  it.each([0, 8, 1.5, "1", null])("rejects weekStartsOn %j", (weekStartsOn) => {
    expectInvalidPolicy({ weekStartsOn }, "options.policy.weekStartsOn");
  });
});

describe("endAtMidnightCountsOnNextDate", () => {
  it("true (the seed's rule): an appointment ending at 00:00 blocks the next date", async () => {
    const scheduler = withPolicy({ endAtMidnightCountsOnNextDate: true });
    await scheduler.book(1, "2021-04-23 23:30");
    await expectCode(scheduler.book(1, "2021-04-24 13:00"), "LIMIT_REACHED");
    expect(await scheduler.availability(1, "2021-04-24")).toEqual([]);
  });

  it("false: an appointment ending at 00:00 occupies only its start date", async () => {
    const scheduler = withPolicy({ endAtMidnightCountsOnNextDate: false });
    await scheduler.book(1, "2021-04-23 23:30");
    expect(await scheduler.availability(1, "2021-04-24")).toHaveLength(48);
    await expect(scheduler.book(1, "2021-04-24 13:00")).resolves.toBeDefined();
  });

  it("false: a 23:30 start on a date before a booked one is allowed", async () => {
    const scheduler = withPolicy({ endAtMidnightCountsOnNextDate: false });
    await scheduler.book(1, "2021-04-24 13:00");
    await expect(scheduler.book(1, "2021-04-23 23:30")).resolves.toBeDefined();
  });

  it("false: an appointment that runs past midnight still occupies both dates", async () => {
    const scheduler = withPolicy({ endAtMidnightCountsOnNextDate: false, alignmentMinutes: 15 });
    await scheduler.book(1, "2021-04-23 23:45"); // ends 00:15
    await expectCode(scheduler.book(1, "2021-04-24 13:00"), "LIMIT_REACHED");
  });

  it.each(["yes", 1, null])("rejects %j", (value) => {
    expectInvalidPolicy({ endAtMidnightCountsOnNextDate: value }, "options.policy.endAtMidnightCountsOnNextDate");
  });
});

describe("allowOverlap", () => {
  it("false (the default): a booking overlapping another of the user's is refused, whatever the limit allows", async () => {
    const scheduler = withPolicy({ limit: { max: 3, per: "day" }, durationMinutes: 60 });
    const first = await scheduler.book(1, "2021-04-22 10:00");
    const error = await expectCode(scheduler.book(1, "2021-04-22 10:30"), "OVERLAPPING_APPOINTMENT");
    expect(error).toMatchObject({ conflicting: first });
    // Back to back is not an overlap ([start, end) is half-open), and other users are not affected.
    await expect(scheduler.book(1, "2021-04-22 11:00")).resolves.toBeDefined();
    await expect(scheduler.book(2, "2021-04-22 10:30")).resolves.toBeDefined();
  });

  it("true: overlapping bookings count toward the limit only", async () => {
    const scheduler = withPolicy({ limit: { max: 2, per: "day" }, durationMinutes: 60, allowOverlap: true });
    await scheduler.book(1, "2021-04-22 10:00");
    await expect(scheduler.book(1, "2021-04-22 10:30")).resolves.toBeDefined();
    await expectCode(scheduler.book(1, "2021-04-22 10:00"), "LIMIT_REACHED");
  });

  it.each(["yes", 1, null])("rejects %j", (value) => {
    expectInvalidPolicy({ allowOverlap: value }, "options.policy.allowOverlap");
  });
});

describe("minimumNotice and maximumHorizon, from the injected clock", () => {
  it("minimumNotice rejects starts sooner than now + notice, and says which is the earliest", async () => {
    const clock = settableClock("2021-04-22T08:00:00Z");
    const scheduler = createScheduler({ policy: { minimumNotice: { hours: 2 } }, now: clock.now });
    await expect(scheduler.book(1, "2021-04-22 10:00")).resolves.toBeDefined(); // exactly the notice
    const error = await expectCode(scheduler.book(2, "2021-04-22 09:30"), "OUTSIDE_BOOKING_WINDOW");
    expect(error).toMatchObject({ bound: "minimumNotice", message: "Appointments must be booked with more notice" });
    expect((error as unknown as { limit: Temporal.ZonedDateTime }).limit.toString()).toBe(
      "2021-04-22T10:00:00+00:00[UTC]",
    );
    // The clock is read on every call.
    clock.set("2021-04-22T08:30:00Z");
    await expectCode(scheduler.book(3, "2021-04-22 10:00"), "OUTSIDE_BOOKING_WINDOW");
  });

  it("maximumHorizon rejects starts later than now + horizon", async () => {
    const now = () => Temporal.Instant.from("2021-04-22T08:00:00Z");
    const scheduler = createScheduler({ policy: { maximumHorizon: { days: 90 } }, now });
    await expect(scheduler.book(1, "2021-07-21 08:00")).resolves.toBeDefined(); // exactly the horizon
    const error = await expectCode(scheduler.book(2, "2021-07-21 08:30"), "OUTSIDE_BOOKING_WINDOW");
    expect(error).toMatchObject({ bound: "maximumHorizon", message: "Appointments cannot be booked that far ahead" });
    expect((error as unknown as { limit: Temporal.ZonedDateTime }).limit.toString()).toBe(
      "2021-07-21T08:00:00+00:00[UTC]",
    );
  });

  it("accepts ISO strings and Temporal.Durations as well as duration-likes", async () => {
    const now = () => Temporal.Instant.from("2021-04-22T08:00:00Z");
    for (const minimumNotice of ["PT2H", Temporal.Duration.from({ minutes: 120 }), { hours: 2 }]) {
      const scheduler = createScheduler({ policy: { minimumNotice }, now });
      expect(scheduler.policy.minimumNotice?.total("minutes")).toBe(120);
      await expectCode(scheduler.book(1, "2021-04-22 09:30"), "OUTSIDE_BOOKING_WINDOW");
    }
  });

  it("adds calendar units in the user's zone: one day of notice across spring-forward is 23 hours", async () => {
    // Noon EST on 13 March + 1 day = noon EDT on 14 March (23 hours later).
    const now = () => Temporal.Instant.from("2021-03-13T17:00:00Z");
    const scheduler = createScheduler({ timeZone: "America/New_York", policy: { minimumNotice: { days: 1 } }, now });
    await expectCode(scheduler.book(1, "2021-03-14 11:30"), "OUTSIDE_BOOKING_WINDOW");
    await expect(scheduler.book(2, "2021-03-14 12:00")).resolves.toBeDefined();
  });

  it("leaves starts outside the window out of availability", async () => {
    const now = () => Temporal.Instant.from("2021-04-22T08:00:00Z");
    const scheduler = createScheduler({ policy: { minimumNotice: { hours: 2 }, maximumHorizon: { days: 1 } }, now });
    const today = await scheduler.availability(1, "2021-04-22");
    expect(today).toHaveLength(28); // 10:00 … 23:30
    expect(today[0]?.start.toString()).toBe("2021-04-22T10:00:00+00:00[UTC]");
    const tomorrow = await scheduler.availability(1, "2021-04-23");
    expect(tomorrow.map((slot) => slot.start.hour * 60 + slot.start.minute).at(-1)).toBe(8 * 60); // up to 08:00
    expect(await scheduler.availability(1, "2021-04-24")).toEqual([]);
    expect(await scheduler.availability(1, "2021-04-21")).toEqual([]);
  });

  it("applies to reschedule too, keeping the old appointment", async () => {
    const now = () => Temporal.Instant.from("2021-04-22T08:00:00Z");
    const scheduler = createScheduler({ policy: { minimumNotice: { hours: 2 } }, now });
    const appointment = await scheduler.book(1, "2021-04-23 10:00");
    await expectCode(scheduler.reschedule(1, appointment.id, "2021-04-22 09:00"), "OUTSIDE_BOOKING_WINDOW");
    expect(await scheduler.get(1, appointment.id)).not.toBeNull();
  });

  it.each([
    ["-PT1H", "must not be negative"],
    [{ hours: -1 }, "must not be negative"],
    ["two hours", "must be a Temporal duration"],
    [{}, "must be a Temporal duration"],
    [120, "must be a Temporal duration"],
  ])("rejects %j", (value, message) => {
    for (const option of ["minimumNotice", "maximumHorizon"] as const) {
      const error = expectThrownCode(() => createScheduler({ policy: { [option]: value } }), "INVALID_ARGUMENT");
      expect(error).toMatchObject({ argument: `options.policy.${option}` });
      expect(error.message).toContain(message);
    }
  });

  // Regression: a duration Temporal accepts but cannot add to a date (300000 years) made every booking fail
  // with a raw RangeError ("Out-of-bounds date"). Expected INVALID_ARGUMENT when the scheduler is created.
  it("rejects durations too long to add to a date (regression: raw RangeError on book)", () => {
    for (const value of [{ years: 300_000 }, { days: 100_000_000 }, "P20000Y", { years: 10_001 }]) {
      for (const option of ["minimumNotice", "maximumHorizon"] as const) {
        const error = expectThrownCode(() => createScheduler({ policy: { [option]: value } }), "INVALID_ARGUMENT");
        expect(error).toMatchObject({ argument: `options.policy.${option}` });
      }
    }
  });

  it("accepts a horizon of ten thousand years (no longer limit makes sense for years 0000–9999)", async () => {
    const scheduler = withPolicy({ maximumHorizon: { years: 10_000 } });
    await expect(scheduler.book(1, "9999-12-30 12:00")).resolves.toBeDefined();
  });

  it("rejects a clock that does not return a Temporal.Instant, when the clock is needed", async () => {
    const scheduler = createScheduler({
      policy: { minimumNotice: { hours: 1 } },
      now: (() => "2021-04-22T08:00:00Z") as unknown as () => Temporal.Instant,
    });
    const error = await expectCode(scheduler.book(1, "2021-04-22 11:30"), "INVALID_ARGUMENT");
    expect(error).toMatchObject({ argument: "options.now" });
    expectThrownCode(() => createScheduler({ now: "now" as unknown as () => Temporal.Instant }), "INVALID_ARGUMENT");
  });

  // Regression: a clock at the end of Temporal's range made `now + notice` throw a raw RangeError.
  it("reports a clock too close to Temporal's limits as a typed error (regression: raw RangeError)", async () => {
    const end = Temporal.Instant.fromEpochNanoseconds(10n ** 8n * 86_400n * 10n ** 9n);
    const scheduler = createScheduler({ policy: { maximumHorizon: { days: 1 } }, now: () => end });
    await expectCode(scheduler.book(1, "2021-04-22 11:30"), "INVALID_ARGUMENT");
    await expectCode(scheduler.availability(1, "2021-04-22"), "INVALID_ARGUMENT");
  });
});

describe("other scheduler options", () => {
  it("generateId makes the ids", async () => {
    let next = 0;
    const scheduler = createScheduler({ generateId: () => `appointment-${++next}` });
    expect((await scheduler.book(1, "2021-04-22 11:30")).id).toBe("appointment-1");
    expect((await scheduler.book(1, "2021-04-23 11:30")).id).toBe("appointment-2");
  });

  it("rejects ids that are not non-empty strings of at most 255 characters, before writing", async () => {
    for (const id of ["", "x".repeat(256), 42, null]) {
      const scheduler = createScheduler({ generateId: () => id as string });
      const error = await expectCode(scheduler.book(1, "2021-04-22 11:30"), "INVALID_ARGUMENT");
      expect(error).toMatchObject({ argument: "options.generateId" });
      expect((await scheduler.list(1)).appointments).toEqual([]);
    }
  });

  it("refuses an id the user already has, writing nothing (ids are unique per user)", async () => {
    const scheduler = createScheduler({ generateId: () => "same" });
    const first = await scheduler.book(1, "2021-04-22 11:30");
    const error = await expectCode(scheduler.book(1, "2021-04-23 11:30"), "INVALID_ARGUMENT");
    expect(error).toMatchObject({ argument: "options.generateId" });
    expect((await scheduler.list(1, undefined, { status: "all" })).appointments).toEqual([first]);
    // Another user may have the same id.
    await expect(scheduler.book(2, "2021-04-23 11:30")).resolves.toMatchObject({ id: "same", userId: "2" });
  });

  it.each([
    [{ ambiguousTime: "first" }, "options.ambiguousTime"],
    [{ generateId: "uuid" }, "options.generateId"],
    [{ store: {} }, "options.store"],
    [{ store: { insertAppointment() {} } }, "options.store"],
    // A store of contract v1, without the v2 methods.
    [
      { store: { insertAppointment() {}, listAppointments() {}, getAppointment() {}, deleteAppointment() {} } },
      "options.store",
    ],
    [{ store: { write() {}, listAppointments() {}, getAppointment() {}, readChanges() {} } }, "options.store"],
    [null, "options"],
    ["UTC", "options"],
  ])("rejects %j", (options, argument) => {
    const error = expectThrownCode(() => createScheduler(options as never), "INVALID_ARGUMENT");
    expect(error).toMatchObject({ argument });
  });

  it.each(["Mars/Olympus_Mons", "", "+25:00", "UTC+1", 5])("rejects the time zone %j", (timeZone) => {
    expectThrownCode(() => createScheduler({ timeZone: timeZone as string }), "INVALID_TIME_ZONE");
  });
});

describe("appointment types", () => {
  it("are validated, each with its duration and optional buffers", () => {
    const policy = createScheduler({
      policy: { appointmentTypes: { consult: { durationMinutes: 60, bufferAfterMinutes: 10 } } },
    }).policy;
    expect(policy.appointmentTypes.get("consult")).toEqual({
      name: "consult",
      durationMinutes: 60,
      bufferBeforeMinutes: null,
      bufferAfterMinutes: 10,
      alignmentMinutes: null,
    });
    for (const bad of [
      { consult: { durationMinutes: 0 } },
      { consult: {} },
      { consult: { durationMinutes: 30, color: "red" } },
      { consult: { durationMinutes: 30, bufferAfterMinutes: -1 } },
      [],
    ]) {
      expect(() => createScheduler({ policy: { appointmentTypes: bad as never } })).toThrow(
        expect.objectContaining({ code: "INVALID_ARGUMENT" }),
      );
    }
  });

  it("give a booking their duration", async () => {
    const scheduler = createScheduler({ policy: { appointmentTypes: { consult: { durationMinutes: 90 } } } });
    const appointment = await scheduler.book(1, "2021-04-22 10:00", { type: "consult" });
    expect(appointment.end.toString()).toContain("11:30");
    expect(appointment.type).toBe("consult");
    expect((await scheduler.book(2, "2021-04-22 10:00")).end.toString()).toContain("10:30");
  });
});
