/**
 * Reading a caller's calendar date: `availability`'s day, and a `list` range bound given as a date.
 *
 * Accepted: `"YYYY-MM-DD"` (optionally with a calendar annotation, `2021-04-22[u-ca=hebrew]`) and
 * `Temporal.PlainDate` (of any implementation and calendar), read in the ISO calendar (see `calendar.ts`),
 * in the years 0000 to 9999.
 *
 * @module
 */
import { Temporal } from "temporal-polyfill";
import { InvalidArgumentError } from "../errors/scheduler-errors.js";
import { withIsoCalendar } from "./calendar.js";
import { temporalKind } from "./temporal-kind.js";

/** A calendar date as callers give it: `"YYYY-MM-DD"` or a `Temporal.PlainDate`. */
export type DateInput = string | Temporal.PlainDate;

/** A date, then calendar annotations only: a time zone would be ignored by Temporal, so it is refused. */
const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}(?:\[!?u-ca=[^\]]*\])*$/;

/**
 * Whether `input` has the form of a {@link DateInput} (a date string, or an object tagged
 * `Temporal.PlainDate`), valid or not: what a range bound is read as.
 */
export function isDateForm(input: unknown): boolean {
  return typeof input === "string" ? DATE_PATTERN.test(input) : temporalKind(input) === "PlainDate";
}

/** Reads a calendar date or throws {@link InvalidArgumentError} for `argument`. */
export function parseDate(input: unknown, argument: string): Temporal.PlainDate {
  let date: Temporal.PlainDate | undefined;
  try {
    if (typeof input === "string" && DATE_PATTERN.test(input)) date = Temporal.PlainDate.from(withIsoCalendar(input));
    if (temporalKind(input) === "PlainDate") {
      date = Temporal.PlainDate.from(withIsoCalendar(String(input))).withCalendar("iso8601");
    }
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
