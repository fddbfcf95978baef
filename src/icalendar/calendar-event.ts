/**
 * One appointment as a calendar event (a VEVENT): its UID, revision, status, times and texts. The caller's
 * appointment is read once and checked before any of the caller's functions sees it, so that a hand-made
 * or damaged object fails as {@link InvalidArgumentError} naming the field, never as a `TypeError`.
 *
 * @module
 */
import { InvalidArgumentError } from "../errors/scheduler-errors.js";
import type { Appointment } from "../model/appointment.js";
import { readField, readFields } from "../scheduler/read-fields.js";
import { uidOf } from "./appointment-uid.js";
import type { CalendarSettings } from "./calendar-options.js";
import { calendarText } from "./calendar-text.js";
import { instantMsOf } from "./instant-ms.js";

/** What the calendar writes of one appointment. Texts are {@link calendarText}, not yet escaped. */
export interface CalendarEvent {
  readonly uid: string;
  readonly sequence: number;
  readonly status: EventStatus;
  readonly startMs: number;
  readonly endMs: number;
  readonly createdMs: number;
  readonly lastModifiedMs: number;
  readonly summary: string;
  /** `null` for none. */
  readonly description: string | null;
  /** `null` for none. */
  readonly location: string | null;
}

/** RFC 5545's statuses of an event. */
export type EventStatus = "CONFIRMED" | "TENTATIVE" | "CANCELLED";

const APPOINTMENT_KEYS = [
  "id",
  "userId",
  "status",
  "start",
  "end",
  "version",
  "createdAt",
  "updatedAt",
  "metadata",
  "resource",
  "type",
  "holdExpiresAt",
] as const;

/**
 * The event of `appointment` (the `argument`th of the caller's, as `appointments[3]`), as the calendar is
 * made at `settings.nowMs`.
 */
export function calendarEventOf(appointment: unknown, argument: string, settings: CalendarSettings): CalendarEvent {
  if (typeof appointment !== "object" || appointment === null) {
    throw new InvalidArgumentError(argument, `${argument} must be an appointment, not ${describe(appointment)}`);
  }
  const a = readFields(appointment, APPOINTMENT_KEYS, argument);
  const uid = uidOf(a.id, a.userId, settings.domain, argument);
  const startMs = instantMsOf(a.start, `${argument}.start`);
  const endMs = instantMsOf(a.end, `${argument}.end`);
  if (endMs <= startMs) throw new InvalidArgumentError(`${argument}.end`, `${argument}.end must be after its start`);
  const version = a.version;
  if (typeof version !== "number" || !Number.isSafeInteger(version) || version < 1) {
    throw new InvalidArgumentError(`${argument}.version`, `${argument}.version must be a positive integer`);
  }
  const holdExpiresMs =
    a.holdExpiresAt === null || a.holdExpiresAt === undefined
      ? null
      : instantMsOf(a.holdExpiresAt, `${argument}.holdExpiresAt`);
  const { status, sequence } = revisionOf(a.status, version, holdExpiresMs, settings.nowMs, argument);
  const createdMs = instantMsOf(a.createdAt, `${argument}.createdAt`);
  const lastModifiedMs = instantMsOf(a.updatedAt, `${argument}.updatedAt`);
  const metadataArgument = `${argument}.metadata`;
  const metadata = metadataOf(a.metadata, metadataArgument);
  const resourceId = resourceIdOf(a.resource, `${argument}.resource`);
  if (a.type !== null && a.type !== undefined && typeof a.type !== "string") {
    throw new InvalidArgumentError(`${argument}.type`, `${argument}.type must be a string or null`);
  }
  const type = a.type ?? null;

  // Checked: the caller's functions get their own object, as typed.
  const typed = appointment as Appointment;
  const summary =
    settings.summary === undefined
      ? defaultSummary(metadata, type, metadataArgument)
      : textOf(settings.summary(typed), "options.summary", false);
  const description =
    settings.description === undefined
      ? metadataText(metadata, "description", metadataArgument)
      : textOf(settings.description(typed), "options.description", true);
  const location =
    resourceId === null
      ? null
      : settings.resourceName === undefined
        ? resourceId
        : textOf(settings.resourceName(resourceId), "options.resourceName", true);
  return {
    uid,
    sequence,
    status,
    startMs,
    endMs,
    createdMs,
    lastModifiedMs,
    summary: calendarText(summary ?? ""),
    description: nonEmpty(description === null ? null : calendarText(description)),
    location: nonEmpty(location === null ? null : calendarText(location)),
  };
}

/**
 * The event's status and `SEQUENCE`. A version counts every change from 1, and `SEQUENCE` counts the
 * revisions after the first from 0: `version - 1`. A hold past its expiry holds nothing any more, although
 * no change was written: it is cancelled, one revision after the tentative event it was.
 */
function revisionOf(
  status: unknown,
  version: number,
  holdExpiresMs: number | null,
  nowMs: number,
  argument: string,
): { status: EventStatus; sequence: number } {
  switch (status) {
    case "booked":
      return { status: "CONFIRMED", sequence: version - 1 };
    case "cancelled":
    case "released":
      return { status: "CANCELLED", sequence: version - 1 };
    case "held":
      return holdExpiresMs !== null && holdExpiresMs <= nowMs
        ? { status: "CANCELLED", sequence: version }
        : { status: "TENTATIVE", sequence: version - 1 };
    default:
      throw new InvalidArgumentError(
        `${argument}.status`,
        `${argument}.status must be "booked", "cancelled", "held" or "released"`,
      );
  }
}

/**
 * The default `SUMMARY`: the metadata's `summary` or `title` (the first that is a string showing something),
 * else "Appointment", with the type if any.
 */
function defaultSummary(metadata: object | null, type: string | null, argument: string): string {
  return (
    metadataText(metadata, "summary", argument) ??
    metadataText(metadata, "title", argument) ??
    (type === null ? "Appointment" : `Appointment: ${type}`)
  );
}

function metadataOf(value: unknown, argument: string): object | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new InvalidArgumentError(argument, `${argument} must be an object or null`);
  }
  return value;
}

/**
 * The metadata's `key` as the calendar shows it, when it is a string and shows as more than nothing;
 * otherwise (absent, a number, an object, `""`) `null`.
 */
function metadataText(metadata: object | null, key: string, argument: string): string | null {
  if (metadata === null) return null;
  const value = readField(metadata, key, argument);
  return typeof value === "string" ? nonEmpty(calendarText(value)) : null;
}

function resourceIdOf(value: unknown, argument: string): string | null {
  if (value === null || value === undefined) return null;
  const id = typeof value === "object" ? readField(value, "id", argument) : undefined;
  if (typeof id !== "string") {
    throw new InvalidArgumentError(argument, `${argument} must be null or an object with the resource's id`);
  }
  return id;
}

/** What a caller's function answered, as a text: a string, or (`nullable`) `null` or `undefined` for none. */
function textOf(value: unknown, option: string, nullable: boolean): string | null {
  if (typeof value === "string") return value;
  if (nullable && (value === null || value === undefined)) return null;
  throw new InvalidArgumentError(
    option,
    `${option} must return a string${nullable ? " or null" : ""}, not ${describe(value)}`,
  );
}

function nonEmpty(text: string | null): string | null {
  return text === "" ? null : text;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : typeof value;
}
