/**
 * From stored records to what callers get back: appointments and change events as zoned times in the
 * user's time zone.
 *
 * @module
 */
import { Temporal } from "temporal-polyfill";
import type { Appointment, AppointmentChangeEvent } from "../model/appointment.js";
import type { AppointmentRecord, ChangeRecord } from "../store/appointment-store.js";

const NO_PREVIOUS_TIMES: Appointment["previousTimes"] = Object.freeze([]);

/** The appointment a stored record stands for, shown in `timeZone`. */
export function appointmentFromRecord(record: AppointmentRecord, timeZone: string): Appointment {
  const createdAt = instantAt(record.createdAtMs);
  return {
    id: record.id,
    userId: record.userId,
    status: record.status,
    start: zonedAt(record.startMs, timeZone),
    end: zonedAt(record.endMs, timeZone),
    version: record.version,
    createdAt,
    // One object when they are the same instant, as they are until the first change.
    updatedAt: record.updatedAtMs === record.createdAtMs ? createdAt : instantAt(record.updatedAtMs),
    cancelledAt: record.cancelledAtMs === null ? null : instantAt(record.cancelledAtMs),
    cancellationReason: record.cancellationReason,
    previousTimes:
      record.previousTimes.length === 0
        ? NO_PREVIOUS_TIMES
        : record.previousTimes.map((previous) => ({
            start: zonedAt(previous.startMs, timeZone),
            end: zonedAt(previous.endMs, timeZone),
            movedAt: instantAt(previous.movedAtMs),
          })),
    metadata: record.metadata,
    resource: record.resource
      ? {
          id: record.resource.resourceId,
          occupiedFrom: zonedAt(record.resource.fromMs, timeZone),
          occupiedUntil: zonedAt(record.resource.toMs, timeZone),
        }
      : null,
    type: record.appointmentType ?? null,
    // A store written before holds may leave it out: never held.
    holdExpiresAt: record.holdExpiresAtMs == null ? null : instantAt(record.holdExpiresAtMs),
  };
}

/** The change event a stored one stands for, shown in `timeZone`. */
export function changeEventFromRecord(event: ChangeRecord, timeZone: string): AppointmentChangeEvent {
  return {
    position: event.position,
    type: event.type,
    appointment: appointmentFromRecord(event.record, timeZone),
    previous: event.previous && {
      start: zonedAt(event.previous.startMs, timeZone),
      end: zonedAt(event.previous.endMs, timeZone),
    },
    idempotencyKey: event.idempotencyKey,
    at: instantAt(event.atMs),
  };
}

/** The instant `epochMs` in `timeZone`, built directly (no intermediate `Instant`: this runs per appointment). */
function zonedAt(epochMs: number, timeZone: string): Temporal.ZonedDateTime {
  return new Temporal.ZonedDateTime(BigInt(epochMs) * 1_000_000n, timeZone);
}

function instantAt(epochMs: number): Temporal.Instant {
  return new Temporal.Instant(BigInt(epochMs) * 1_000_000n);
}
