/**
 * Calendars other than ISO 8601. A Temporal string or object may name a calendar (`[u-ca=hebrew]`,
 * `Temporal.PlainDateTime` in `japanese`), but its date and time are always written, and held, as ISO 8601
 * fields: the calendar only changes how they are shown. So the library reads every input in the ISO
 * calendar, whatever calendar it names, and the wall-clock time and the instant stay what the caller meant.
 * This also spares the library a full Temporal with every calendar's data: the polyfill's light entry knows
 * only ISO and Gregorian.
 *
 * @module
 */
import { InvalidDateTimeError } from "../errors/scheduler-errors.js";

/** A calendar annotation of RFC 9557: `[u-ca=id]`, or `[!u-ca=id]` (critical). */
const CALENDAR_ANNOTATION = /\[(!?)u-ca=([^\]]*)\]/g;

/**
 * `text` (an RFC 9557 string, or a Temporal object's `toString()`) with every calendar annotation naming
 * ISO 8601 instead, so that Temporal reads the same date and time in the ISO calendar. A calendar that does
 * not exist is refused as Temporal refuses it, rather than ignored.
 *
 * @throws InvalidDateTimeError for an unknown calendar.
 */
export function withIsoCalendar(text: string): string {
  if (!text.includes("u-ca=")) return text;
  return text.replace(CALENDAR_ANNOTATION, (_, critical: string, id: string) => {
    if (!isKnownCalendar(id)) throw new InvalidDateTimeError();
    return `[${critical}u-ca=iso8601]`;
  });
}

/**
 * The calendars of Temporal (ECMA-402's list, with its two aliases `islamicc` and `ethiopic-amete-alem`):
 * what a full Temporal accepts, so that an input means the same here as there. A fixed list, not `Intl`'s,
 * which varies with the ICU version and has ids Temporal refuses (`islamic`, `islamic-rgsa`).
 */
const CALENDARS: ReadonlySet<string> = new Set([
  "iso8601",
  "buddhist",
  "chinese",
  "coptic",
  "dangi",
  "ethioaa",
  "ethiopic",
  "ethiopic-amete-alem",
  "gregory",
  "hebrew",
  "indian",
  "islamic-civil",
  "islamicc",
  "islamic-tbla",
  "islamic-umalqura",
  "japanese",
  "persian",
  "roc",
]);

/** Whether `id` names a calendar of Temporal, in ASCII letters of either case (as Temporal reads them). */
function isKnownCalendar(id: string): boolean {
  return CALENDARS.has(id.replace(/[A-Z]/g, (letter) => letter.toLowerCase()));
}
