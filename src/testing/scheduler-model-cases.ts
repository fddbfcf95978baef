/**
 * Model-based, through the scheduler: random sequences of book, cancel, reschedule, get, list and availability
 * on a scheduler over the store under test, compared with a reference of the seed's rule written here from
 * scratch (30 minutes on :00/:30, at most `max` per calendar date in the user's zone, an end at 00:00 also
 * occupying the next date), in zones with daylight saving, a 45-minute offset and a 30-minute DST shift.
 *
 * @module
 */
import assert from "node:assert/strict";
import * as fc from "fast-check";
import { Temporal } from "temporal-polyfill";
import { isSchedulerError } from "../errors/scheduler-errors.js";
import { createScheduler, type Scheduler } from "../scheduler/scheduler.js";
import type { AppointmentStore } from "../store/appointment-store.js";
import type { StoreContractCase } from "./contract-case.js";

/** Each zone with the dates around its 2021 transitions (or three plain dates where it has none). */
const ZONES: Record<string, string[]> = {
  UTC: ["2021-04-22", "2021-04-23", "2021-04-24"],
  "America/New_York": ["2021-03-13", "2021-03-14", "2021-03-15", "2021-11-06", "2021-11-07", "2021-11-08"],
  "Europe/London": ["2021-03-27", "2021-03-28", "2021-03-29", "2021-10-30", "2021-10-31", "2021-11-01"],
  "Asia/Kathmandu": ["2021-04-22", "2021-04-23", "2021-04-24"],
  "Australia/Lord_Howe": ["2021-04-03", "2021-04-04", "2021-04-05", "2021-10-02", "2021-10-03", "2021-10-04"],
};

const DURATION_MS = 30 * 60_000;

interface Booked {
  readonly id: string;
  readonly startMs: number;
  readonly dates: readonly string[];
}

/** The reference model: the user's active appointments, and every id the scheduler ever gave out. */
class SeedRuleModel {
  readonly active = new Map<string, Booked>();
  readonly everBooked: string[] = [];
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

  /** Whether a booking occupying `dates` fits, not counting the appointment `ignoring`. */
  fits(dates: readonly string[], ignoring?: string): boolean {
    const others = [...this.active.values()].filter((b) => b.id !== ignoring);
    return dates.every((date) => others.filter((b) => b.dates.includes(date)).length < this.max);
  }
}

interface Real {
  readonly scheduler: Scheduler;
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

const pick = (model: SeedRuleModel, n: number) => model.everBooked[n % Math.max(1, model.everBooked.length)] ?? "none";

class BookCommand implements fc.AsyncCommand<SeedRuleModel, Real> {
  constructor(readonly wallClock: string) {}
  check = () => true;
  async run(model: SeedRuleModel, real: Real): Promise<void> {
    const start = model.startOf(this.wallClock);
    const result = await outcome(real.scheduler.book(real.user, this.wallClock));
    if (!start) return assert.deepEqual(result, { code: "NONEXISTENT_LOCAL_TIME" }, this.toString());
    const dates = model.datesOf(start);
    if (!model.fits(dates)) return assert.deepEqual(result, { code: "LIMIT_REACHED" }, this.toString());
    assert.ok("value" in result, `${this.toString()} should succeed, got ${JSON.stringify(result)}`);
    assert.equal(result.value.start.epochMilliseconds, start.epochMilliseconds);
    assert.equal(result.value.end.epochMilliseconds - result.value.start.epochMilliseconds, DURATION_MS);
    model.active.set(result.value.id, { id: result.value.id, startMs: start.epochMilliseconds, dates });
    model.everBooked.push(result.value.id);
  }
  toString = () => `book(${this.wallClock})`;
}

class CancelCommand implements fc.AsyncCommand<SeedRuleModel, Real> {
  constructor(readonly pick: number) {}
  check = () => true;
  async run(model: SeedRuleModel, real: Real): Promise<void> {
    const id = pick(model, this.pick);
    const result = await outcome(real.scheduler.cancel(real.user, id));
    const booked = model.active.get(id);
    if (!booked) return assert.deepEqual(result, { code: "NOT_FOUND" }, this.toString());
    assert.ok("value" in result, `${this.toString()} should succeed, got ${JSON.stringify(result)}`);
    assert.equal(result.value.start.epochMilliseconds, booked.startMs);
    model.active.delete(id);
  }
  toString = () => `cancel(${this.pick})`;
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
    if (!model.active.has(id)) return assert.deepEqual(result, { code: "NOT_FOUND" }, this.toString());
    const dates = model.datesOf(start);
    if (!model.fits(dates, id)) return assert.deepEqual(result, { code: "LIMIT_REACHED" }, this.toString());
    assert.ok("value" in result, `${this.toString()} should succeed, got ${JSON.stringify(result)}`);
    assert.equal(result.value.start.epochMilliseconds, start.epochMilliseconds);
    model.active.delete(id);
    model.active.set(result.value.id, { id: result.value.id, startMs: start.epochMilliseconds, dates });
    model.everBooked.push(result.value.id);
  }
  toString = () => `reschedule(${this.pick}, ${this.wallClock})`;
}

class GetCommand implements fc.AsyncCommand<SeedRuleModel, Real> {
  constructor(readonly pick: number) {}
  check = () => true;
  async run(model: SeedRuleModel, real: Real): Promise<void> {
    const id = pick(model, this.pick);
    const found = await real.scheduler.get(real.user, id);
    const booked = model.active.get(id);
    assert.deepEqual(
      found && [found.id, found.start.epochMilliseconds],
      booked ? [id, booked.startMs] : null,
      `${this}`,
    );
  }
  toString = () => `get(${this.pick})`;
}

class ListCommand implements fc.AsyncCommand<SeedRuleModel, Real> {
  /** All appointments, or those overlapping one local date (as exact instants: no wall-clock parsing). */
  constructor(readonly date: string | null) {}
  check = () => true;
  async run(model: SeedRuleModel, real: Real): Promise<void> {
    const range = this.date === null ? undefined : model.dayOf(this.date);
    const listed = (
      await real.scheduler.list(real.user, range && { from: range.from.toInstant(), to: range.to.toInstant() })
    ).map((a) => [a.start.epochMilliseconds, a.id]);
    const [fromMs, toMs] = range
      ? [range.from.epochMilliseconds, range.to.epochMilliseconds]
      : [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY];
    const expected = [...model.active.values()]
      .filter((b) => b.startMs < toMs && b.startMs + DURATION_MS > fromMs)
      .map((b) => [b.startMs, b.id] as const)
      .sort(([a, x], [b, y]) => a - b || (x < y ? -1 : x > y ? 1 : 0));
    assert.deepEqual(listed, expected, this.toString());
  }
  toString = () => `list(${this.date ?? ""})`;
}

class AvailabilityCommand implements fc.AsyncCommand<SeedRuleModel, Real> {
  constructor(readonly date: string) {}
  check = () => true;
  async run(model: SeedRuleModel, real: Real): Promise<void> {
    const offered = (await real.scheduler.availability(real.user, this.date)).map((s) => s.start.epochMilliseconds);
    // Every instant of the date, in quarter hours (Kathmandu's :00 is a UTC :15), that reads :00 or :30 locally.
    const expected: number[] = [];
    const day = model.dayOf(this.date);
    for (let t = day.from; Temporal.ZonedDateTime.compare(t, day.to) < 0; t = t.add({ minutes: 15 })) {
      if (t.minute % 30 === 0 && model.fits(model.datesOf(t))) expected.push(t.epochMilliseconds);
    }
    assert.deepEqual(offered, expected, this.toString());
  }
  toString = () => `availability(${this.date})`;
}

function commandsFor(dates: string[]) {
  const date = fc.constantFrom(...dates);
  // Half-hour slots of the day, weighted toward the hours where clocks change and toward 23:30.
  const slot = fc.oneof(fc.integer({ min: 0, max: 47 }), fc.constantFrom(2, 3, 4, 5, 47));
  const time = fc.tuple(date, slot).map(([d, s]) => wallClock(d, s));
  return [
    time.map((t) => new BookCommand(t)),
    time.map((t) => new BookCommand(t)),
    fc.nat().map((n) => new CancelCommand(n)),
    fc.tuple(fc.nat(), time).map(([n, t]) => new RescheduleCommand(n, t)),
    fc.nat().map((n) => new GetCommand(n)),
    fc.option(date).map((d) => new ListCommand(d)),
    date.map((d) => new AvailabilityCommand(d)),
  ];
}

function schedulerCase(timeZone: string, dates: string[]): StoreContractCase {
  return {
    group: "scheduler model",
    name: `keeps the seed's rule in ${timeZone} through random book, cancel, reschedule, get, list and availability`,
    async run(store: AppointmentStore, context) {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(1, 2),
          fc.commands(commandsFor(dates), { maxCommands: 30, size: "medium" }),
          async (max, sequence) => {
            const scheduler = createScheduler({ store, timeZone, policy: { limit: { max, per: "day" } } });
            const setup = () => ({
              model: new SeedRuleModel(timeZone, max),
              real: { scheduler, user: context.newUser("scheduler") },
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
