/**
 * Turning a caller's start time, or a bound of a range of time, into an exact zoned time in the user's zone.
 *
 * Accepted: ISO 8601 / RFC 3339 / RFC 9557 strings with a date and at least hours and minutes
 * (`2021-04-22 11:30`, `2021-04-22T11:30:00`, optional fraction, `Z`, an offset, a `[Zone]` annotation),
 * `Temporal.Instant`, `Temporal.ZonedDateTime`, `Temporal.PlainDateTime` and valid `Date`s. Everything else
 * (`04/05/2021`, `April 5`, date-only strings, a leap second `:60`) is rejected rather than guessed: a
 * medical booking must not read 04/05 two ways. A calendar annotation or a Temporal object's calendar never
 * changes the time: it is read in the ISO calendar (`calendar.ts`).
 *
 * A time without an offset is a wall-clock time: in the `[Zone]` it names, else in the user's zone. A start
 * in a daylight-saving gap does not exist and is refused; a range bound there is the instant the clocks jump
 * over it (see {@link parseBound}).
 *
 * @module
 */
import { Temporal } from "temporal-polyfill";
import {
  AmbiguousLocalTimeError,
  InvalidArgumentError,
  InvalidDateTimeError,
  NonexistentLocalTimeError,
} from "../errors/scheduler-errors.js";
import { withIsoCalendar } from "./calendar.js";
import { isDateForm, parseDate } from "./parse-date.js";
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
 * Groups: the wall-clock part, its seconds, the offset, the annotations.
 */
const DATE_TIME_PATTERN =
  /^(\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::(\d{2})(?:[.,]\d{1,9})?)?)([Zz]|[+-]\d{2}(?::?\d{2})?)?((?:\[[^\][\s]+\])*)$/;

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
  return placed(readInput(input), timeZone, (wallClock, zone) => wallClockToZoned(wallClock, zone, ambiguous));
}

/**
 * Parses a bound of a range of time (`list`'s `from` and `to`) to the position on the time line it names,
 * as a `Temporal.ZonedDateTime` in `timeZone`. A bound is a position, never refused for where it falls:
 *
 * - a date (`"2021-04-22"`, `Temporal.PlainDate`) is its first instant in `timeZone` (Temporal's
 *   `startOfDay`): midnight, or on a day that starts in a gap, the instant the clocks jump at;
 * - a wall-clock time in a daylight-saving gap is the instant the clocks jump over it, where the wall clock
 *   resumes: 02:30 on 14 March 2021 in New York (02:00 to 03:00 is skipped) is 03:00 EDT, 07:00Z. Every
 *   wall-clock time of a gap stands for that one instant, so 02:00, 02:30 and 03:00 are the same bound.
 *   (Not Temporal's `"compatible"` or `"later"`, 03:30 EDT: the time shifted by the gap's length, which
 *   would leave out what starts at 03:00.) A date whose midnight is in a gap is that same instant;
 * - a repeated wall-clock time is its first occurrence, whatever the scheduler's `ambiguousTime` says; an
 *   offset (`01:30-05:00`) names the second one;
 * - any other input is read as {@link parseDateTime} reads it.
 *
 * @throws InvalidArgumentError naming `argument` (`range.from`) for any other input, with the reason as
 *   its `cause`.
 */
export function parseBound(input: unknown, timeZone: string, argument: string): Temporal.ZonedDateTime {
  if (isDateForm(input)) return parseDate(input, argument).toZonedDateTime(timeZone);
  try {
    return placed(readInput(input), timeZone, wallClockToPosition);
  } catch (cause) {
    throw new InvalidArgumentError(argument, `${argument} must be a valid datetime or date (YYYY-MM-DD)`, {
      cause,
    });
  }
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

/** At most this many transitions are passed looking for a gap's: a real zone needs one. */
const MAX_TRANSITIONS = 4;

/**
 * The position on the time line of a wall-clock time in `timeZone`, as {@link parseBound} defines it: the
 * time; a repeated one's first occurrence; for one in a gap, the transition that jumps over it.
 */
export function wallClockToPosition(wallClock: Temporal.PlainDateTime, timeZone: string): Temporal.ZonedDateTime {
  const earlier = wallClock.toZonedDateTime(timeZone, { disambiguation: "earlier" });
  if (earlier.toPlainDateTime().equals(wallClock)) return earlier;
  // In a gap, Temporal's "earlier" is the time shifted back by the gap's length: an instant before the gap.
  // The gap's transition is the first one after it whose wall clock is past the asked time (the first one
  // after it, unless the zone changed its offset twice within the gap's length).
  let position = earlier;
  for (let passed = 0; passed < MAX_TRANSITIONS; passed++) {
    const next = position.getTimeZoneTransition("next");
    if (next === null) break;
    if (Temporal.PlainDateTime.compare(next.toPlainDateTime(), wallClock) > 0) return next;
    position = next;
  }
  // Unreachable with a consistent time zone database: Temporal found the gap by those transitions.
  throw new InvalidDateTimeError();
}

/** Places what `readInput` read in `timeZone`, a wall-clock time by `wallClockIn`; years 0000–9999 only. */
function placed(
  parsed: ParsedInput,
  timeZone: string,
  wallClockIn: (wallClock: Temporal.PlainDateTime, timeZone: string) => Temporal.ZonedDateTime,
): Temporal.ZonedDateTime {
  // Checked before the conversion too: a wall-clock time near Temporal's own limits (year 275760) cannot be
  // placed in a zone at all, and Temporal would throw a RangeError rather than our typed error.
  if (parsed.kind === "wall-clock" && (parsed.wallClock.year < MIN_YEAR || parsed.wallClock.year > MAX_YEAR)) {
    throw new InvalidDateTimeError();
  }
  const zoned =
    parsed.kind === "exact"
      ? parsed.instant.toZonedDateTimeISO(timeZone)
      : wallClockIn(parsed.wallClock, parsed.timeZone ?? timeZone).withTimeZone(timeZone);
  if (zoned.year < MIN_YEAR || zoned.year > MAX_YEAR) throw new InvalidDateTimeError();
  return zoned;
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
        // epochNanoseconds works for objects of any Temporal implementation and calendar, and keeps
        // sub-milliseconds.
        const ns = (input as { epochNanoseconds: unknown }).epochNanoseconds;
        if (typeof ns !== "bigint") throw new InvalidDateTimeError();
        return { kind: "exact", instant: Temporal.Instant.fromEpochNanoseconds(ns) };
      }
      case "PlainDateTime": {
        // Its string, ISO fields and calendar annotation, read as a string is (of any implementation).
        const parsed = readString(String(input));
        if (parsed.kind !== "wall-clock" || parsed.timeZone !== undefined) throw new InvalidDateTimeError();
        return parsed;
      }
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
  const [, local = "", seconds, offset, annotated = ""] = match;
  // RFC 3339 allows a leap second (:60), which Temporal reads as :59 in every form: refused here instead.
  if (seconds === "60") throw new InvalidDateTimeError();
  const annotations = withIsoCalendar(annotated);
  const zone = annotations === "" ? undefined : zoneAnnotation(annotations);
  if (offset !== undefined) {
    // An offset makes the time exact. With a [Zone] too, Temporal checks that the two agree.
    const exact = `${local}${offset}${annotations}`;
    const instant =
      zone === undefined
        ? Temporal.Instant.from(exact)
        : Temporal.ZonedDateTime.from(exact, { offset: "reject" }).toInstant();
    return { kind: "exact", instant };
  }
  const wallClock = Temporal.PlainDateTime.from(`${local}${annotations}`);
  return zone === undefined ? { kind: "wall-clock", wallClock } : { kind: "wall-clock", wallClock, timeZone: zone };
}

/** The time zone named by the first bracketed annotation that is not a `key=value` one, if any. */
function zoneAnnotation(annotations: string): string | undefined {
  for (const [, body = ""] of annotations.matchAll(/\[!?([^\]]+)\]/g)) {
    if (!body.includes("=")) return validateTimeZone(body);
  }
  return undefined;
}
