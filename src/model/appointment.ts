/**
 * The shapes callers get back: appointments, free slots and change events, as zoned times in the user's
 * time zone. Plain types only, so that the errors, the store contract and the scheduler can all stand on
 * them without depending on each other.
 *
 * @module
 */
import type { Temporal } from "temporal-polyfill";
import type { JsonObject } from "./json.js";

/**
 * Where an appointment is in its life: `booked` (it holds its time), `cancelled` (kept, holds nothing),
 * `held` (a hold: it holds its time until the hold expires, see docs/resources.md) or `released` (a hold
 * given up; kept, holds nothing).
 */
export type AppointmentStatus = "booked" | "cancelled" | "held" | "released";

/** Where an appointment was before a move, shown in the user's zone, and when it was moved. */
export interface PreviousAppointmentTimes {
  readonly start: Temporal.ZonedDateTime;
  readonly end: Temporal.ZonedDateTime;
  readonly movedAt: Temporal.Instant;
}

/** An appointment. Times are exact and shown in the user's time zone; `end` is exclusive. */
export interface Appointment {
  /**
   * Stable id, unique among the user's appointments: use it to `get`, `cancel` or `reschedule`. It never
   * changes, also when moved.
   */
  readonly id: string;
  /** The user's id in canonical string form (`42` becomes `"42"`). */
  readonly userId: string;
  /**
   * `booked`; `cancelled` (kept with its history; it no longer counts toward any limit); `held` (a hold from
   * `hold`, counting until `holdExpiresAt`) or `released` (a hold given up).
   */
  readonly status: AppointmentStatus;
  /** First instant of the appointment, in the user's zone. */
  readonly start: Temporal.ZonedDateTime;
  /** First instant after the appointment (exclusive), in the user's zone. */
  readonly end: Temporal.ZonedDateTime;
  /** 1 when booked; one more with every change (a move, the cancellation). */
  readonly version: number;
  /** When it was booked (the scheduler's clock). */
  readonly createdAt: Temporal.Instant;
  /** When it last changed; `createdAt` until then. */
  readonly updatedAt: Temporal.Instant;
  /** When it was cancelled, or `null`. */
  readonly cancelledAt: Temporal.Instant | null;
  /** The reason given when it was cancelled, or `null`. */
  readonly cancellationReason: string | null;
  /** Where it was before each move, oldest first; empty when it never moved. */
  readonly previousTimes: readonly PreviousAppointmentTimes[];
  /** The metadata given when it was booked, unchanged, or `null`. */
  readonly metadata: JsonObject | null;
  /** The resource it occupies (see docs/resources.md), or `null`. */
  readonly resource: AppointmentResource | null;
  /** Its appointment type's name, or `null` (the policy's own duration). */
  readonly type: string | null;
  /**
   * For a hold: until when it counts (exclusive). Kept once the hold is confirmed or released; `null` for an
   * appointment booked directly.
   */
  readonly holdExpiresAt: Temporal.Instant | null;
}

/** What an appointment occupies of a resource: its times widened by the buffers. */
export interface AppointmentResource {
  /** The resource's id. */
  readonly id: string;
  /** The start minus the buffer before, in the user's zone. */
  readonly occupiedFrom: Temporal.ZonedDateTime;
  /** The end plus the buffer after (exclusive), in the user's zone. */
  readonly occupiedUntil: Temporal.ZonedDateTime;
}

/** A start the user could book now, with the end it would have. `end` is exclusive. */
export interface AvailableSlot {
  readonly start: Temporal.ZonedDateTime;
  readonly end: Temporal.ZonedDateTime;
  /**
   * With `availability(…, { resources })`: the resources free for this start, in the order asked (only
   * starts with at least one are offered). Absent without `resources`.
   */
  readonly resources?: readonly string[];
}

/** What kind of change an event records: a booking, move, cancellation, hold, confirmation or release. */
export type AppointmentChangeType = "booked" | "rescheduled" | "cancelled" | "held" | "confirmed" | "released";

/** One committed change to an appointment, from {@link Scheduler.changes}. */
export interface AppointmentChangeEvent {
  /** The event's position in the feed: pass the last one you processed as `after` to read on. */
  readonly position: string;
  readonly type: AppointmentChangeType;
  /** The appointment as it was right after the change. */
  readonly appointment: Appointment;
  /** For `rescheduled`, where the appointment was before; otherwise `null`. */
  readonly previous: { readonly start: Temporal.ZonedDateTime; readonly end: Temporal.ZonedDateTime } | null;
  /** The idempotency key the change was written with, or `null`. */
  readonly idempotencyKey: string | null;
  /** When the change was written (the scheduler's clock). */
  readonly at: Temporal.Instant;
}
