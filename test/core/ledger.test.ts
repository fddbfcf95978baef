/**
 * Appointments as a ledger: a lifecycle with history, stable ids, metadata, limits counted from the facts
 * stored with each appointment (so that they survive a change of policy), and no overlap for one person.
 */
import {
  type Appointment,
  createScheduler,
  isSchedulerError,
  MemoryStore,
  type PolicyOptions,
} from "appointment-scheduler";
import { toWireAppointment } from "appointment-scheduler/http";
import { Temporal } from "temporal-polyfill";
import { describe, expect, expectTypeOf, it } from "vitest";
import { expectCode, settableClock } from "./support.js";

const wire = (appointment: Pick<Appointment, "start" | "end">) => toWireAppointment(appointment);

describe("the lifecycle of an appointment", () => {
  it("is booked with version 1, its creation time, no cancellation and no history", async () => {
    const clock = settableClock("2021-04-01T08:00:00Z");
    const scheduler = createScheduler({ now: clock.now });
    const booked = await scheduler.book(42, "2021-04-22 11:30");
    expect(booked).toMatchObject({
      userId: "42",
      status: "booked",
      version: 1,
      cancelledAt: null,
      cancellationReason: null,
      previousTimes: [],
      metadata: null,
    });
    expect(booked.createdAt.toString()).toBe("2021-04-01T08:00:00Z");
    expect(booked.updatedAt.equals(booked.createdAt)).toBe(true);
  });

  it("keeps a cancelled appointment with its time, reason and version, and frees its date", async () => {
    const clock = settableClock("2021-04-01T08:00:00Z");
    const scheduler = createScheduler({ now: clock.now });
    const booked = await scheduler.book(42, "2021-04-22 11:30");
    clock.set("2021-04-02T09:15:00Z");
    const cancelled = await scheduler.cancel(42, booked.id, { reason: "feeling better" });
    expect(cancelled).toMatchObject({
      id: booked.id,
      status: "cancelled",
      version: 2,
      cancellationReason: "feeling better",
    });
    expect(cancelled.cancelledAt?.toString()).toBe("2021-04-02T09:15:00Z");
    expect(cancelled.updatedAt.toString()).toBe("2021-04-02T09:15:00Z");
    expect(cancelled.createdAt.toString()).toBe("2021-04-01T08:00:00Z");
    expect(wire(cancelled)).toEqual(wire(booked));

    // get returns it whatever its status; list only with { status: "all" }.
    expect(await scheduler.get(42, booked.id)).toMatchObject({ status: "cancelled", version: 2 });
    expect((await scheduler.list(42)).appointments).toEqual([]);
    expect((await scheduler.list(42, undefined, { status: "all" })).appointments.map((a) => a.id)).toEqual([booked.id]);
    // It no longer counts toward the limit.
    const again = await scheduler.book(42, "2021-04-22 15:00");
    expect((await scheduler.list(42)).appointments.map((a) => a.id)).toEqual([again.id]);
  });

  it("refuses to cancel or move a cancelled appointment, naming it", async () => {
    const scheduler = createScheduler();
    const booked = await scheduler.book(1, "2021-04-22 11:30");
    await scheduler.cancel(1, booked.id);
    const error = await expectCode(scheduler.cancel(1, booked.id), "APPOINTMENT_CANCELLED");
    if (isSchedulerError(error, "APPOINTMENT_CANCELLED")) expect(error.appointment.id).toBe(booked.id);
    await expectCode(scheduler.reschedule(1, booked.id, "2021-04-23 09:00"), "APPOINTMENT_CANCELLED");
    expect(await scheduler.get(1, booked.id)).toMatchObject({ status: "cancelled", version: 2 });
  });

  it("cancels without a reason, and refuses a reason that is not a short string", async () => {
    const scheduler = createScheduler();
    const booked = await scheduler.book(1, "2021-04-22 11:30");
    await expectCode(scheduler.cancel(1, booked.id, { reason: "x".repeat(501) }), "INVALID_ARGUMENT");
    await expectCode(scheduler.cancel(1, booked.id, { reason: 42 as never }), "INVALID_ARGUMENT");
    await expectCode(scheduler.cancel(1, booked.id, { reason: "\ud800" }), "INVALID_ARGUMENT");
    expect((await scheduler.get(1, booked.id))?.status).toBe("booked");
    expect(await scheduler.cancel(1, booked.id)).toMatchObject({ status: "cancelled", cancellationReason: null });
  });

  it("answers NOT_FOUND for an id the user never had, also another user's", async () => {
    const scheduler = createScheduler();
    const booked = await scheduler.book(1, "2021-04-22 11:30");
    await expectCode(scheduler.cancel(2, booked.id), "NOT_FOUND");
    await expectCode(scheduler.reschedule(2, booked.id, "2021-04-23 09:00"), "NOT_FOUND");
    await expectCode(scheduler.cancel(1, "never-booked"), "NOT_FOUND");
    expect(await scheduler.get(2, booked.id)).toBeNull();
  });
});

describe("a reschedule", () => {
  it("keeps the id, records where the appointment was, and counts the version up", async () => {
    const clock = settableClock("2021-04-01T08:00:00Z");
    const scheduler = createScheduler({ now: clock.now, timeZone: "Europe/London" });
    const booked = await scheduler.book(7, "2021-04-22 11:30");
    clock.set("2021-04-03T10:00:00Z");
    const moved = await scheduler.reschedule(7, booked.id, "2021-04-24 09:00");
    clock.set("2021-04-04T10:00:00Z");
    const movedAgain = await scheduler.reschedule(7, booked.id, "2021-04-25 16:30");

    expect(moved.id).toBe(booked.id);
    expect(movedAgain).toMatchObject({ id: booked.id, version: 3, status: "booked" });
    expect(wire(movedAgain)).toEqual({ start_time: "2021-04-25 16:30", end_time: "2021-04-25 17:00" });
    expect(
      movedAgain.previousTimes.map((previous) => ({ ...wire(previous), movedAt: previous.movedAt.toString() })),
    ).toEqual([
      { start_time: "2021-04-22 11:30", end_time: "2021-04-22 12:00", movedAt: "2021-04-03T10:00:00Z" },
      { start_time: "2021-04-24 09:00", end_time: "2021-04-24 09:30", movedAt: "2021-04-04T10:00:00Z" },
    ]);
    expect(movedAgain.createdAt.toString()).toBe("2021-04-01T08:00:00Z");
    expect(movedAgain.updatedAt.toString()).toBe("2021-04-04T10:00:00Z");
    expect((await scheduler.list(7)).appointments.map((a) => a.id)).toEqual([booked.id]);
    // The old dates are free again.
    await scheduler.book(7, "2021-04-22 13:00");
  });

  it("changes nothing when the new time is refused", async () => {
    const scheduler = createScheduler();
    const first = await scheduler.book(1, "2021-04-22 11:30");
    await scheduler.book(1, "2021-04-23 11:30");
    await expectCode(scheduler.reschedule(1, first.id, "2021-04-23 15:00"), "LIMIT_REACHED");
    expect(await scheduler.get(1, first.id)).toMatchObject({ version: 1, previousTimes: [] });
  });
});

describe("metadata", () => {
  it("is returned unchanged by book, get, list and the change feed, and never read by the rules", async () => {
    const scheduler = createScheduler();
    const metadata = { type: "check-up", notes: ["fasting", { room: 3 }], paid: false, price: 12.5, ref: null };
    const booked = await scheduler.book(1, "2021-04-22 11:30", { metadata });
    expect(booked.metadata).toEqual(metadata);
    expect((await scheduler.get(1, booked.id))?.metadata).toEqual(metadata);
    expect((await scheduler.list(1)).appointments[0]?.metadata).toEqual(metadata);
    expect((await scheduler.changes()).changes[0]?.appointment.metadata).toEqual(metadata);
    // Kept as given, not as changed afterwards.
    (metadata.notes as unknown[]).push("changed");
    expect((await scheduler.get(1, booked.id))?.metadata).toEqual({ ...metadata, notes: ["fasting", { room: 3 }] });
  });

  it("keeps a key named __proto__ as data", async () => {
    const scheduler = createScheduler();
    const metadata = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}');
    const booked = await scheduler.book(1, "2021-04-22 11:30", { metadata });
    expect(Object.keys(booked.metadata ?? {})).toEqual(["__proto__", "a"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(JSON.stringify(booked.metadata)).toBe('{"__proto__":{"polluted":true},"a":1}');
  });

  it.each([
    ["an array", [1, 2]],
    ["a string", "text"],
    ["a function inside", { f: () => 1 }],
    ["a non-finite number", { n: Number.NaN }],
    ["a Date", { at: new Date(0) }],
    ["a lone surrogate", { text: "\udc00" }],
    ["a NUL character, which PostgreSQL's jsonb cannot keep", { text: "a\u0000b" }],
    ["a NUL in a key", { "a\u0000": 1 }],
    ["more than 4 KiB", { text: "x".repeat(4100) }],
    ["more than 8 levels", { a: { b: { c: { d: { e: { f: { g: { h: { i: 1 } } } } } } } } }],
    ["a bigint", { n: 1n }],
  ])("is refused when it is %s, and nothing is booked", async (_, metadata) => {
    const scheduler = createScheduler();
    const error = await expectCode(
      scheduler.book(1, "2021-04-22 11:30", { metadata: metadata as never }),
      "INVALID_ARGUMENT",
    );
    expect(error).toMatchObject({ argument: "options.metadata" });
    expect((await scheduler.list(1)).appointments).toEqual([]);
  });
});

describe("limits counted from facts, not from the policy of the day", () => {
  it("counts appointments booked under another policy (the issue's example)", async () => {
    const store = new MemoryStore();
    const daily = createScheduler({ store });
    const weekly = createScheduler({ store, policy: { limit: { max: 2, per: "week" } } });
    // Monday 2021-04-19 to Sunday 2021-04-25.
    await daily.book(1, "2021-04-19 10:00");
    await daily.book(1, "2021-04-20 10:00");
    await daily.book(1, "2021-04-21 10:00");
    const error = await expectCode(weekly.book(1, "2021-04-22 10:00"), "LIMIT_REACHED");
    if (isSchedulerError(error, "LIMIT_REACHED")) expect(wire(error.conflicting).start_time).toBe("2021-04-19 10:00");
    // And the daily policy counts what the weekly one booked.
    await weekly.book(2, "2021-04-19 10:00");
    await expectCode(daily.book(2, "2021-04-19 15:00"), "LIMIT_REACHED");
    expect((await weekly.list(1)).appointments).toHaveLength(3);
  });

  it("counts under another duration and midnight rule: the dates come from the stored wall-clock times", async () => {
    const store = new MemoryStore();
    const long = createScheduler({ store, policy: { durationMinutes: 120 } });
    const seedRule = createScheduler({ store });
    const noMidnight = createScheduler({ store, policy: { endAtMidnightCountsOnNextDate: false } });
    await long.book(1, "2021-04-22 23:00"); // until 01:00: holds the 22nd and the 23rd under any policy
    await expectCode(seedRule.book(1, "2021-04-23 12:00"), "LIMIT_REACHED");
    await expectCode(noMidnight.book(1, "2021-04-23 12:00"), "LIMIT_REACHED");

    await seedRule.book(2, "2021-04-22 23:30"); // ends at 00:00 exactly
    await expectCode(seedRule.book(2, "2021-04-23 12:00"), "LIMIT_REACHED");
    await noMidnight.book(2, "2021-04-23 12:00"); // whose rule does not count an end at midnight
  });

  it("counts by the dates of the zone an appointment was booked in, after the user moves zones", async () => {
    const store = new MemoryStore();
    let zone = "Pacific/Kiritimati"; // UTC+14
    const scheduler = createScheduler({ store, timeZone: () => zone });
    await scheduler.book(1, "2021-04-22 00:00"); // 2021-04-21T10:00Z
    zone = "Etc/GMT+12"; // UTC-12: the same instant is 2021-04-20 22:00 here
    // The appointment keeps its date, the 22nd: that date is full, the 20th and 21st are free.
    expect(await scheduler.availability(1, "2021-04-22")).toEqual([]);
    await expectCode(scheduler.book(1, "2021-04-22 12:00"), "LIMIT_REACHED");
    // All but 23:30, which ends at 00:00 and so would take the full 22nd too.
    const on21 = (await scheduler.availability(1, "2021-04-21")).map((slot) => slot.start.toPlainTime().toString());
    expect(on21).toHaveLength(47);
    expect(on21).not.toContain("23:30:00");
    // All but 22:00, when the appointment is (its instant, shown in the new zone).
    const on20 = (await scheduler.availability(1, "2021-04-20")).map((slot) => slot.start.toPlainTime().toString());
    expect(on20).toHaveLength(47);
    expect(on20).not.toContain("22:00:00");
    await expectCode(scheduler.book(1, "2021-04-20 22:00"), "OVERLAPPING_APPOINTMENT");
    await scheduler.book(1, "2021-04-21 12:00");
  });
});

describe("no overlap for one person", () => {
  const policy: PolicyOptions = { limit: { max: 3, per: "day" }, durationMinutes: 45, alignmentMinutes: 15 };

  it("refuses an overlapping booking whatever the limit allows, naming the appointment it overlaps", async () => {
    const scheduler = createScheduler({ policy });
    const first = await scheduler.book(1, "2021-04-22 10:15");
    const error = await expectCode(scheduler.book(1, "2021-04-22 10:30"), "OVERLAPPING_APPOINTMENT");
    if (isSchedulerError(error) && error.code === "OVERLAPPING_APPOINTMENT") {
      expect(error.conflicting.id).toBe(first.id);
    }
    await expectCode(scheduler.book(1, "2021-04-22 09:45"), "OVERLAPPING_APPOINTMENT");
    // Touching is not overlapping (ends are exclusive), and another user is another person.
    await scheduler.book(1, "2021-04-22 11:00");
    await scheduler.book(1, "2021-04-22 09:30");
    await scheduler.book(2, "2021-04-22 10:30");
  });

  it("is not offered by availability, and a move never overlaps its own old time", async () => {
    const scheduler = createScheduler({ policy });
    const booked = await scheduler.book(1, "2021-04-22 10:15");
    const offered = (await scheduler.availability(1, "2021-04-22")).map((slot) => slot.start.toPlainTime().toString());
    expect(offered).not.toContain("09:45:00");
    expect(offered).not.toContain("10:30:00");
    expect(offered).toContain("09:30:00");
    expect(offered).toContain("11:00:00");
    const moved = await scheduler.reschedule(1, booked.id, "2021-04-22 10:30");
    expect(moved.id).toBe(booked.id);
  });

  it("is allowed with allowOverlap: true", async () => {
    const scheduler = createScheduler({ policy: { ...policy, allowOverlap: true } });
    await scheduler.book(1, "2021-04-22 10:15");
    await scheduler.book(1, "2021-04-22 10:30");
    expect((await scheduler.availability(1, "2021-04-22")).map((s) => s.start.toPlainTime().toString())).toContain(
      "10:45:00",
    );
    await scheduler.book(1, "2021-04-22 10:45");
    await expectCode(scheduler.book(1, "2021-04-22 12:00"), "LIMIT_REACHED");
  });

  it("checks the limit before the overlap", async () => {
    const scheduler = createScheduler({ policy: { ...policy, limit: { max: 1, per: "day" } } });
    await scheduler.book(1, "2021-04-22 10:15");
    await expectCode(scheduler.book(1, "2021-04-22 10:30"), "LIMIT_REACHED");
  });
});

describe("errors narrow by code in TypeScript", () => {
  it("gives the fields of the code's class after isSchedulerError and a check of code", async () => {
    const scheduler = createScheduler();
    await scheduler.book(1, "2021-04-22 11:30");
    let caught: unknown;
    try {
      await scheduler.book(1, "2021-04-22 15:00");
    } catch (error) {
      caught = error;
    }
    if (!isSchedulerError(caught) || caught.code !== "LIMIT_REACHED") throw new Error("expected LIMIT_REACHED");
    expectTypeOf(caught.conflicting).toEqualTypeOf<Appointment>();
    expectTypeOf(caught.conflicting.start).toEqualTypeOf<Temporal.ZonedDateTime>();
    expect(caught.conflicting.start).toBeInstanceOf(Temporal.ZonedDateTime);
    expect(caught.max).toBe(1);
  });

  it("narrows an error made by another copy of the package, which instanceof does not know", () => {
    // What a second copy (ESM beside CJS) makes: not our class, but branded.
    const foreign = Object.assign(new Error("User already has an appointment scheduled for this calendar date"), {
      code: "LIMIT_REACHED",
      conflicting: { id: "a" },
      period: "day",
      max: 1,
    });
    Object.defineProperty(foreign, Symbol.for("appointment-scheduler.error"), { value: true });
    expect(isSchedulerError(foreign)).toBe(true);
    expect(isSchedulerError(foreign, "LIMIT_REACHED")).toBe(true);
    expect(isSchedulerError(foreign, "NOT_FOUND")).toBe(false);
    if (isSchedulerError(foreign, "LIMIT_REACHED"))
      expectTypeOf(foreign.period).toEqualTypeOf<"day" | "week" | "month">();
  });
});
