/**
 * What the scheduler hands back: appointments and free slots as zoned times in the user's time zone.
 *
 * @module
 */
import { Temporal } from "temporal-polyfill";
import { InvalidArgumentError } from "../errors/scheduler-errors.js";
import type { AppointmentRecord } from "../store/appointment-store.js";
import { formatEpochMs, formatZoned } from "../time/format.js";
import { readFields } from "./read-fields.js";

/** A booked appointment. Times are exact and shown in the user's time zone; `end` is exclusive. */
export interface Appointment {
  /** Stable unique id: use it to `get`, `cancel` or `reschedule`. */
  readonly id: string;
  /** The user's id in canonical string form (`42` becomes `"42"`). */
  readonly userId: string;
  /** First instant of the appointment, in the user's zone. */
  readonly start: Temporal.ZonedDateTime;
  /** First instant after the appointment (exclusive), in the user's zone. */
  readonly end: Temporal.ZonedDateTime;
}

/** A start the user could book now, with the end it would have. `end` is exclusive. */
export interface AvailableSlot {
  readonly start: Temporal.ZonedDateTime;
  readonly end: Temporal.ZonedDateTime;
}

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

/** The appointment a stored record stands for, shown in `timeZone`. */
export function appointmentFromRecord(record: AppointmentRecord, timeZone: string): Appointment {
  return {
    id: record.id,
    userId: record.userId,
    start: zonedAt(record.startMs, timeZone),
    end: zonedAt(record.endMs, timeZone),
  };
}

/**
 * The seed's JSON form of a stored record shown in `timeZone`: the same text as `toWireAppointment` of the
 * appointment the record stands for, without building its `Temporal` objects.
 */
export function wireAppointmentFromRecord(record: AppointmentRecord, timeZone: string): WireAppointment {
  return { start_time: formatEpochMs(record.startMs, timeZone), end_time: formatEpochMs(record.endMs, timeZone) };
}

/** The instant `epochMs` in `timeZone`, built directly (no intermediate `Instant`: this runs per appointment). */
function zonedAt(epochMs: number, timeZone: string): Temporal.ZonedDateTime {
  return new Temporal.ZonedDateTime(BigInt(epochMs) * 1_000_000n, timeZone);
}
