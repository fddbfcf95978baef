/**
 * The UID of an appointment's event: what a calendar client matches a new copy of the feed against, so it
 * must name one appointment for good. An appointment id is unique only among its user's appointments, so
 * the UID holds both, and a domain of the caller's, so that two services' feeds in one calendar cannot clash.
 *
 * @module
 */
import { InvalidArgumentError } from "../errors/scheduler-errors.js";
import type { Appointment } from "../model/appointment.js";
import { readField, readFields } from "../scheduler/read-fields.js";

/** The domain of the UIDs when none is given. */
export const DEFAULT_UID_DOMAIN = "appointment-scheduler.invalid";

/** A DNS name: labels of letters, digits and inner hyphens, at most 63 characters each, 253 in all. */
const LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
const DOMAIN = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`);
const MAX_DOMAIN_LENGTH = 253;

/**
 * Options of {@link appointmentUid}. The options of `appointmentsCalendar` are these and more, so the same
 * object may be given to both (other keys are not read here).
 */
export interface AppointmentUidOptions {
  /**
   * The right-hand side of the UIDs: a domain of yours (`clinic.example`), as RFC 5545 suggests. Default
   * `"appointment-scheduler.invalid"`. Choose it once: a new domain gives every event a new UID, and a
   * calendar client then sees every appointment removed and added again.
   */
  readonly domain?: string | undefined;
}

/**
 * The UID of `appointment`'s event: `<appointment id>.<user id>@<domain>`, each id percent-encoded as UTF-8
 * (every character but ASCII letters, digits, `-`, `_` and `~`; so `.` and `@` cannot be mistaken for the
 * separators), for example `1f0c….42@clinic.example`. The same for every version of the appointment, so a
 * moved or cancelled appointment replaces its earlier copy in the user's calendar; different for any two
 * appointments (ids differ for one user, users differ otherwise). Use it to send an invitation by email
 * that the feed later updates.
 *
 * @throws InvalidArgumentError for `options.domain` that is not a DNS name (letters, digits, hyphens and
 *   dots), or for an `appointment` whose `id` or `userId` is not a non-empty string of well-formed Unicode.
 */
export function appointmentUid(
  appointment: Pick<Appointment, "id" | "userId">,
  options?: AppointmentUidOptions,
): string {
  if (options !== undefined && (typeof options !== "object" || options === null)) {
    throw new InvalidArgumentError("options", "options must be an object");
  }
  const domain = domainOf(
    options === undefined ? undefined : readField(options, "domain", "options"),
    "options.domain",
  );
  if (typeof appointment !== "object" || appointment === null) {
    throw new InvalidArgumentError("appointment", "appointment must be an appointment (its id and userId)");
  }
  const { id, userId } = readFields(appointment, ["id", "userId"], "appointment");
  return uidOf(id, userId, domain, "appointment");
}

/** The UID of the appointment `id` of user `userId`, ids checked as `argument.id` and `argument.userId`. */
export function uidOf(id: unknown, userId: unknown, domain: string, argument: string): string {
  return `${uidPart(id, `${argument}.id`)}.${uidPart(userId, `${argument}.userId`)}@${domain}`;
}

/** The domain of the UIDs: `value`, checked, or {@link DEFAULT_UID_DOMAIN} when undefined. */
export function domainOf(value: unknown, argument: string): string {
  if (value === undefined) return DEFAULT_UID_DOMAIN;
  if (typeof value !== "string" || value.length > MAX_DOMAIN_LENGTH || !DOMAIN.test(value)) {
    throw new InvalidArgumentError(
      argument,
      `${argument} must be a domain name: labels of ASCII letters, digits and hyphens, separated by dots (such as "clinic.example")`,
    );
  }
  return value;
}

/** `id` percent-encoded, so that the UID holds ASCII letters, digits and `-_~.%@` only. */
function uidPart(id: unknown, argument: string): string {
  if (typeof id !== "string" || id.length === 0 || !id.isWellFormed()) {
    throw new InvalidArgumentError(argument, `${argument} must be a non-empty string of well-formed Unicode`);
  }
  return encodeURIComponent(id).replace(
    /[.!'()*]/g,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
