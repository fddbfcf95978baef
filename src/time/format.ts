/**
 * The seed's wire format for times: `YYYY-MM-DD HH:mm` in the user's local time.
 *
 * @module
 */
import { Temporal } from "temporal-polyfill";
import { InvalidArgumentError } from "../errors/scheduler-errors.js";
import { DAY_MS, isoDate } from "./civil-date.js";
import { temporalKind } from "./temporal-kind.js";

/**
 * Formats a zoned time as the seed did: `YYYY-MM-DD HH:mm`, wall-clock time in the time's own zone.
 *
 * The form carries no offset, so the two occurrences of a repeated hour (daylight-saving fall-back) format
 * alike; keep the `Temporal.ZonedDateTime` where the difference matters.
 *
 * @example
 * ```ts
 * formatWireTime(appointment.start); // "2021-04-22 11:30"
 * ```
 */
export function formatWireTime(time: Temporal.ZonedDateTime): string {
  return formatZoned(time, "time");
}

/** {@link formatWireTime}, naming `argument` in the error for anything that is not a `ZonedDateTime`. */
export function formatZoned(time: unknown, argument: string): string {
  const zoned = ownZonedDateTime(time, argument);
  // Local wall-clock milliseconds, by arithmetic: Temporal's field getters each convert the exact time again,
  // which made formatting the costliest step of answering a request. (Offsets are whole seconds.)
  const localMs = zoned.epochMilliseconds + offsetMs(zoned);
  const epochDay = Math.floor(localMs / DAY_MS);
  const minuteOfDay = Math.floor((localMs - epochDay * DAY_MS) / 60_000);
  if (epochDay < FIRST_DAY_OF_YEAR_0 || epochDay > LAST_DAY_OF_YEAR_9999) {
    // Outside the wire form's years: Temporal's own fields, whatever they print.
    const iso = zoned.toPlainDateTime().withCalendar("iso8601");
    return `${pad(iso.year, 4)}-${pad(iso.month, 2)}-${pad(iso.day, 2)} ${pad(iso.hour, 2)}:${pad(iso.minute, 2)}`;
  }
  return `${isoDate(epochDay)} ${pad(Math.floor(minuteOfDay / 60), 2)}:${pad(minuteOfDay % 60, 2)}`;
}

/** `time` as this library's `Temporal.ZonedDateTime`; one of another Temporal implementation is converted. */
function ownZonedDateTime(time: unknown, argument: string): Temporal.ZonedDateTime {
  try {
    if (time instanceof Temporal.ZonedDateTime) return time;
    if (temporalKind(time) === "ZonedDateTime") {
      const { epochNanoseconds, timeZoneId } = time as { epochNanoseconds: unknown; timeZoneId: unknown };
      if (typeof epochNanoseconds === "bigint" && typeof timeZoneId === "string") {
        return Temporal.Instant.fromEpochNanoseconds(epochNanoseconds).toZonedDateTimeISO(timeZoneId);
      }
    }
  } catch (cause) {
    throw new InvalidArgumentError(argument, `${argument} must be a Temporal.ZonedDateTime`, { cause });
  }
  throw new InvalidArgumentError(argument, `${argument} must be a Temporal.ZonedDateTime`);
}

const FIXED_OFFSET = /^([+-])(\d{2}):(\d{2})$/;

/**
 * The zone's offset at that time, in milliseconds. Read from the zone's id when it is fixed (`UTC`, the
 * default, or `+05:30`): Temporal's `offsetNanoseconds` computes every local field to get it.
 */
function offsetMs(zoned: Temporal.ZonedDateTime): number {
  const id = zoned.timeZoneId;
  if (id === "UTC") return 0;
  const fixed = FIXED_OFFSET.exec(id);
  if (fixed) return (fixed[1] === "-" ? -1 : 1) * (Number(fixed[2]) * 60 + Number(fixed[3])) * 60_000;
  return zoned.offsetNanoseconds / 1_000_000;
}

/** Days from 1970-01-01 to 0000-01-01 and to 9999-12-31. */
const FIRST_DAY_OF_YEAR_0 = -719_528;
const LAST_DAY_OF_YEAR_9999 = 2_932_896;

function pad(value: number, width: number): string {
  return String(value).padStart(width, "0");
}
