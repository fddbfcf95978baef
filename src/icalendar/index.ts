/**
 * appointment-scheduler/icalendar: appointments as an iCalendar calendar (RFC 5545), which Google Calendar,
 * Apple Calendar and Outlook subscribe to or import.
 *
 * {@link appointmentsCalendar} turns a user's appointments into the calendar's text: one event per
 * appointment, at its exact instants, under a UID that is the appointment's for good ({@link appointmentUid})
 * and a `SEQUENCE` that grows with every change, so that a client reading the feed again moves a moved
 * appointment and marks a cancelled one, instead of adding copies. The text is written by ical-generator
 * (escaping, lines folded at 75 octets, CRLF), and read back exactly by an independent parser in the tests.
 * `docs/icalendar.md` maps every field.
 *
 * @example
 * ```ts
 * import { createScheduler } from "appointment-scheduler";
 * import { appointmentsCalendar } from "appointment-scheduler/icalendar";
 *
 * const scheduler = createScheduler({ timeZone: "America/New_York" });
 * await scheduler.book(42, "2040-04-22 11:30", { metadata: { summary: "Check-up" } });
 * const { appointments } = await scheduler.list(42, {}, { status: "all" });
 * const ics = appointmentsCalendar(appointments, { name: "My appointments", domain: "clinic.example" });
 * // Serve it as `text/calendar; charset=utf-8`.
 * ```
 *
 * @module
 */
export { type AppointmentUidOptions, appointmentUid } from "./appointment-uid.js";
export { appointmentsCalendar } from "./appointments-calendar.js";
export type { AppointmentsCalendarOptions, CalendarProductId } from "./calendar-options.js";
