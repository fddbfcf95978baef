/**
 * What the iCalendar tests share: the calendar read back by an independent parser (Mozilla's ical.js), the
 * texts a calendar shows for a caller's text (the documented normalisation, restated here), and strings that
 * are hard to write as iCalendar.
 */
import fc from "fast-check";
import ICAL from "ical.js";

// ical.js reads a property it does not know as raw text; RFC 7986's NAME and the clients' X-WR-CALNAME are
// TEXT values (escaped like SUMMARY), so ical.js is told so, and unescapes them with its own rules.
for (const property of ["name", "x-wr-calname"]) {
  (ICAL.design.icalendar.property as Record<string, unknown>)[property] = { defaultType: "text" };
}

/** One VEVENT as ical.js reads it. */
export interface ParsedEvent {
  readonly uid: string;
  readonly sequence: number;
  readonly status: string | null;
  readonly transparency: string | null;
  readonly summary: string | null;
  readonly description: string | null;
  readonly location: string | null;
  readonly startMs: number;
  readonly endMs: number;
  readonly stampMs: number;
  readonly createdMs: number;
  readonly lastModifiedMs: number;
}

/** A VCALENDAR as ical.js reads it. */
export interface ParsedCalendar {
  readonly version: string | null;
  readonly prodId: string | null;
  readonly name: string | null;
  readonly xWrCalName: string | null;
  readonly events: readonly ParsedEvent[];
}

/** Parses `text` with ical.js; every date-time must be an exact UTC time (`…Z`), not floating or zoned. */
export function parseCalendar(text: string): ParsedCalendar {
  const calendar = new ICAL.Component(ICAL.parse(text));
  if (calendar.name !== "vcalendar") throw new Error(`not a calendar: ${calendar.name}`);
  const textOf = (component: ICAL.Component, name: string) => {
    const value = component.getFirstPropertyValue(name);
    return value === null ? null : String(value);
  };
  const utcMs = (component: ICAL.Component, name: string) => {
    const value = component.getFirstPropertyValue(name);
    if (!(value instanceof ICAL.Time)) throw new Error(`${name} is not a date-time: ${String(value)}`);
    if (value.isDate || value.zone !== ICAL.Timezone.utcTimezone) throw new Error(`${name} is not in UTC: ${value}`);
    return value.toJSDate().getTime();
  };
  return {
    version: textOf(calendar, "version"),
    prodId: textOf(calendar, "prodid"),
    name: textOf(calendar, "name"),
    xWrCalName: textOf(calendar, "x-wr-calname"),
    events: calendar.getAllSubcomponents("vevent").map((vevent) => ({
      uid: String(vevent.getFirstPropertyValue("uid")),
      sequence: Number(vevent.getFirstPropertyValue("sequence")),
      status: textOf(vevent, "status"),
      transparency: textOf(vevent, "transp"),
      summary: textOf(vevent, "summary"),
      description: textOf(vevent, "description"),
      location: textOf(vevent, "location"),
      startMs: utcMs(vevent, "dtstart"),
      endMs: utcMs(vevent, "dtend"),
      stampMs: utcMs(vevent, "dtstamp"),
      createdMs: utcMs(vevent, "created"),
      lastModifiedMs: utcMs(vevent, "last-modified"),
    })),
  };
}

/**
 * What a calendar shows of a caller's text, as docs/icalendar.md says: every line break (`\r\n`, `\r`, `\n`)
 * is `\n`, other control characters but the tab are gone, a lone surrogate is U+FFFD.
 */
export function shown(text: string): string {
  return (
    text
      .toWellFormed()
      .replace(/\r\n?/g, "\n")
      // biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters a calendar drops.
      .replace(/[\x00-\x08\x0b-\x1f\x7f]/g, "")
  );
}

/** Characters that iCalendar escapes, breaks lines at, or encodes in several octets. */
const HARD = fc.constantFrom(
  ",",
  ";",
  "\\",
  "\n",
  "\r",
  "\r\n",
  "\t",
  ":",
  '"',
  " ",
  "a",
  "é",
  "中",
  "😀",
  "👩‍👩‍👧",
  "\u0301",
  "\u2028",
  "\ufeff",
  "\u0007",
  "\u007f",
);

/**
 * Texts to write into a calendar: hard characters, any Unicode (outside surrogates), graphemes, and long
 * ones (well over 75 octets, so they fold). Without U+0000, which the scheduler refuses in metadata.
 */
export const hardText = fc
  .oneof(
    fc.string({ unit: HARD, maxLength: 60 }),
    fc.string({ unit: "binary", maxLength: 60 }),
    fc.string({ unit: "grapheme", maxLength: 30 }),
    fc.string({ unit: HARD, minLength: 30, maxLength: 60 }),
  )
  .map((text) => text.replaceAll("\u0000", ""));
