/**
 * Time zone validation. A user's calendar date, the alignment of a start and the wire format are all
 * judged in a time zone, so a bad one must fail loudly and typed, not as a `RangeError` deep inside.
 *
 * @module
 */
import { Temporal } from "temporal-polyfill";
import { InvalidTimeZoneError } from "../errors/scheduler-errors.js";

/** Zones seen before: validating a zone means building a zoned time, which is worth doing once. */
const validZones = new Map<string, string>();

/**
 * Returns the canonical id of `timeZone` (an IANA name such as `"Europe/London"`, or a UTC offset such as
 * `"+05:45"`), or throws {@link InvalidTimeZoneError}.
 */
export function validateTimeZone(timeZone: unknown): string {
  if (typeof timeZone !== "string") throw new InvalidTimeZoneError(timeZone);
  const known = validZones.get(timeZone);
  if (known !== undefined) return known;
  let canonical: string;
  try {
    canonical = Temporal.Instant.fromEpochMilliseconds(0).toZonedDateTimeISO(timeZone).timeZoneId;
  } catch (cause) {
    throw new InvalidTimeZoneError(timeZone, { cause });
  }
  // Bounded: an attacker-controlled zone string can't grow this past the number of real zones by much.
  if (validZones.size < 10_000) validZones.set(timeZone, canonical);
  return canonical;
}
