/**
 * The record operations (`recordOperationsOf`, used by `appointment-scheduler/http`) give the store's records
 * to a presenter instead of building Temporal objects. With the HTTP layer's presenter
 * (`appointmentJsonFromRecord`) they must give exactly what the public methods give, formatted by
 * `appointmentJsonOf`: the same text, the same errors, the same stored appointments, in any zone and under
 * any policy, with idempotency keys and metadata. And they must never bypass a scheduler whose `book` or
 * `list` someone replaced.
 */
import {
  type Appointment,
  type AppointmentPage,
  type BookOptions,
  createScheduler,
  isSchedulerError,
  type ListOptions,
  type PolicyOptions,
  type Scheduler,
  type SchedulerOptions,
} from "appointment-scheduler";
import fc from "fast-check";
import { Temporal } from "temporal-polyfill";
import { describe, expect, it } from "vitest";
import { appointmentJsonFromRecord, appointmentJsonOf } from "../../src/http/appointment-json.js";
import { appointmentFromRecord } from "../../src/scheduler/appointment.js";
import { recordOperationsOf } from "../../src/scheduler/scheduler.js";

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** A resolver: users in different zones, one of them with rules and an odd offset. */
const perUser: SchedulerOptions["timeZone"] = (userId) => (userId === "1" ? "Asia/Kathmandu" : "America/New_York");

/** UTC (the fast path), fixed offsets (arithmetic), zones with rules and odd offsets, and a resolver. */
const zone = fc.constantFrom<NonNullable<SchedulerOptions["timeZone"]>>(
  "UTC",
  "+05:30",
  "-03:30",
  "America/New_York",
  "Europe/London",
  "Asia/Kathmandu",
  "Australia/Lord_Howe",
  perUser,
);

/** Starts around the 2021 DST changes, on and off the grid, and a few that are not datetimes at all. */
const start = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .record({
        month: fc.constantFrom(3, 4, 10, 11, 12),
        day: fc.integer({ min: 1, max: 31 }),
        hour: fc.integer({ min: 0, max: 23 }),
        minute: fc.constantFrom(0, 15, 30, 45),
        separator: fc.constantFrom(" ", "T"),
      })
      .map(
        ({ month, day, hour, minute, separator }) =>
          `2021-${pad(month)}-${pad(day)}${separator}${pad(hour)}:${pad(minute)}`,
      ),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom("2021-04-22 11:30:00", "2021-04-22T11:30:00-04:00[America/New_York]", "not a date", ""),
  },
);

const policy: fc.Arbitrary<PolicyOptions> = fc.record({
  durationMinutes: fc.constantFrom(15, 30, 90, 1440),
  alignmentMinutes: fc.constantFrom(15, 30, 60),
  limit: fc.record({ max: fc.integer({ min: 1, max: 2 }), per: fc.constantFrom("day", "week", "month") }),
  allowOverlap: fc.boolean(),
});

interface Step {
  userId: number;
  start: string;
  /** Keys from a small set, so that retries (replays) and reuses with another request both happen. */
  idempotencyKey: string | undefined;
  metadata: { note: string } | undefined;
  /** Cancel the booking (through the public method) once made: cancelled ones must list with status "all". */
  cancel: boolean;
  list: ListOptions | undefined;
}

const step: fc.Arbitrary<Step> = fc.record({
  userId: fc.integer({ min: 1, max: 3 }),
  start,
  idempotencyKey: fc.option(fc.constantFrom("k1", "k2"), { nil: undefined }),
  metadata: fc.option(fc.record({ note: fc.constantFrom("a", "b") }), { nil: undefined }),
  cancel: fc.boolean(),
  list: fc.option(fc.constantFrom<ListOptions>({}, { status: "booked" }, { status: "all" }), { nil: undefined }),
});

/** What a step asks `book` for: only the options it has, as a caller would write them. */
function bookOptions({ idempotencyKey, metadata }: Step): BookOptions | undefined {
  if (idempotencyKey === undefined && metadata === undefined) return undefined;
  return {
    ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
    ...(metadata === undefined ? {} : { metadata }),
  };
}

/** Runs `steps` and records every answer: wire text, or the error's code. */
async function answers(
  steps: Step[],
  scheduler: Scheduler,
  book: (userId: number, start: string, options: BookOptions | undefined) => Promise<{ id: string; answer: unknown }>,
  list: (userId: number, options: ListOptions | undefined) => Promise<unknown>,
): Promise<unknown[]> {
  const seen: unknown[] = [];
  for (const s of steps) {
    try {
      const { id, answer } = await book(s.userId, s.start, bookOptions(s));
      seen.push(answer);
      if (s.cancel && (await scheduler.get(s.userId, id))?.status === "booked") await scheduler.cancel(s.userId, id);
    } catch (error) {
      if (!isSchedulerError(error)) throw error;
      seen.push(error.code);
    }
    if (s.list) seen.push(await list(s.userId, s.list));
  }
  return seen;
}

/** Two schedulers that make the same ids at the same time, so that their stored appointments compare whole. */
function twins(options: SchedulerOptions): [Scheduler, Scheduler] {
  const make = () => {
    let n = 0;
    return createScheduler({
      ...options,
      now: () => Temporal.Instant.from("2021-01-01T00:00:00Z"),
      generateId: () => `id-${++n}`,
    });
  };
  return [make(), make()];
}

describe("record operations", () => {
  it("with the wire presenter, answer as the public methods formatted by appointmentJsonOf (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        zone,
        policy,
        fc.array(step, { minLength: 1, maxLength: 15 }),
        async (timeZone, policy, steps) => {
          const [viaRecords, viaPublic] = twins({ timeZone, policy });
          const records = recordOperationsOf(viaRecords);
          if (!records) throw new Error("a scheduler from createScheduler has record operations");
          const expected = await answers(
            steps,
            viaPublic,
            async (userId, start, options) => {
              const appointment = await viaPublic.book(userId, start, options);
              return { id: appointment.id, answer: appointmentJsonOf(appointment) };
            },
            async (userId, options) => {
              const page = await viaPublic.list(userId, undefined, options);
              return { appointments: page.appointments.map(appointmentJsonOf), nextCursor: page.nextCursor };
            },
          );
          const actual = await answers(
            steps,
            viaRecords,
            async (userId, start, options) => {
              // The record itself, to find the id, and the wire form the HTTP layer would send.
              const [id, answer] = await records.book(userId, start, options, (record, zone) => [
                record.id,
                appointmentJsonFromRecord(record, zone),
              ]);
              return { id, answer };
            },
            (userId, options) => records.list(userId, undefined, options, appointmentJsonFromRecord),
          );
          expect(actual).toEqual(expected);
          // The same appointments were stored, whole (ids, versions, metadata, statuses), and the public
          // methods of the record scheduler show them alike.
          for (const userId of [1, 2, 3]) {
            expect((await viaRecords.list(userId, undefined, { status: "all" })).appointments).toEqual(
              (await viaPublic.list(userId, undefined, { status: "all" })).appointments,
            );
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("give the presenter the record and the user's zone: appointmentFromRecord of them is the public answer", async () => {
    await fc.assert(
      fc.asyncProperty(zone, fc.array(step, { minLength: 1, maxLength: 8 }), async (timeZone, steps) => {
        const [viaRecords, viaPublic] = twins({ timeZone, policy: { limit: { max: 2, per: "day" } } });
        const records = recordOperationsOf(viaRecords);
        if (!records) throw new Error("a scheduler from createScheduler has record operations");
        const outcome = (promise: Promise<Appointment | AppointmentPage>) =>
          promise.then(
            (value) => value,
            (error: unknown) => (isSchedulerError(error) ? error.code : Promise.reject(error)),
          );
        for (const s of steps) {
          expect(await outcome(records.book(s.userId, s.start, bookOptions(s), appointmentFromRecord))).toEqual(
            await outcome(viaPublic.book(s.userId, s.start, bookOptions(s))),
          );
          expect(await outcome(records.list(s.userId, undefined, s.list, appointmentFromRecord))).toEqual(
            await outcome(viaPublic.list(s.userId, undefined, s.list)),
          );
        }
      }),
      { numRuns: 100 },
    );
  });

  it("reject bad arguments with the public methods' errors", async () => {
    const records = recordOperationsOf(createScheduler());
    const present = appointmentJsonFromRecord;
    await expect(records?.book("", "2021-04-22 11:30", undefined, present)).rejects.toMatchObject({
      code: "INVALID_USER_ID",
    });
    await expect(records?.book(1, "2021-04-22 11:30", { signal: AbortSignal.abort() }, present)).rejects.toMatchObject({
      code: "ABORTED",
    });
    await expect(records?.book(1, "2021-04-22 11:30", { idempotencyKey: "" }, present)).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
      argument: "options.idempotencyKey",
    });
    await expect(records?.list(1, undefined, "not options" as never, present)).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
    await expect(records?.list(1, undefined, { status: "cancelled" as never }, present)).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
      argument: "options.status",
    });
  });

  it("are not offered for a scheduler whose book or list was replaced, nor for another implementation", () => {
    const scheduler = createScheduler();
    expect(recordOperationsOf(scheduler)).toBeDefined();
    const logged = Object.assign(Object.create(scheduler) as Scheduler, { book: scheduler.book.bind(scheduler) });
    expect(recordOperationsOf(logged)).toBeUndefined();
    const counted = Object.assign(Object.create(scheduler) as Scheduler, { list: scheduler.list.bind(scheduler) });
    expect(recordOperationsOf(counted)).toBeUndefined();
    const own: Scheduler = {
      policy: scheduler.policy,
      book: (...args) => scheduler.book(...args),
      hold: (...args) => scheduler.hold(...args),
      confirm: (...args) => scheduler.confirm(...args),
      release: (...args) => scheduler.release(...args),
      list: (...args) => scheduler.list(...args),
      listByResource: (...args) => scheduler.listByResource(...args),
      get: (...args) => scheduler.get(...args),
      cancel: (...args) => scheduler.cancel(...args),
      reschedule: (...args) => scheduler.reschedule(...args),
      availability: (...args) => scheduler.availability(...args),
      changes: (...args) => scheduler.changes(...args),
      purgeExpired: (...args) => scheduler.purgeExpired(...args),
    };
    expect(recordOperationsOf(own)).toBeUndefined();
  });
});
