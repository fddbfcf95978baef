/**
 * The grid of start times a date offers under the policy, in the user's zone. Daylight saving makes this
 * more than arithmetic: a gap removes wall-clock times, and a repeated hour offers its times twice.
 *
 * @module
 */
import { Temporal } from "temporal-polyfill";
import { InvalidArgumentError } from "../errors/scheduler-errors.js";
import { temporalKind } from "../time/temporal-kind.js";
import type { Policy } from "./policy.js";

/** A calendar date as callers give it: `"YYYY-MM-DD"` or a `Temporal.PlainDate`. */
export type DateInput = string | Temporal.PlainDate;

const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** Reads a calendar date or throws {@link InvalidArgumentError} for `argument`. */
export function parseDate(input: unknown, argument: string): Temporal.PlainDate {
  let date: Temporal.PlainDate | undefined;
  try {
    if (typeof input === "string" && DATE_PATTERN.test(input)) date = Temporal.PlainDate.from(input);
    if (temporalKind(input) === "PlainDate") date = Temporal.PlainDate.from(String(input)).withCalendar("iso8601");
  } catch (cause) {
    throw new InvalidArgumentError(argument, `${argument} must be a valid date (YYYY-MM-DD)`, { cause });
  }
  if (date === undefined) {
    throw new InvalidArgumentError(argument, `${argument} must be a date string YYYY-MM-DD or a Temporal.PlainDate`);
  }
  // The years a start may have. Near Temporal's own limits (year 275760) a date cannot even be placed in a
  // zone, and Temporal would throw a RangeError rather than our typed error.
  if (date.year < 0 || date.year > 9999) {
    throw new InvalidArgumentError(argument, `${argument} must be a date in the years 0000 to 9999`);
  }
  return date;
}

/**
 * Every aligned start on `date` in `timeZone`, in time order. Wall-clock times in a daylight-saving gap are
 * absent; those in a repeated hour appear twice, once per occurrence, as distinct exact times.
 */
export function startsOn(policy: Policy, date: Temporal.PlainDate, timeZone: string): Temporal.ZonedDateTime[] {
  const starts: Temporal.ZonedDateTime[] = [];
  for (let minutes = 0; minutes < 1440; minutes += policy.alignmentMinutes) {
    const wallClock = date.toPlainDateTime({ hour: Math.floor(minutes / 60), minute: minutes % 60 });
    const earlier = wallClock.toZonedDateTime(timeZone, { disambiguation: "earlier" });
    if (!earlier.toPlainDateTime().equals(wallClock)) continue; // in a gap: this time never happens
    starts.push(earlier);
    const later = wallClock.toZonedDateTime(timeZone, { disambiguation: "later" });
    if (!later.equals(earlier)) starts.push(later);
  }
  return starts.sort(Temporal.ZonedDateTime.compare);
}
