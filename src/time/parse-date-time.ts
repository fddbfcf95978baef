/**
 * Turning a caller's start time into an exact zoned time in the user's zone.
 *
 * Accepted: ISO 8601 / RFC 3339 / RFC 9557 strings with a date and at least hours and minutes
 * (`2021-04-22 11:30`, `2021-04-22T11:30:00`, optional fraction, `Z`, an offset, a `[Zone]` annotation),
 * `Temporal.Instant`, `Temporal.ZonedDateTime`, `Temporal.PlainDateTime` and valid `Date`s. Everything else
 * (`04/05/2021`, `April 5`, date-only strings) is rejected rather than guessed: a medical booking must not
 * read 04/05 two ways.
 *
 * A time without an offset is a wall-clock time: in the `[Zone]` it names, else in the user's zone.
 *
 * @module
 */
import { Temporal } from "temporal-polyfill";
import {
  AmbiguousLocalTimeError,
  InvalidDateTimeError,
  NonexistentLocalTimeError,
} from "../errors/scheduler-errors.js";
import { temporalKind } from "./temporal-kind.js";
import { validateTimeZone } from "./time-zone.js";

/** A start time as callers give it. See the module doc for the accepted string forms. */
export type DateTimeInput = string | Date | Temporal.Instant | Temporal.ZonedDateTime | Temporal.PlainDateTime;

/**
 * What a wall-clock time that occurs twice (the repeated hour when clocks go back) means:
 * `"earlier"` (the default, and `Temporal`'s own choice) is the first occurrence, `"later"` the second, and
 * `"reject"` raises {@link AmbiguousLocalTimeError}. A time with an offset is never ambiguous.
 */
export type AmbiguousTimeRule = "earlier" | "later" | "reject";

/**
 * The string forms we accept: date, `T`/`t`/space, `HH:mm[:ss[.fraction]]`, optional `Z` or offset, then
 * optional bracketed annotations (time zone, calendar). Temporal then validates the values themselves.
 */
const DATE_TIME_PATTERN =
  /^(\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?)([Zz]|[+-]\d{2}(?::?\d{2})?)?((?:\[[^\][\s]+\])*)$/;

/** Years the wire format can show; instants outside them are rejected as invalid. */
const MIN_YEAR = 0;
const MAX_YEAR = 9999;

/**
 * Parses `input` to a `Temporal.ZonedDateTime` in `timeZone`.
 *
 * @throws InvalidDateTimeError for anything that is not a supported form or not a real date-time.
 * @throws NonexistentLocalTimeError for a wall-clock time in a daylight-saving gap.
 * @throws AmbiguousLocalTimeError for a repeated wall-clock time when `ambiguous` is `"reject"`.
 */
export function parseDateTime(input: unknown, timeZone: string, ambiguous: AmbiguousTimeRule): Temporal.ZonedDateTime {
  const parsed = readInput(input);
  // Checked before the conversion too: a wall-clock time near Temporal's own limits (year 275760) cannot be
  // placed in a zone at all, and Temporal would throw a RangeError rather than our typed error.
  if (parsed.kind === "wall-clock" && (parsed.wallClock.year < MIN_YEAR || parsed.wallClock.year > MAX_YEAR)) {
    throw new InvalidDateTimeError();
  }
  const zoned =
    parsed.kind === "exact"
      ? parsed.instant.toZonedDateTimeISO(timeZone)
      : wallClockToZoned(parsed.wallClock, parsed.timeZone ?? timeZone, ambiguous).withTimeZone(timeZone);
  if (zoned.year < MIN_YEAR || zoned.year > MAX_YEAR) throw new InvalidDateTimeError();
  return zoned;
}

/**
 * The exact time that a wall-clock time means in `timeZone`, under the `ambiguous` rule.
 *
 * @throws NonexistentLocalTimeError when the time falls in a daylight-saving gap.
 */
export function wallClockToZoned(
  wallClock: Temporal.PlainDateTime,
  timeZone: string,
  ambiguous: AmbiguousTimeRule,
): Temporal.ZonedDateTime {
  const earlier = wallClock.toZonedDateTime(timeZone, { disambiguation: "earlier" });
  // In a gap Temporal moves the time out of it; a different wall clock back means the asked one never exists.
  if (!earlier.toPlainDateTime().equals(wallClock)) {
    throw new NonexistentLocalTimeError(wallClock.toString(), timeZone);
  }
  if (ambiguous === "earlier") return earlier;
  const later = wallClock.toZonedDateTime(timeZone, { disambiguation: "later" });
  if (ambiguous === "reject" && !later.equals(earlier)) {
    throw new AmbiguousLocalTimeError(wallClock.toString(), timeZone);
  }
  return later;
}

type ParsedInput =
  | { kind: "exact"; instant: Temporal.Instant }
  | { kind: "wall-clock"; wallClock: Temporal.PlainDateTime; timeZone?: string };

/** Reads the caller's value without any zone yet; every failure here is an invalid date-time. */
function readInput(input: unknown): ParsedInput {
  try {
    if (typeof input === "string") return readString(input);
    if (input instanceof Date) {
      const ms = input.getTime();
      if (Number.isNaN(ms)) throw new InvalidDateTimeError();
      return { kind: "exact", instant: Temporal.Instant.fromEpochMilliseconds(ms) };
    }
    switch (temporalKind(input)) {
      case "Instant":
      case "ZonedDateTime": {
        // epochNanoseconds works for objects of any Temporal implementation and keeps sub-milliseconds.
        const ns = (input as { epochNanoseconds: unknown }).epochNanoseconds;
        if (typeof ns !== "bigint") throw new InvalidDateTimeError();
        return { kind: "exact", instant: Temporal.Instant.fromEpochNanoseconds(ns) };
      }
      case "PlainDateTime":
        return { kind: "wall-clock", wallClock: Temporal.PlainDateTime.from(String(input)).withCalendar("iso8601") };
      default:
        throw new InvalidDateTimeError();
    }
  } catch (cause) {
    if (cause instanceof InvalidDateTimeError) throw cause;
    throw new InvalidDateTimeError({ cause });
  }
}

function readString(text: string): ParsedInput {
  const match = DATE_TIME_PATTERN.exec(text);
  if (!match) throw new InvalidDateTimeError();
  const [, local = "", offset, annotations = ""] = match;
  if (offset !== undefined) {
    // An offset makes the time exact. With a [Zone] too, Temporal checks that the two agree.
    const instant =
      annotations === ""
        ? Temporal.Instant.from(text)
        : Temporal.ZonedDateTime.from(text, { offset: "reject" }).toInstant();
    return { kind: "exact", instant };
  }
  const wallClock = Temporal.PlainDateTime.from(`${local}${annotations}`).withCalendar("iso8601");
  const zone = zoneAnnotation(annotations);
  return zone === undefined ? { kind: "wall-clock", wallClock } : { kind: "wall-clock", wallClock, timeZone: zone };
}

/** The time zone named by the first bracketed annotation that is not a `key=value` one, if any. */
function zoneAnnotation(annotations: string): string | undefined {
  for (const [, body = ""] of annotations.matchAll(/\[!?([^\]]+)\]/g)) {
    if (!body.includes("=")) return validateTimeZone(body);
  }
  return undefined;
}
