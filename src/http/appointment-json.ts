/**
 * The API's JSON bodies: an appointment, a free start, a change event. Each is built from plain numbers and
 * strings by one function, whether the scheduler gave a stored record (the fast path of `book` and `list`)
 * or a public `Appointment`, so both paths answer the same text.
 *
 * @module
 */
import { Temporal } from "temporal-polyfill";
import type { Appointment, AppointmentChangeEvent, AppointmentStatus, AvailableSlot } from "../model/appointment.js";
import type { JsonObject } from "../model/json.js";
import type { AppointmentRecord } from "../store/appointment-store.js";
import { formatRfc3339, instantTexts, type WireAppointment } from "./wire-format.js";

/**
 * An appointment as the API answers it: the seed's `start_time` and `end_time` (wall-clock, no offset), the
 * same instants as RFC 3339 with their offset (`start`, `end`), and what the ledger knows of it.
 */
export interface AppointmentJson extends WireAppointment {
  /** Stable: the `:id` of its routes. */
  readonly id: string;
  readonly user_id: string;
  /** `booked`, `cancelled`, `held` (a hold not yet confirmed) or `released` (a hold given up). */
  readonly status: AppointmentStatus;
  /** `2021-04-22T11:30:00+00:00`: exact, also on a day when clocks go back. */
  readonly start: string;
  readonly end: string;
  /** One more with every change; an iCalendar `SEQUENCE`, an ETag. */
  readonly version: number;
  /** The appointment type, when it was booked with one. */
  readonly type: string | null;
  /** The resource it occupies, when it was booked on one. */
  readonly resource: string | null;
  /**
   * For a hold: when it stops counting, RFC 3339 in UTC. Kept once the hold is confirmed or released; `null`
   * for an appointment booked directly.
   */
  readonly hold_expires_at: string | null;
  readonly cancellation_reason: string | null;
  readonly metadata: JsonObject | null;
}

/** A start the user could book now: `GET /api/availability/:userId`. */
export interface SlotJson extends WireAppointment {
  readonly start: string;
  readonly end: string;
  /** With resources asked for: those free for this start, in the order asked. */
  readonly resources?: readonly string[];
}

/** One event of the change feed: `GET /api/changes`. */
export interface ChangeJson {
  /** Pass the last one you processed as `after`. */
  readonly position: string;
  readonly type: AppointmentChangeEvent["type"];
  /** When it committed, RFC 3339 in UTC. */
  readonly at: string;
  /** The appointment after the change. */
  readonly appointment: AppointmentJson;
  /** A move's times before it. */
  readonly previous: { readonly start: string; readonly end: string } | null;
}

/** The facts an {@link AppointmentJson} is made of. */
interface AppointmentFacts {
  readonly id: string;
  readonly userId: string;
  readonly status: AppointmentStatus;
  readonly startMs: number;
  readonly endMs: number;
  readonly timeZone: string;
  readonly version: number;
  readonly type: string | null;
  readonly resource: string | null;
  readonly holdExpiresAtMs: number | null;
  readonly cancellationReason: string | null;
  readonly metadata: JsonObject | null;
}

function appointmentJson(facts: AppointmentFacts): AppointmentJson {
  const { timeZone, holdExpiresAtMs } = facts;
  const start = instantTexts(facts.startMs, timeZone);
  const end = instantTexts(facts.endMs, timeZone);
  return {
    id: facts.id,
    user_id: facts.userId,
    status: facts.status,
    start_time: start.wire,
    end_time: end.wire,
    start: start.rfc3339,
    end: end.rfc3339,
    version: facts.version,
    type: facts.type,
    resource: facts.resource,
    hold_expires_at:
      holdExpiresAtMs === null ? null : Temporal.Instant.fromEpochMilliseconds(holdExpiresAtMs).toString(),
    cancellation_reason: facts.cancellationReason,
    metadata: facts.metadata,
  };
}

/** A stored record as the API answers it, times in `timeZone` (the scheduler's record presenter). */
export function appointmentJsonFromRecord(record: AppointmentRecord, timeZone: string): AppointmentJson {
  return appointmentJson({
    id: record.id,
    userId: record.userId,
    status: record.status,
    startMs: record.startMs,
    endMs: record.endMs,
    timeZone,
    version: record.version,
    type: record.appointmentType,
    resource: record.resource?.resourceId ?? null,
    holdExpiresAtMs: record.holdExpiresAtMs,
    cancellationReason: record.cancellationReason,
    metadata: record.metadata,
  });
}

/** A public {@link Appointment} as the API answers it: the same text as from its record. */
export function appointmentJsonOf(appointment: Appointment): AppointmentJson {
  return appointmentJson({
    id: appointment.id,
    userId: appointment.userId,
    status: appointment.status,
    startMs: appointment.start.epochMilliseconds,
    endMs: appointment.end.epochMilliseconds,
    timeZone: appointment.start.timeZoneId,
    version: appointment.version,
    type: appointment.type,
    resource: appointment.resource?.id ?? null,
    holdExpiresAtMs: appointment.holdExpiresAt?.epochMilliseconds ?? null,
    cancellationReason: appointment.cancellationReason,
    metadata: appointment.metadata,
  });
}

/** A free start as the API answers it. */
export function slotJsonOf(slot: AvailableSlot): SlotJson {
  const start = instantTexts(slot.start.epochMilliseconds, slot.start.timeZoneId);
  const end = instantTexts(slot.end.epochMilliseconds, slot.end.timeZoneId);
  return {
    start_time: start.wire,
    end_time: end.wire,
    start: start.rfc3339,
    end: end.rfc3339,
    ...(slot.resources === undefined ? {} : { resources: slot.resources }),
  };
}

/** A change event as the API answers it. */
export function changeJsonOf(event: AppointmentChangeEvent): ChangeJson {
  const { previous } = event;
  return {
    position: event.position,
    type: event.type,
    at: event.at.toString(),
    appointment: appointmentJsonOf(event.appointment),
    previous: previous && {
      start: formatRfc3339(previous.start.epochMilliseconds, previous.start.timeZoneId),
      end: formatRfc3339(previous.end.epochMilliseconds, previous.end.timeZoneId),
    },
  };
}
