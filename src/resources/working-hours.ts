/**
 * A resource's working hours on the time line: its wall-clock intervals (weekly, or a date's exception) as
 * instants in its zone. A working interval holds every instant whose wall-clock time lies in it, so that
 * 09:00–17:00 is 09:00–17:00 on both sides of a daylight-saving change:
 * - a bound in a gap (02:30 on a spring-forward night) is the instant the clocks jump over it;
 * - a start that occurs twice (01:30 on a fall-back night) is its first occurrence, an end its second, so
 *   that an interval across the repeated hour holds both.
 * Intervals that touch (22:00–24:00 and the next day's 00:00–06:00) are one: a night shift can take an
 * appointment across midnight.
 *
 * @module
 */
import { Temporal } from "temporal-polyfill";
import type { MsRange } from "../store/appointment-store.js";
import { wallClockToPosition } from "../time/parse-date-time.js";
import type { MinuteInterval, Resource } from "./resource-definition.js";

/** The resource's intervals on `date` (in its zone): the exception's, or the weekday's, and the extra ones. */
export function intervalsOn(resource: Resource, date: Temporal.PlainDate): readonly MinuteInterval[] {
  const exception = resource.exceptions.get(date.toString());
  const hours = exception?.hours ?? resource.weekly[date.dayOfWeek] ?? [];
  if (!exception || exception.extra.length === 0) return hours;
  return [...hours, ...exception.extra].sort((a, b) => a.fromMinute - b.fromMinute);
}

/** The instant a working interval starts at: a repeated time's first occurrence, a gap's transition. */
function startInstant(date: Temporal.PlainDate, minute: number, timeZone: string): number {
  return wallClockToPosition(wallClockOf(date, minute), timeZone).epochMilliseconds;
}

/** The instant a working interval ends at: a repeated time's second occurrence, a gap's transition. */
function endInstant(date: Temporal.PlainDate, minute: number, timeZone: string): number {
  const wallClock = wallClockOf(date, minute);
  const later = wallClock.toZonedDateTime(timeZone, { disambiguation: "later" });
  if (later.toPlainDateTime().equals(wallClock)) return later.epochMilliseconds;
  return wallClockToPosition(wallClock, timeZone).epochMilliseconds;
}

function wallClockOf(date: Temporal.PlainDate, minute: number): Temporal.PlainDateTime {
  // 24:00 is the next day's midnight.
  return date.toPlainDateTime().add({ minutes: minute });
}

/** The resource's intervals on `date` as instants, in order; those that lie wholly in a gap left out. */
export function instantsOn(resource: Resource, date: Temporal.PlainDate): readonly MsRange[] {
  const ranges: MsRange[] = [];
  for (const interval of intervalsOn(resource, date)) {
    const fromMs = startInstant(date, interval.fromMinute, resource.timeZone);
    const toMs = endInstant(date, interval.toMinute, resource.timeZone);
    if (toMs > fromMs) ranges.push({ fromMs, toMs });
  }
  return ranges;
}

/**
 * Dates a resource keeps its {@link instantsOn} for. Each booking and availability call of a resource needs
 * a few dates, and their time-zone arithmetic was most of an availability call's time (`npm run bench --
 * resources`); a definition is immutable, so its instants on a date never change. Bounded, so that a
 * long-lived scheduler does not keep every date it ever saw.
 */
const CACHED_DATES = 512;
const instantsByResource = new WeakMap<Resource, Map<string, readonly MsRange[]>>();

/** {@link instantsOn}, remembered per definition object (a resolver's fresh definitions start afresh). */
function cachedInstantsOn(resource: Resource, date: Temporal.PlainDate): readonly MsRange[] {
  let byDate = instantsByResource.get(resource);
  if (!byDate) {
    byDate = new Map();
    instantsByResource.set(resource, byDate);
  }
  const key = date.toString();
  let ranges = byDate.get(key);
  if (!ranges) {
    if (byDate.size >= CACHED_DATES) byDate.clear();
    ranges = Object.freeze(instantsOn(resource, date).map((range) => Object.freeze(range)));
    byDate.set(key, ranges);
  }
  return ranges;
}

/**
 * The resource's working intervals as instants, for the dates `first` to `last` (in its zone, inclusive),
 * sorted, touching ones merged.
 */
export function workingInstants(resource: Resource, first: Temporal.PlainDate, last: Temporal.PlainDate): MsRange[] {
  const ranges: MsRange[] = [];
  for (let date = first; Temporal.PlainDate.compare(date, last) <= 0; date = date.add({ days: 1 })) {
    for (const { fromMs, toMs } of cachedInstantsOn(resource, date)) {
      const previous = ranges.at(-1);
      if (previous && fromMs <= previous.toMs) {
        ranges[ranges.length - 1] = { fromMs: previous.fromMs, toMs: Math.max(previous.toMs, toMs) };
      } else {
        ranges.push({ fromMs, toMs });
      }
    }
  }
  return ranges;
}

/** The resource's local date of an instant. */
export function resourceDateOf(resource: Resource, epochMs: number): Temporal.PlainDate {
  return Temporal.Instant.fromEpochMilliseconds(epochMs).toZonedDateTimeISO(resource.timeZone).toPlainDate();
}

/** The instants of the resource's local date of `epochMs`: from its first instant to the next date's. */
export function resourceDayOf(resource: Resource, epochMs: number): MsRange {
  const date = resourceDateOf(resource, epochMs);
  const startOf = (day: Temporal.PlainDate) => day.toZonedDateTime(resource.timeZone).epochMilliseconds;
  return { fromMs: startOf(date), toMs: startOf(date.add({ days: 1 })) };
}

/**
 * The dates whose intervals decide whether a span from `fromMs` to `toMs` lies within the hours: an
 * interval holding it starts on the span's first date or the day before (one from 22:00 to 24:00 merged with
 * the next day's), and ends by the last date's end. Intervals of more dates around them change nothing.
 */
export function datesAround(resource: Resource, fromMs: number, toMs: number) {
  return { first: resourceDateOf(resource, fromMs).subtract({ days: 1 }), last: resourceDateOf(resource, toMs - 1) };
}

/** Whether `[fromMs, toMs)` lies within one of `hours` (from {@link workingInstants}). */
export function coveredBy(hours: readonly MsRange[], fromMs: number, toMs: number): boolean {
  return hours.some((range) => range.fromMs <= fromMs && range.toMs >= toMs);
}

/** Whether `[fromMs, toMs)` lies within one of the resource's (merged) working intervals. */
export function withinWorkingHours(resource: Resource, fromMs: number, toMs: number): boolean {
  const { first, last } = datesAround(resource, fromMs, toMs);
  return coveredBy(workingInstants(resource, first, last), fromMs, toMs);
}
