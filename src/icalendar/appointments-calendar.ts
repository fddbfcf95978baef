/**
 * Appointments as an iCalendar calendar (RFC 5545), for a feed that a calendar client subscribes to or a
 * file it imports. ical-generator writes the text (escaping, folding at 75 octets, CRLF); this file decides
 * what each appointment is as an event, and holds the few lines of the format that ical-generator leaves to
 * its caller: the text of the calendar's own properties, and the line break after the last line.
 *
 * @module
 */
import ical, { ICalEventStatus, ICalEventTransparency } from "ical-generator";
import { InvalidArgumentError } from "../errors/scheduler-errors.js";
import type { Appointment } from "../model/appointment.js";
import { type CalendarEvent, calendarEventOf } from "./calendar-event.js";
import { type AppointmentsCalendarOptions, calendarSettingsOf } from "./calendar-options.js";

/**
 * The calendar of `appointments` (`BEGIN:VCALENDAR` … `END:VCALENDAR`, CRLF line endings), one event each,
 * in the order given; see `docs/icalendar.md` for every field. An event's UID is the appointment's for good
 * ({@link appointmentUid}), and its `SEQUENCE` grows with every change, so a calendar client that reads the
 * calendar again updates the event in place: a moved appointment moves, a cancelled one shows as cancelled
 * (`STATUS:CANCELLED`). Times are exact instants in UTC (`20300422T093000Z`): what the user's calendar
 * shows is the same instant in whatever zone it is set to.
 *
 * Give it the appointments to show, usually one user's from {@link Scheduler.list} with `{ status: "all" }`
 * (cancelled ones included, so that a client that has them marks them cancelled).
 *
 * @throws InvalidArgumentError for a bad option (a domain with a line break, say; checked also when there
 *   are no appointments), for something in `appointments` that is not an appointment, for an appointment
 *   that appears twice, and for what a caller's function returns if it is not a text. What a caller's
 *   function throws is thrown as it is.
 * @example
 * ```ts
 * import { createScheduler } from "appointment-scheduler";
 * import { appointmentsCalendar } from "appointment-scheduler/icalendar";
 *
 * const scheduler = createScheduler({ timeZone: "Europe/London" });
 * await scheduler.book(42, "2040-04-22 11:30", { metadata: { summary: "Check-up" } });
 * const { appointments } = await scheduler.list(42, {}, { status: "all" });
 * const ics = appointmentsCalendar(appointments, { name: "My appointments", domain: "clinic.example" });
 * ```
 */
export function appointmentsCalendar(
  appointments: Iterable<Appointment>,
  options?: AppointmentsCalendarOptions,
): string {
  const settings = calendarSettingsOf(options);
  const calendar = ical({ prodId: settings.prodId, ...(settings.name === null ? {} : { name: settings.name }) });
  const uids = new Set<string>();
  listOf(appointments).forEach((appointment, index) => {
    const argument = `appointments[${index}]`;
    const event = calendarEventOf(appointment, argument, settings);
    if (uids.has(event.uid)) {
      throw new InvalidArgumentError(
        argument,
        `${argument} is an appointment given before (UID ${event.uid}): each may appear once`,
      );
    }
    uids.add(event.uid);
    calendar.createEvent(eventData(event, settings.nowMs));
  });
  // RFC 5545 ends every content line with CRLF, the last one too; ical-generator stops after END:VCALENDAR.
  return `${calendar.toString()}\r\n`;
}

/** What ical-generator is given for one event: instants as `Date`s, written in UTC with `Z`. */
function eventData(event: CalendarEvent, nowMs: number) {
  return {
    id: event.uid,
    sequence: event.sequence,
    stamp: new Date(nowMs),
    start: new Date(event.startMs),
    end: new Date(event.endMs),
    created: new Date(event.createdMs),
    lastModified: new Date(event.lastModifiedMs),
    summary: event.summary,
    description: event.description,
    location: event.location,
    status: ICalEventStatus[event.status],
    // A cancelled event keeps nobody busy, also in a client that does not read STATUS.
    transparency: event.status === "CANCELLED" ? ICalEventTransparency.TRANSPARENT : null,
  };
}

/** The caller's appointments as an array; {@link InvalidArgumentError} when they are not iterable. */
function listOf(appointments: unknown): unknown[] {
  if (typeof appointments !== "object" || appointments === null || typeof appointments === "string") {
    throw notIterable();
  }
  try {
    if (typeof (appointments as { [Symbol.iterator]?: unknown })[Symbol.iterator] !== "function") {
      throw notIterable();
    }
    return Array.from(appointments as Iterable<unknown>);
  } catch (cause) {
    if (cause instanceof InvalidArgumentError) throw cause;
    // A Proxy whose traps throw, an iterator that throws: still the caller's input.
    throw new InvalidArgumentError("appointments", "appointments could not be read", { cause });
  }
}

function notIterable(): InvalidArgumentError {
  return new InvalidArgumentError(
    "appointments",
    "appointments must be an array (or another iterable) of appointments",
  );
}
