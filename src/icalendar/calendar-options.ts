/**
 * The options of `appointmentsCalendar`, and reading them: checked all at once, before any appointment,
 * so that a bad option fails on the first call (with no appointments too) and never on a later one.
 *
 * @module
 */
import type { Temporal } from "temporal-polyfill";
import { InvalidArgumentError } from "../errors/scheduler-errors.js";
import type { Appointment } from "../model/appointment.js";
import { optionKeys, readOptionFields } from "../scheduler/read-fields.js";
import { temporalKind } from "../time/temporal-kind.js";
import { type AppointmentUidOptions, domainOf } from "./appointment-uid.js";
import { calendarText, escapeText } from "./calendar-text.js";
import { epochMsOf, instantMsOf } from "./instant-ms.js";

/** Options of `appointmentsCalendar`. All optional: `{}` gives a calendar without a name. */
export interface AppointmentsCalendarOptions extends AppointmentUidOptions {
  /**
   * The calendar's name, which a calendar client shows for a subscribed feed (`NAME` of RFC 7986 and
   * `X-WR-CALNAME`, which the clients read). Default: none.
   */
  readonly name?: string | undefined;
  /**
   * Who made the calendar (`PRODID`): `{ company: "Acme Clinic", product: "Bookings" }` is
   * `-//Acme Clinic//Bookings//EN`. Default `-//appointment-scheduler//appointment-scheduler//EN`.
   */
  readonly prodId?: CalendarProductId | undefined;
  /**
   * When the calendar is made: each event's `DTSTAMP`, and the instant from which a hold counts as expired.
   * Default: the current time. Pass it to get the same text for the same appointments (tests, caching).
   */
  readonly now?: Temporal.Instant | Date | undefined;
  /**
   * An event's `SUMMARY`, its title in the calendar. Default: the metadata's `summary`, else its `title`
   * (when a non-empty string), else `"Appointment"`, or `"Appointment: <type>"` for an appointment of a type.
   */
  readonly summary?: ((appointment: Appointment) => string) | undefined;
  /**
   * An event's `DESCRIPTION`, or `null` (or `""`) for none. Default: the metadata's `description` when it is
   * a string.
   */
  readonly description?: ((appointment: Appointment) => string | null | undefined) | undefined;
  /**
   * The name shown as an event's `LOCATION` for the resource it occupies, or `null` for no location.
   * Default: the resource's id. Appointments without a resource have no location. It is called once per
   * event, synchronously: look names up before (in a `Map`, say), not in it.
   */
  readonly resourceName?: ((resourceId: string) => string | null | undefined) | undefined;
}

/** A calendar's `PRODID` (RFC 5545 section 3.7.3): who made it, as `-//company//product//language`. */
export interface CalendarProductId {
  /** Your organisation, as you want it shown. */
  readonly company: string;
  /** Your product. */
  readonly product: string;
  /** The language of the calendar's texts, as a language tag (`EN`, `de-CH`). Default `EN`. */
  readonly language?: string | undefined;
}

/** The options, read and checked. */
export interface CalendarSettings {
  readonly domain: string;
  /** The name, escaped as a TEXT value, or `null`. */
  readonly name: string | null;
  /** The `PRODID` after its leading `-` (which ical-generator writes), escaped as a TEXT value. */
  readonly prodId: string;
  readonly nowMs: number;
  readonly summary: ((appointment: Appointment) => unknown) | undefined;
  readonly description: ((appointment: Appointment) => unknown) | undefined;
  readonly resourceName: ((resourceId: string) => unknown) | undefined;
}

const OPTION_KEYS = optionKeys<AppointmentsCalendarOptions>()([
  "domain",
  "name",
  "prodId",
  "now",
  "summary",
  "description",
  "resourceName",
]);
const PRODUCT_ID_KEYS = optionKeys<CalendarProductId>()(["company", "product", "language"]);
const DEFAULT_PRODUCT = "appointment-scheduler";
/** A language tag (RFC 5646), loosely: letters, then subtags of letters and digits. */
const LANGUAGE_TAG = /^[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*$/;

/** Reads `options`; throws {@link InvalidArgumentError} naming the first bad one. */
export function calendarSettingsOf(options: unknown): CalendarSettings {
  if (options === undefined) return settings({});
  if (typeof options !== "object" || options === null) {
    throw new InvalidArgumentError("options", "options must be an object");
  }
  return settings(readOptionFields(options, OPTION_KEYS, "options"));
}

function settings(o: { readonly [K in (typeof OPTION_KEYS)[number]]?: unknown }): CalendarSettings {
  return {
    domain: domainOf(o.domain, "options.domain"),
    name: nameOf(o.name),
    prodId: productIdOf(o.prodId),
    nowMs: o.now === undefined ? Date.now() : nowOf(o.now),
    summary: functionOf(o.summary, "summary"),
    description: functionOf(o.description, "description"),
    resourceName: functionOf(o.resourceName, "resourceName"),
  };
}

function nameOf(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== "string") throw new InvalidArgumentError("options.name", "options.name must be a string");
  const name = calendarText(value);
  return name === "" ? null : escapeText(name);
}

function productIdOf(value: unknown): string {
  if (value === undefined) return `//${DEFAULT_PRODUCT}//${DEFAULT_PRODUCT}//EN`;
  if (typeof value !== "object" || value === null) {
    throw new InvalidArgumentError(
      "options.prodId",
      "options.prodId must be an object: { company, product, language }",
    );
  }
  const { company, product, language } = readOptionFields(value, PRODUCT_ID_KEYS, "options.prodId");
  const part = (text: unknown, key: string) => {
    const shown = typeof text === "string" ? calendarText(text) : "";
    if (shown === "") {
      throw new InvalidArgumentError(`options.prodId.${key}`, `options.prodId.${key} must be a non-empty string`);
    }
    return escapeText(shown);
  };
  if (language !== undefined && (typeof language !== "string" || !LANGUAGE_TAG.test(language))) {
    throw new InvalidArgumentError(
      "options.prodId.language",
      'options.prodId.language must be a language tag, such as "EN" or "de-CH"',
    );
  }
  return `//${part(company, "company")}//${part(product, "product")}//${(language ?? "EN").toUpperCase()}`;
}

function nowOf(value: unknown): number {
  if (temporalKind(value) === "Instant") return instantMsOf(value, "options.now");
  let ms = Number.NaN;
  try {
    if (Object.prototype.toString.call(value) === "[object Date]") ms = Date.prototype.getTime.call(value);
  } catch {
    // Not a Date after all (a Proxy of one, say): refused below.
  }
  if (Number.isNaN(ms)) {
    throw new InvalidArgumentError("options.now", "options.now must be a Temporal.Instant or a valid Date");
  }
  return epochMsOf(ms, "options.now");
}

function functionOf<F>(value: unknown, name: string): F | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "function") {
    throw new InvalidArgumentError(`options.${name}`, `options.${name} must be a function`);
  }
  return value as F;
}
