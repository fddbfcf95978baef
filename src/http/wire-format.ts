/**
 * The seed's wire form: times as `YYYY-MM-DD HH:mm` in the user's local time, and appointments as
 * `{ "start_time": …, "end_time": … }`. It belongs to the HTTP API; the core speaks `Temporal`.
 *
 * @module
 */
import { Temporal } from "temporal-polyfill";
import { InvalidArgumentError } from "../errors/scheduler-errors.js";
import type { Appointment } from "../model/appointment.js";
import { readFields } from "../scheduler/read-fields.js";
import { DAY_MS, isoDate } from "../time/civil-date.js";
import { temporalKind } from "../time/temporal-kind.js";

/** The seed's JSON form of an appointment: `{ "start_time": "YYYY-MM-DD HH:mm", "end_time": … }`. */
export interface WireAppointment {
  readonly start_time: string;
  readonly end_time: string;
}

/**
 * An appointment in the seed's JSON form, local times in the appointment's zone.
 *
 * @example
 * ```ts
 * toWireAppointment(await scheduler.book(1, "2021-04-22 11:30"));
 * // { start_time: "2021-04-22 11:30", end_time: "2021-04-22 12:00" }
 * ```
 */
export function toWireAppointment(appointment: Pick<Appointment, "start" | "end">): WireAppointment {
  if (typeof appointment !== "object" || appointment === null) {
    throw new InvalidArgumentError("appointment", "appointment must be an object with start and end");
  }
  const { start, end } = readFields(appointment, ["start", "end"], "appointment");
  return { start_time: formatZoned(start, "appointment.start"), end_time: formatZoned(end, "appointment.end") };
}

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
  const offset = fixedOffsetMs(zoned.timeZoneId) ?? zoned.offsetNanoseconds / 1_000_000;
  return localWireTime(zoned.epochMilliseconds + offset) ?? isoFieldsWireTime(zoned);
}

/**
 * The wire form of the instant `epochMs` (whole milliseconds) in `timeZone` (a zone id as Temporal gives
 * it), the same text as {@link formatWireTime} of that `ZonedDateTime`. In UTC and fixed-offset zones no
 * `Temporal` object is built.
 */
export function formatEpochMs(epochMs: number, timeZone: string): string {
  return instantTexts(epochMs, timeZone).wire;
}

/**
 * The instant `epochMs` in `timeZone` as RFC 3339 with the zone's offset there, `2021-04-22T11:30:00+00:00`:
 * unlike the seed's form, it tells the two occurrences of a repeated hour apart. Seconds are always given;
 * fractions only when the instant has them.
 *
 * @example
 * ```ts
 * formatRfc3339(Date.UTC(2021, 10, 7, 5, 30), "America/New_York"); // "2021-11-07T01:30:00-04:00"
 * ```
 */
export function formatRfc3339(epochMs: number, timeZone: string): string {
  return instantTexts(epochMs, timeZone).rfc3339;
}

/**
 * Both forms of one instant, from one look-up of the zone's offset and one computation of the local date:
 * what every appointment in an answer needs twice.
 */
export function instantTexts(epochMs: number, timeZone: string): { wire: string; rfc3339: string } {
  let offset = fixedOffsetMs(timeZone);
  let zoned: Temporal.ZonedDateTime | undefined;
  if (offset === undefined || !Number.isInteger(epochMs)) {
    // Anything but a whole number (a store that broke its contract) fails here, in Temporal.
    zoned = new Temporal.ZonedDateTime(BigInt(epochMs) * 1_000_000n, timeZone);
    offset = zoned.offsetNanoseconds / 1_000_000;
  }
  const local = localDateTime(epochMs + offset);
  if (local === undefined || offset % 60_000 !== 0) {
    // Outside the years 0000–9999, or an offset with seconds (local mean time before 1900), which RFC 3339
    // cannot write: the instant in UTC, which it can; the wire form as Temporal's fields print it.
    zoned ??= new Temporal.ZonedDateTime(BigInt(epochMs) * 1_000_000n, timeZone);
    return {
      wire: local ? `${local.date} ${hoursMinutes(local.minuteOfDay)}` : isoFieldsWireTime(zoned),
      rfc3339: Temporal.Instant.fromEpochMilliseconds(epochMs).toString(),
    };
  }
  const { date, minuteOfDay, msOfMinute } = local;
  const hm = hoursMinutes(minuteOfDay);
  // Seconds as Temporal prints them: always; a fraction only with the digits it needs.
  const seconds = msOfMinute === 0 ? "00" : pad(Math.floor(msOfMinute / 1000), 2);
  const fraction = msOfMinute % 1000 === 0 ? "" : `.${pad(msOfMinute % 1000, 3).replace(/0+$/, "")}`;
  return { wire: `${date} ${hm}`, rfc3339: `${date}T${hm}:${seconds}${fraction}${offsetText(offset)}` };
}

/** `YYYY-MM-DD HH:mm` of local wall-clock milliseconds; `undefined` outside the years 0000–9999. */
function localWireTime(localMs: number): string | undefined {
  const local = localDateTime(localMs);
  return local && `${local.date} ${hoursMinutes(local.minuteOfDay)}`;
}

/** The date, minute of the day and milliseconds into the minute of local wall-clock milliseconds. */
function localDateTime(localMs: number): { date: string; minuteOfDay: number; msOfMinute: number } | undefined {
  const epochDay = Math.floor(localMs / DAY_MS);
  if (epochDay < FIRST_DAY_OF_YEAR_0 || epochDay > LAST_DAY_OF_YEAR_9999) return undefined;
  const msOfDay = localMs - epochDay * DAY_MS;
  return { date: isoDate(epochDay), minuteOfDay: Math.floor(msOfDay / 60_000), msOfMinute: msOfDay % 60_000 };
}

function hoursMinutes(minuteOfDay: number): string {
  return `${pad(Math.floor(minuteOfDay / 60), 2)}:${pad(minuteOfDay % 60, 2)}`;
}

/** `+HH:MM` / `-HH:MM` of an offset of whole minutes, in milliseconds. */
function offsetText(offsetMs: number): string {
  const minutes = Math.abs(offsetMs) / 60_000;
  return `${offsetMs < 0 ? "-" : "+"}${pad(Math.floor(minutes / 60), 2)}:${pad(minutes % 60, 2)}`;
}

/** Outside the wire form's years: Temporal's own fields, whatever they print. */
function isoFieldsWireTime(zoned: Temporal.ZonedDateTime): string {
  const iso = zoned.toPlainDateTime().withCalendar("iso8601");
  return `${pad(iso.year, 4)}-${pad(iso.month, 2)}-${pad(iso.day, 2)} ${pad(iso.hour, 2)}:${pad(iso.minute, 2)}`;
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
 * The offset of a fixed zone (`UTC`, the default, or `+05:30`) in milliseconds, read from its id;
 * `undefined` for a zone with rules. (Temporal's `offsetNanoseconds` computes every local field to get it.)
 */
function fixedOffsetMs(timeZone: string): number | undefined {
  if (timeZone === "UTC") return 0;
  const fixed = FIXED_OFFSET.exec(timeZone);
  return fixed ? (fixed[1] === "-" ? -1 : 1) * (Number(fixed[2]) * 60 + Number(fixed[3])) * 60_000 : undefined;
}

/** Days from 1970-01-01 to 0000-01-01 and to 9999-12-31. */
const FIRST_DAY_OF_YEAR_0 = -719_528;
const LAST_DAY_OF_YEAR_9999 = 2_932_896;

function pad(value: number, width: number): string {
  return String(value).padStart(width, "0");
}
