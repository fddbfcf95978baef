/**
 * Text as iCalendar can carry it. A TEXT value (RFC 5545 section 3.3.11) holds one kind of line break, the
 * escaped `\n`, and no control characters but the tab; and the calendar is UTF-8, which cannot hold a lone
 * surrogate. Every text the calendar shows (summary, description, location, calendar name, product id) goes
 * through {@link calendarText} first, so that what a parser reads back is exactly that function's answer.
 *
 * @module
 */

/** RFC 5545's CONTROL characters: U+0000–U+0008, U+000A–U+001F and U+007F; line feeds are turned first. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these control characters are what it removes.
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F]/g;

/**
 * `text` as the calendar shows it: a line break of any kind (`\r\n`, a lone `\r`, `\n`) becomes `\n`; other
 * control characters but the tab are removed (RFC 5545 allows none in a TEXT value); a lone surrogate, which
 * UTF-8 cannot encode, becomes U+FFFD.
 */
export function calendarText(text: string): string {
  return text.toWellFormed().replace(/\r\n?/g, "\n").replace(CONTROL, "");
}

/**
 * `text` (already {@link calendarText}) escaped as a TEXT value: `\`, `;` and `,` behind a backslash, line
 * feeds as `\n`. ical-generator escapes the events' texts itself, but writes the calendar's `NAME`,
 * `X-WR-CALNAME` and `PRODID` as given: a name with a line break would end the property there and start
 * another (`ical-generator` 10.2).
 */
export function escapeText(text: string): string {
  return text.replace(/[\\;,]/g, (character) => `\\${character}`).replace(/\n/g, "\\n");
}
