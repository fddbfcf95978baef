/**
 * Instants as a calendar can write them: whole seconds of the years 0000–9999 in UTC (RFC 5545's
 * DATE-TIME has four digits of year). An appointment is at most that far out in its user's zone, so one
 * booked in the first or last hours of that span in a zone far from UTC falls outside it.
 *
 * @module
 */
import { InvalidArgumentError } from "../errors/scheduler-errors.js";
import { readField } from "../scheduler/read-fields.js";
import { temporalKind } from "../time/temporal-kind.js";

/** 0000-01-01T00:00:00Z. */
const FIRST_MS = -62_167_219_200_000;
/** 10000-01-01T00:00:00Z, the first instant after them. */
const AFTER_LAST_MS = 253_402_300_800_000;

/**
 * The epoch milliseconds of `value`, a `Temporal.Instant` or `Temporal.ZonedDateTime` (of any copy of
 * Temporal); otherwise, or outside the years 0000–9999 in UTC, {@link InvalidArgumentError} for `argument`.
 */
export function instantMsOf(value: unknown, argument: string): number {
  const kind = temporalKind(value);
  if (kind !== "Instant" && kind !== "ZonedDateTime") {
    throw new InvalidArgumentError(argument, `${argument} must be a Temporal.Instant or Temporal.ZonedDateTime`);
  }
  return epochMsOf(readField(value as object, "epochMilliseconds", argument), argument);
}

/** `ms` when it is an instant of the years 0000–9999 in UTC; otherwise {@link InvalidArgumentError}. */
export function epochMsOf(ms: unknown, argument: string): number {
  if (typeof ms !== "number" || !Number.isInteger(ms) || ms < FIRST_MS || ms >= AFTER_LAST_MS) {
    throw new InvalidArgumentError(
      argument,
      `${argument} must be an instant of the years 0000 to 9999 in UTC, which iCalendar can write`,
    );
  }
  return ms;
}
