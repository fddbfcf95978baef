/**
 * Bookable resources as the caller defines them (a practitioner, a room, a device, a class with seats), and
 * the checked form the scheduler works with. Definitions come from the caller, as a map or an async
 * resolver, because clinics keep their schedules in their own database.
 *
 * @module
 */
import { InvalidArgumentError } from "../errors/scheduler-errors.js";
import { readOptionFields } from "../scheduler/read-fields.js";
import { parseDate } from "../time/parse-date.js";
import { validateTimeZone } from "../time/time-zone.js";

/** A day of the week, as {@link ResourceDefinition.weeklyHours} names it. */
export type Weekday = "monday" | "tuesday" | "wednesday" | "thursday" | "friday" | "saturday" | "sunday";

/** ISO day numbers (1 = Monday) of the weekdays. */
export const WEEKDAYS: readonly Weekday[] = [
  "monday",
  "tuesday",
  "wednesday",
  "thursday",
  "friday",
  "saturday",
  "sunday",
];

/**
 * A working interval of one day, as wall-clock times in the resource's zone: `["09:00", "12:00"]`. From
 * `"00:00"` to `"24:00"` (the end of the day), in whole minutes, the end after the start.
 */
export type WorkingInterval = readonly [from: string, to: string];

/** Hours that differ from the weekly ones on one date: a day off, other hours, or an extra block. */
export interface ResourceException {
  /** The date, `"YYYY-MM-DD"` in the resource's zone. */
  readonly date: string;
  /** The date's hours instead of the weekly ones; `[]` for a day off. Absent: the weekly hours stand. */
  readonly hours?: readonly WorkingInterval[];
  /** Blocks added to the date's hours (a one-off evening clinic, say). */
  readonly extraHours?: readonly WorkingInterval[];
}

/** What the scheduler knows of a resource. */
export interface ResourceDefinition {
  /** The zone its hours are wall-clock times in: an IANA name or an offset. */
  readonly timeZone: string;
  /** Its working intervals on each day of the week; a day left out is not worked. */
  readonly weeklyHours: Readonly<Partial<Record<Weekday, readonly WorkingInterval[]>>>;
  /** Dated exceptions; at most one per date. */
  readonly exceptions?: readonly ResourceException[];
  /** Minutes the resource is occupied before each appointment (preparation): default 0. */
  readonly bufferBeforeMinutes?: number;
  /** Minutes the resource is occupied after each appointment (cleaning, notes): default 0. */
  readonly bufferAfterMinutes?: number;
  /** How many appointments may overlap at any instant (seats of a group session): default 1. */
  readonly capacity?: number;
}

/**
 * Looks a resource up: its definition, or `null`/`undefined` when there is no such resource. Called for
 * each booking that names a resource; it may be async (a database query) and should honour `signal`.
 */
export type ResourceResolver = (
  resourceId: string,
  context: { readonly signal?: AbortSignal | undefined },
) => ResourceDefinition | null | undefined | Promise<ResourceDefinition | null | undefined>;

/** The `resources` option of `createScheduler`: a map of definitions by id, or a resolver. */
export type Resources = Readonly<Record<string, ResourceDefinition>> | ResourceResolver;

/** A working interval in minutes after the day's midnight (wall clock), `[from, to)`. */
export interface MinuteInterval {
  readonly fromMinute: number;
  readonly toMinute: number;
}

/** A definition, checked, with every default filled in. */
export interface Resource {
  readonly id: string;
  readonly timeZone: string;
  /** Index 1 (Monday) to 7 (Sunday): that day's intervals, sorted. */
  readonly weekly: readonly (readonly MinuteInterval[])[];
  /** By date (`YYYY-MM-DD`): the replaced hours (or `null`: the weekly ones) and the added ones. */
  readonly exceptions: ReadonlyMap<
    string,
    { readonly hours: readonly MinuteInterval[] | null; readonly extra: readonly MinuteInterval[] }
  >;
  readonly bufferBeforeMs: number;
  readonly bufferAfterMs: number;
  readonly capacity: number;
}

/** Longest buffer: a day. Bounds how far apart a conflicting record's span can start (see the claim's window). */
export const LONGEST_BUFFER_MINUTES = 24 * 60;

/** The checked form of `value`, the definition of `resourceId`, or an `InvalidArgumentError` naming the field. */
export function checkedResource(resourceId: string, value: unknown): Resource {
  const where = `options.resources["${resourceId}"]`;
  const fields = readOptionFields(
    objectOf(value, where),
    ["timeZone", "weeklyHours", "exceptions", "bufferBeforeMinutes", "bufferAfterMinutes", "capacity"],
    where,
  );
  const timeZone = validateTimeZone(fields.timeZone);
  const weeklyFields = readOptionFields(
    objectOf(fields.weeklyHours, `${where}.weeklyHours`),
    WEEKDAYS,
    `${where}.weeklyHours`,
  );
  const weekly: MinuteInterval[][] = [[]];
  for (const day of WEEKDAYS) {
    weekly.push(intervalsOf(weeklyFields[day] ?? [], `${where}.weeklyHours.${day}`));
  }
  const exceptions = new Map<string, { hours: MinuteInterval[] | null; extra: MinuteInterval[] }>();
  const exceptionList = fields.exceptions ?? [];
  if (!Array.isArray(exceptionList)) {
    throw new InvalidArgumentError(`${where}.exceptions`, "exceptions must be an array");
  }
  for (const [i, exception] of exceptionList.entries()) {
    const at = `${where}.exceptions[${i}]`;
    const entry = readOptionFields(objectOf(exception, at), ["date", "hours", "extraHours"], at);
    const date = parseDate(entry.date, `${at}.date`).toString();
    if (exceptions.has(date)) throw new InvalidArgumentError(`${at}.date`, `${date} has two exceptions`);
    exceptions.set(date, {
      hours: entry.hours === undefined ? null : intervalsOf(entry.hours, `${at}.hours`),
      extra: intervalsOf(entry.extraHours ?? [], `${at}.extraHours`),
    });
  }
  return {
    id: resourceId,
    timeZone,
    weekly,
    exceptions,
    bufferBeforeMs: minutesOf(fields.bufferBeforeMinutes, `${where}.bufferBeforeMinutes`) * 60_000,
    bufferAfterMs: minutesOf(fields.bufferAfterMinutes, `${where}.bufferAfterMinutes`) * 60_000,
    capacity: capacityOf(fields.capacity, `${where}.capacity`),
  };
}

function objectOf(value: unknown, argument: string): object {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new InvalidArgumentError(argument, `${argument} must be an object`);
  }
  return value;
}

function minutesOf(value: unknown, argument: string): number {
  if (value === undefined) return 0;
  if (!Number.isSafeInteger(value) || (value as number) < 0 || (value as number) > LONGEST_BUFFER_MINUTES) {
    throw new InvalidArgumentError(argument, `must be a whole number of minutes from 0 to ${LONGEST_BUFFER_MINUTES}`);
  }
  return value as number;
}

function capacityOf(value: unknown, argument: string): number {
  if (value === undefined) return 1;
  if (!Number.isSafeInteger(value) || (value as number) < 1 || (value as number) > 10_000) {
    throw new InvalidArgumentError(argument, "capacity must be a whole number from 1 to 10000");
  }
  return value as number;
}

const TIME_OF_DAY = /^([01]\d|2[0-4]):([0-5]\d)$/;

/** Minutes after midnight of `"HH:MM"` (`"24:00"` is 1440), or an error naming `argument`. */
function minuteOfDay(value: unknown, argument: string): number {
  const match = typeof value === "string" ? TIME_OF_DAY.exec(value) : null;
  const minute = match ? Number(match[1]) * 60 + Number(match[2]) : Number.NaN;
  if (!(minute <= 1440)) {
    throw new InvalidArgumentError(argument, 'must be a wall-clock time "HH:MM" from "00:00" to "24:00"');
  }
  return minute;
}

/** The intervals of `value`, checked (each `[from, to]` with from < to, none overlapping), sorted. */
function intervalsOf(value: unknown, argument: string): MinuteInterval[] {
  if (!Array.isArray(value)) throw new InvalidArgumentError(argument, 'must be an array of ["HH:MM", "HH:MM"]');
  const intervals = value.map((interval, i) => {
    if (!Array.isArray(interval) || interval.length !== 2) {
      throw new InvalidArgumentError(`${argument}[${i}]`, 'must be ["HH:MM", "HH:MM"]');
    }
    const fromMinute = minuteOfDay(interval[0], `${argument}[${i}][0]`);
    const toMinute = minuteOfDay(interval[1], `${argument}[${i}][1]`);
    if (toMinute <= fromMinute) throw new InvalidArgumentError(`${argument}[${i}]`, "must end after it starts");
    return { fromMinute, toMinute };
  });
  intervals.sort((a, b) => a.fromMinute - b.fromMinute);
  for (let i = 1; i < intervals.length; i++) {
    if ((intervals[i] as MinuteInterval).fromMinute < (intervals[i - 1] as MinuteInterval).toMinute) {
      throw new InvalidArgumentError(argument, "intervals must not overlap");
    }
  }
  return intervals;
}
