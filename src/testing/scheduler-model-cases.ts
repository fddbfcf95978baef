/**
 * Model-based, through the scheduler: random sequences of book (with and without idempotency keys, and
 * retries), cancel, reschedule, get, list, availability and the change feed on a scheduler over the store
 * under test, compared with a reference of the seed's rule written here from scratch: 30 minutes on
 * :00/:30, at most `max` per calendar date in the user's zone, an end at 00:00 also occupying the next date,
 * no two appointments at once; cancelled appointments kept (and counting for nothing), moves keeping their
 * id. In zones with daylight saving, a 45-minute offset and a 30-minute DST shift.
 *
 * @module
 */
import assert from "node:assert/strict";
import * as fc from "fast-check";
import { Temporal } from "temporal-polyfill";
import { isSchedulerError } from "../errors/scheduler-errors.js";
import type { Appointment } from "../model/appointment.js";
import { createScheduler, type Scheduler } from "../scheduler/scheduler.js";
import type { AppointmentStore } from "../store/appointment-store.js";
import type { StoreContractCase } from "./contract-case.js";
import { feedSettled } from "./feed.js";
import { schedulerClock } from "./requests.js";

/** Each zone with the dates around its 2021 transitions (or three plain dates where it has none). */
const ZONES: Record<string, string[]> = {
  UTC: ["2021-04-22", "2021-04-23", "2021-04-24"],
  "America/New_York": ["2021-03-13", "2021-03-14", "2021-03-15", "2021-11-06", "2021-11-07", "2021-11-08"],
  "Europe/London": ["2021-03-27", "2021-03-28", "2021-03-29", "2021-10-30", "2021-10-31", "2021-11-01"],
  "Asia/Kathmandu": ["2021-04-22", "2021-04-23", "2021-04-24"],
  "Australia/Lord_Howe": ["2021-04-03", "2021-04-04", "2021-04-05", "2021-10-02", "2021-10-03", "2021-10-04"],
};

const DURATION_MS = 30 * 60_000;

interface Kept {
  readonly id: string;
  readonly startMs: number;
  readonly dates: readonly string[];
  readonly status: "booked" | "cancelled";
  readonly reason: string | null;
}

/** The starts of each zone and date, as {@link SeedRuleModel.startsOn} computes them once. */
const STARTS = new Map<string, readonly { startMs: number; dates: readonly string[] }[]>();

/** An outcome as the model predicts it: an appointment's id and start, or an error code. */
type Outcome = { readonly id: string; readonly startMs: number } | { readonly code: string };

/** The reference model: the user's appointments, the ids given out, the keys used, and the events. */
class SeedRuleModel {
  readonly appointments = new Map<string, Kept>();
  readonly everBooked: string[] = [];
  /** Key → the start it was used for (the request's fingerprint) and its first outcome. */
  readonly keys = new Map<string, { startMs: number; outcome: Outcome }>();
  /** Every keyed booking sent, to retry. */
  readonly keyedBookings: { wallClock: string; key: string }[] = [];
  /** The user's events: type, id, start, and the start before a move. */
  readonly events: [string, string, number, number | null][] = [];
  constructor(
    readonly timeZone: string,
    readonly max: number,
  ) {}

  /** The instant a wall-clock time means (the earlier of two on a repeated hour), or null in a gap. */
  startOf(wallClock: string): Temporal.ZonedDateTime | null {
    const local = Temporal.PlainDateTime.from(wallClock.replace(" ", "T"));
    const earlier = local.toZonedDateTime(this.timeZone, { disambiguation: "earlier" });
    return earlier.toPlainDateTime().equals(local) ? earlier : null;
  }

  /** The calendar dates an appointment from `start` occupies: its start's and its end's. */
  datesOf(start: Temporal.ZonedDateTime): string[] {
    const end = start.add({ milliseconds: DURATION_MS });
    return [...new Set([start.toPlainDate().toString(), end.toPlainDate().toString()])];
  }

  /** The first instant of a local date, and of the next. */
  dayOf(date: string): { from: Temporal.ZonedDateTime; to: Temporal.ZonedDateTime } {
    const from = Temporal.PlainDate.from(date).toZonedDateTime(this.timeZone);
    return { from, to: from.toPlainDate().add({ days: 1 }).toZonedDateTime(this.timeZone) };
  }

  booked(ignoring?: string): Kept[] {
    return [...this.appointments.values()].filter((a) => a.status === "booked" && a.id !== ignoring);
  }

  /** Why a booking from `start` is refused, not counting the appointment `ignoring`: the limit first. */
  refusal(start: Temporal.ZonedDateTime, ignoring?: string): string | null {
    return this.refusalOf(start.epochMilliseconds, this.datesOf(start), ignoring);
  }

  /** {@link refusal} of a start given as its instant and the dates it occupies. */
  refusalOf(startMs: number, dates: readonly string[], ignoring?: string): string | null {
    const others = this.booked(ignoring);
    if (!dates.every((date) => others.filter((a) => a.dates.includes(date)).length < this.max)) return "LIMIT_REACHED";
    if (others.some((a) => Math.abs(a.startMs - startMs) < DURATION_MS)) return "OVERLAPPING_APPOINTMENT";
    return null;
  }

  /**
   * Every start of a local date: each instant of the date, in quarter hours (Kathmandu's :00 is a UTC :15),
   * that reads :00 or :30 locally, with the dates it occupies. Computed once per zone and date: Temporal is
   * slow, and availability is asked often.
   */
  startsOn(date: string): readonly { startMs: number; dates: readonly string[] }[] {
    const cacheKey = `${this.timeZone} ${date}`;
    const cached = STARTS.get(cacheKey);
    if (cached) return cached;
    const starts: { startMs: number; dates: readonly string[] }[] = [];
    const day = this.dayOf(date);
    for (let t = day.from; Temporal.ZonedDateTime.compare(t, day.to) < 0; t = t.add({ minutes: 15 })) {
      if (t.minute % 30 === 0) starts.push({ startMs: t.epochMilliseconds, dates: this.datesOf(t) });
    }
    STARTS.set(cacheKey, starts);
    return starts;
  }

  /** The outcome a booking of `start` (a new one, no key) has now, applied to the model. */
  book(start: Temporal.ZonedDateTime, id: string | null): Outcome {
    const code = this.refusal(start);
    if (code) return { code };
    assert.ok(id !== null, "the model needs the id the scheduler gave");
    const startMs = start.epochMilliseconds;
    this.appointments.set(id, { id, startMs, dates: this.datesOf(start), status: "booked", reason: null });
    this.everBooked.push(id);
    this.events.push(["booked", id, startMs, null]);
    return { id, startMs };
  }
}

interface Real {
  readonly scheduler: Scheduler;
  readonly store: AppointmentStore;
  readonly user: string;
}

/** `YYYY-MM-DD HH:MM` of the half-hour `slot` (0–47) of `date`. */
const wallClock = (date: string, slot: number) =>
  `${date} ${String(Math.floor(slot / 2)).padStart(2, "0")}:${slot % 2 ? "30" : "00"}`;

/** Runs `operation`, returning its value or the code of the typed error it rejected with. */
async function outcome<T>(operation: Promise<T>): Promise<{ value: T } | { code: string }> {
  try {
    return { value: await operation };
  } catch (error) {
    if (!isSchedulerError(error)) throw error;
    return { code: error.code };
  }
}

/** What the scheduler answered, in the model's terms. */
const observed = (result: { value: Appointment } | { code: string }): Outcome =>
  "code" in result ? { code: result.code } : { id: result.value.id, startMs: result.value.start.epochMilliseconds };

const pick = (model: SeedRuleModel, n: number) => model.everBooked[n % Math.max(1, model.everBooked.length)] ?? "none";

class BookCommand implements fc.AsyncCommand<SeedRuleModel, Real> {
  constructor(
    readonly wallClock: string,
    readonly key: string | null,
  ) {}
  check = () => true;
  async run(model: SeedRuleModel, real: Real): Promise<void> {
    const start = model.startOf(this.wallClock);
    const options = this.key === null ? undefined : { idempotencyKey: `${real.user}-${this.key}` };
    const result = await outcome(real.scheduler.book(real.user, this.wallClock, options));
    // A time in a gap is refused before the store is asked: the key is not used.
    if (!start) return assert.deepEqual(result, { code: "NONEXISTENT_LOCAL_TIME" }, this.toString());
    const actual = observed(result);
    if (this.key !== null) model.keyedBookings.push({ wallClock: this.wallClock, key: this.key });
    const kept = this.key === null ? undefined : model.keys.get(this.key);
    if (kept) {
      // A live key: its first outcome again for the same start, key-reused for another.
      const expected = kept.startMs === start.epochMilliseconds ? kept.outcome : { code: "IDEMPOTENCY_KEY_REUSED" };
      return assert.deepEqual(actual, expected, `${this}: the key's first outcome`);
    }
    const expected = model.book(start, "id" in actual ? actual.id : null);
    assert.deepEqual(actual, expected, this.toString());
    if (this.key !== null) model.keys.set(this.key, { startMs: start.epochMilliseconds, outcome: expected });
  }
  toString = () => `book(${this.wallClock}${this.key === null ? "" : `, key ${this.key}`})`;
}

/** A client's retry of a keyed booking: the same time and key again. */
class RetryCommand implements fc.AsyncCommand<SeedRuleModel, Real> {
  constructor(readonly pick: number) {}
  check = (model: Readonly<SeedRuleModel>) => model.keyedBookings.length > 0;
  async run(model: SeedRuleModel, real: Real): Promise<void> {
    const { wallClock, key } = model.keyedBookings[this.pick % model.keyedBookings.length] as {
      wallClock: string;
      key: string;
    };
    await new BookCommand(wallClock, key).run(model, real);
  }
  toString = () => `retry(${this.pick})`;
}

class CancelCommand implements fc.AsyncCommand<SeedRuleModel, Real> {
  constructor(
    readonly pick: number,
    readonly reason: string | null,
  ) {}
  check = () => true;
  async run(model: SeedRuleModel, real: Real): Promise<void> {
    const id = pick(model, this.pick);
    const result = await outcome(
      real.scheduler.cancel(real.user, id, this.reason === null ? undefined : { reason: this.reason }),
    );
    const kept = model.appointments.get(id);
    if (!kept) return assert.deepEqual(result, { code: "NOT_FOUND" }, this.toString());
    if (kept.status === "cancelled")
      return assert.deepEqual(result, { code: "APPOINTMENT_CANCELLED" }, this.toString());
    assert.ok("value" in result, `${this} should succeed, got ${JSON.stringify(result)}`);
    const { value } = result;
    assert.deepEqual(
      [value.id, value.status, value.start.epochMilliseconds, value.cancellationReason],
      [id, "cancelled", kept.startMs, this.reason],
      `${this}: the cancelled appointment`,
    );
    model.appointments.set(id, { ...kept, status: "cancelled", reason: this.reason });
    model.events.push(["cancelled", id, kept.startMs, null]);
  }
  toString = () => `cancel(${this.pick}, ${this.reason})`;
}

class RescheduleCommand implements fc.AsyncCommand<SeedRuleModel, Real> {
  constructor(
    readonly pick: number,
    readonly wallClock: string,
  ) {}
  check = () => true;
  async run(model: SeedRuleModel, real: Real): Promise<void> {
    const id = pick(model, this.pick);
    const start = model.startOf(this.wallClock);
    const result = await outcome(real.scheduler.reschedule(real.user, id, this.wallClock));
    if (!start) return assert.deepEqual(result, { code: "NONEXISTENT_LOCAL_TIME" }, this.toString());
    const kept = model.appointments.get(id);
    if (!kept) return assert.deepEqual(result, { code: "NOT_FOUND" }, this.toString());
    if (kept.status === "cancelled")
      return assert.deepEqual(result, { code: "APPOINTMENT_CANCELLED" }, this.toString());
    const code = model.refusal(start, id);
    if (code) return assert.deepEqual(result, { code }, this.toString());
    assert.ok("value" in result, `${this} should succeed, got ${JSON.stringify(result)}`);
    assert.deepEqual(
      observed(result),
      { id, startMs: start.epochMilliseconds },
      `${this}: the same id at the new time`,
    );
    model.appointments.set(id, { ...kept, startMs: start.epochMilliseconds, dates: model.datesOf(start) });
    model.events.push(["rescheduled", id, start.epochMilliseconds, kept.startMs]);
  }
  toString = () => `reschedule(${this.pick}, ${this.wallClock})`;
}

class GetCommand implements fc.AsyncCommand<SeedRuleModel, Real> {
  constructor(readonly pick: number) {}
  check = () => true;
  async run(model: SeedRuleModel, real: Real): Promise<void> {
    const id = pick(model, this.pick);
    const found = await real.scheduler.get(real.user, id);
    const kept = model.appointments.get(id);
    assert.deepEqual(
      found && [found.id, found.start.epochMilliseconds, found.status],
      kept ? [id, kept.startMs, kept.status] : null,
      `${this}: any status`,
    );
  }
  toString = () => `get(${this.pick})`;
}

class ListCommand implements fc.AsyncCommand<SeedRuleModel, Real> {
  /** All appointments, or those overlapping one local date (as exact instants: no wall-clock parsing). */
  constructor(
    readonly date: string | null,
    readonly status: "booked" | "all" | undefined,
  ) {}
  check = () => true;
  async run(model: SeedRuleModel, real: Real): Promise<void> {
    const range = this.date === null ? undefined : model.dayOf(this.date);
    const options = this.status === undefined ? undefined : { status: this.status };
    const listed = (
      await real.scheduler.list(real.user, range && { from: range.from.toInstant(), to: range.to.toInstant() }, options)
    ).appointments.map((a) => [a.start.epochMilliseconds, a.id, a.status]);
    const [fromMs, toMs] = range
      ? [range.from.epochMilliseconds, range.to.epochMilliseconds]
      : [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY];
    const expected = [...model.appointments.values()]
      .filter((a) => this.status === "all" || a.status === "booked")
      .filter((a) => a.startMs < toMs && a.startMs + DURATION_MS > fromMs)
      .map((a) => [a.startMs, a.id, a.status] as const)
      .sort(([a, x], [b, y]) => a - b || (x < y ? -1 : x > y ? 1 : 0));
    assert.deepEqual(listed, expected, this.toString());
  }
  toString = () => `list(${this.date ?? ""}, ${this.status})`;
}

class AvailabilityCommand implements fc.AsyncCommand<SeedRuleModel, Real> {
  constructor(readonly date: string) {}
  check = () => true;
  async run(model: SeedRuleModel, real: Real): Promise<void> {
    const offered = (await real.scheduler.availability(real.user, this.date)).map((s) => s.start.epochMilliseconds);
    const expected = model
      .startsOn(this.date)
      .filter(({ startMs, dates }) => model.refusalOf(startMs, dates) === null)
      .map(({ startMs }) => startMs);
    assert.deepEqual(offered, expected, this.toString());
  }
  toString = () => `availability(${this.date})`;
}

/** Reads the user's events through `changes`, in small pages from the start. */
class ChangesCommand implements fc.AsyncCommand<SeedRuleModel, Real> {
  constructor(readonly pageSize: number) {}
  check = () => true;
  async run(model: SeedRuleModel, real: Real): Promise<void> {
    const events: [string, string, number, number | null][] = [];
    await feedSettled(real.store);
    let after: string | null = null;
    for (let page = 0; page < 1000; page++) {
      const { changes, cursor } = await real.scheduler.changes({ userId: real.user, limit: this.pageSize, after });
      if (changes.length === 0) break;
      for (const c of changes) {
        events.push([
          c.type,
          c.appointment.id,
          c.appointment.start.epochMilliseconds,
          c.previous?.start.epochMilliseconds ?? null,
        ]);
      }
      after = cursor;
    }
    assert.deepEqual(events, model.events, `${this}: the user's events, in order`);
  }
  toString = () => `changes(pages of ${this.pageSize})`;
}

function commandsFor(dates: string[]) {
  const date = fc.constantFrom(...dates);
  // Half-hour slots of the day, weighted toward the hours where clocks change and toward 23:30.
  const slot = fc.oneof(fc.integer({ min: 0, max: 47 }), fc.constantFrom(2, 3, 4, 5, 47));
  const time = fc.tuple(date, slot).map(([d, s]) => wallClock(d, s));
  const key = fc.oneof(
    { arbitrary: fc.constant(null), weight: 3 },
    { arbitrary: fc.constantFrom("k0", "k1"), weight: 1 },
  );
  return [
    fc.tuple(time, key).map(([t, k]) => new BookCommand(t, k)),
    fc.tuple(time, key).map(([t, k]) => new BookCommand(t, k)),
    fc.nat().map((n) => new RetryCommand(n)),
    fc.tuple(fc.nat(), fc.constantFrom(null, "ill")).map(([n, reason]) => new CancelCommand(n, reason)),
    fc.tuple(fc.nat(), time).map(([n, t]) => new RescheduleCommand(n, t)),
    fc.nat().map((n) => new GetCommand(n)),
    fc
      .tuple(fc.option(date), fc.constantFrom<"booked" | "all" | undefined>(undefined, "all"))
      .map(([d, s]) => new ListCommand(d, s)),
    date.map((d) => new AvailabilityCommand(d)),
    fc.integer({ min: 1, max: 3 }).map((n) => new ChangesCommand(n)),
  ];
}

function schedulerCase(timeZone: string, dates: string[]): StoreContractCase {
  return {
    group: "scheduler model",
    name: `keeps the seed's rule in ${timeZone} through random book, retry, cancel, reschedule, get, list, availability and changes`,
    async run(store: AppointmentStore, context) {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(1, 2),
          fc.commands(commandsFor(dates), { maxCommands: 30, size: "medium" }),
          async (max, sequence) => {
            const scheduler = createScheduler({
              store,
              now: schedulerClock,
              timeZone,
              policy: { limit: { max, per: "day" } },
            });
            const setup = () => ({
              model: new SeedRuleModel(timeZone, max),
              real: { scheduler, store, user: context.newUser("scheduler") },
            });
            await fc.asyncModelRun(setup, sequence);
          },
        ),
        context.fastCheck,
      );
    },
  };
}

export const schedulerModelCases: StoreContractCase[] = Object.entries(ZONES).map(([zone, dates]) =>
  schedulerCase(zone, dates),
);
