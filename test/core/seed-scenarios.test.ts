/**
 * The seed service's own scenarios (its HTTP tests), replayed through the library: `book` for a POST, `list`
 * for a GET. Outputs are compared in the seed's wire form, failures by `code` and the seed's exact message.
 * Each scenario starts from a fresh `createScheduler()` with no options: the defaults are the seed's rules.
 */
import { createScheduler, type ErrorCode } from "appointment-scheduler";
import { toWireAppointment } from "appointment-scheduler/http";
import { describe, expect, it } from "vitest";
import { rejection } from "./support.js";

type Wire = { start_time: string; end_time: string };
type Step =
  | { book: [user: number, start: string]; accepts: Wire }
  | { book: [user: number, start: string]; rejects: { code: ErrorCode; message: string } }
  | { list: number; returns: Wire[] };

const INVALID = { code: "INVALID_DATETIME", message: "Appointments must be a valid datetime" } as const;
const MISALIGNED = { code: "MISALIGNED_START", message: "Appointments must start on the hour or half hour" } as const;
const SAME_DATE = {
  code: "LIMIT_REACHED",
  message: "User already has an appointment scheduled for this calendar date",
} as const;

const wire = (start: string, end: string): Wire => ({ start_time: start, end_time: end });
const at1130 = wire("2021-04-22 11:30", "2021-04-22 12:00");

/** The seed's scenarios, in the seed's order and with its names. */
const SEED_SCENARIOS: { name: string; steps: Step[] }[] = [
  {
    name: "get returns the user's appointment",
    steps: [
      { book: [1, "2021-04-22 11:30"], accepts: at1130 },
      { list: 1, returns: [at1130] },
    ],
  },
  {
    name: "get returns all of the user's appointments",
    steps: [
      { book: [1, "2021-04-21 11:30"], accepts: wire("2021-04-21 11:30", "2021-04-21 12:00") },
      { book: [1, "2021-04-22 11:30"], accepts: at1130 },
      { list: 1, returns: [wire("2021-04-21 11:30", "2021-04-21 12:00"), at1130] },
    ],
  },
  {
    name: "get returns only the specified user's appointments",
    steps: [
      { book: [1, "2021-04-21 11:30"], accepts: wire("2021-04-21 11:30", "2021-04-21 12:00") },
      { book: [2, "2021-04-22 11:30"], accepts: at1130 },
      { list: 1, returns: [wire("2021-04-21 11:30", "2021-04-21 12:00")] },
    ],
  },
  { name: "get for a user with no appointments", steps: [{ list: 7, returns: [] }] },
  {
    name: "an appointment at 23:30 ends at 00:00 the next day",
    steps: [
      { book: [1, "2021-04-22 23:30"], accepts: wire("2021-04-22 23:30", "2021-04-23 00:00") },
      { list: 1, returns: [wire("2021-04-22 23:30", "2021-04-23 00:00")] },
    ],
  },
  {
    name: "post creates the appointment (seconds given as zero)",
    steps: [{ book: [1, "2021-04-22 11:30:00"], accepts: at1130 }],
  },
  {
    name: "post rejects an invalid datetime",
    steps: [
      { book: [1, "BAD_INPUT"], rejects: INVALID },
      { list: 1, returns: [] },
    ],
  },
  {
    name: "post rejects a time not on the hour or half hour",
    steps: [
      { book: [1, "2021-04-22 11:03:00"], rejects: MISALIGNED },
      { list: 1, returns: [] },
    ],
  },
  {
    name: "post rejects a second appointment on the same day",
    steps: [
      { book: [1, "2021-04-22 11:30:00"], accepts: at1130 },
      { book: [1, "2021-04-22 11:30:00"], rejects: SAME_DATE },
      { book: [1, "2021-04-22 15:00"], rejects: SAME_DATE },
      { list: 1, returns: [at1130] },
    ],
  },
  {
    name: "an overnight appointment blocks the next day too",
    steps: [
      { book: [1, "2021-04-23 23:30"], accepts: wire("2021-04-23 23:30", "2021-04-24 00:00") },
      { book: [1, "2021-04-24 13:00"], rejects: SAME_DATE },
      { list: 1, returns: [wire("2021-04-23 23:30", "2021-04-24 00:00")] },
    ],
  },
  {
    name: "another user may book the same time",
    steps: [
      { book: [1, "2021-04-22 11:30"], accepts: at1130 },
      { book: [2, "2021-04-22 11:30"], accepts: at1130 },
    ],
  },
];

describe("the seed's scenarios, through the library", () => {
  it.each(SEED_SCENARIOS)("$name", async ({ steps }) => {
    const scheduler = createScheduler();
    for (const step of steps) {
      if ("list" in step) {
        const appointments = (await scheduler.list(step.list)).appointments;
        expect(appointments.map(toWireAppointment)).toEqual(step.returns);
      } else if ("accepts" in step) {
        const appointment = await scheduler.book(...step.book);
        expect(toWireAppointment(appointment)).toEqual(step.accepts);
        expect(appointment.userId).toBe(String(step.book[0]));
      } else {
        const error = await rejection(scheduler.book(...step.book));
        expect({ code: error.code, message: error.message }).toEqual(step.rejects);
      }
    }
  });
});

describe("the seed's rules beyond its own scenarios", () => {
  it("has unlimited practitioners: any number of users may book the same time", async () => {
    const scheduler = createScheduler();
    const users = Array.from({ length: 100 }, (_, i) => i + 1);
    const booked = await Promise.all(users.map((user) => scheduler.book(user, "2021-04-22 11:30")));
    expect(booked.map(toWireAppointment)).toEqual(users.map(() => at1130));
  });

  it("lets the appointment before midnight block the next date but not the one after it", async () => {
    const scheduler = createScheduler();
    await scheduler.book(1, "2021-04-23 23:30");
    await expect(scheduler.book(1, "2021-04-23 09:00")).rejects.toMatchObject(SAME_DATE);
    await expect(scheduler.book(1, "2021-04-24 00:00")).rejects.toMatchObject(SAME_DATE);
    await expect(scheduler.book(1, "2021-04-25 00:00")).resolves.toBeDefined();
  });

  it("blocks the date before an existing appointment for a 23:30 booking that would end on it", async () => {
    const scheduler = createScheduler();
    await scheduler.book(1, "2021-04-24 13:00");
    await expect(scheduler.book(1, "2021-04-23 23:30")).rejects.toMatchObject(SAME_DATE);
    await expect(scheduler.book(1, "2021-04-23 23:00")).resolves.toBeDefined();
  });

  it("rejects non-zero seconds and sub-seconds as misaligned, with the seed's message", async () => {
    const scheduler = createScheduler();
    for (const start of ["2021-04-22 11:30:15", "2021-04-22 11:30:00.5", "2021-04-22T11:30:00.000000001"]) {
      await expect(scheduler.book(1, start)).rejects.toMatchObject(MISALIGNED);
    }
    expect((await scheduler.list(1)).appointments).toEqual([]);
  });
});
