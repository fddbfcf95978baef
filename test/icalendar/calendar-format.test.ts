/**
 * The calendar's text, byte by byte: every line ends with CRLF; no physical line is longer than 75 octets
 * (RFC 5545 section 3.1), measured in UTF-8; a fold is exactly CRLF and one space, never inside a character;
 * `\ ; ,` and line breaks are escaped in every text (also the calendar's name, which ical-generator leaves to
 * us); and ical.js reads every text back as the docs say it is shown (properties over hard strings: escapes,
 * emoji, combining marks, CR, long texts).
 */
import { type Appointment, createScheduler } from "appointment-scheduler";
import { type AppointmentsCalendarOptions, appointmentsCalendar } from "appointment-scheduler/icalendar";
import fc from "fast-check";
import { Temporal } from "temporal-polyfill";
import { beforeAll, describe, expect, it } from "vitest";
import { hardText, parseCalendar, shown } from "./support.js";

const NOW = Temporal.Instant.from("2030-01-01T00:00:00Z");
let appointment: Appointment;

beforeAll(async () => {
  const scheduler = createScheduler({
    timeZone: "Asia/Kolkata",
    resources: { room: { timeZone: "Asia/Kolkata", weeklyHours: { wednesday: [["09:00", "17:00"]] } } },
  });
  appointment = await scheduler.book(1, "2030-05-01 10:30", { resource: "room" });
});

/** The calendar of the one appointment with these texts. */
function calendarWith(texts: { summary: string; description: string; location: string; name: string }): string {
  const options: AppointmentsCalendarOptions = {
    now: NOW,
    name: texts.name,
    summary: () => texts.summary,
    description: () => texts.description,
    resourceName: () => texts.location,
  };
  return appointmentsCalendar([appointment], options);
}

/** A TEXT value as RFC 5545 section 3.3.11 escapes it (restated, not taken from the code under test). */
const escaped = (text: string) => text.replace(/[\\;,]/g, (c) => `\\${c}`).replace(/\n/g, "\\n");

/** The physical lines of `text`, without their CRLF; fails when a line ends otherwise. */
function physicalLines(text: string): string[] {
  expect(text.endsWith("\r\n")).toBe(true);
  const lines = text.slice(0, -2).split("\r\n");
  for (const line of lines) expect(line).not.toMatch(/[\r\n]/);
  return lines;
}

/** Checks the raw format of `text`, and answers its logical lines (unfolded: each CRLF and one space gone). */
function checkedLogicalLines(text: string): string[] {
  const lines = physicalLines(text);
  for (const line of lines) {
    // A fold inside a surrogate pair would leave a lone half here; well-formed lines hold whole characters,
    // so their UTF-8 holds whole sequences too.
    expect(line.isWellFormed()).toBe(true);
    expect(Buffer.byteLength(line, "utf8")).toBeLessThanOrEqual(75);
  }
  expect(lines[0]?.startsWith(" ")).toBe(false);
  const logical: string[] = [];
  for (const line of lines) {
    if (line.startsWith(" ")) logical[logical.length - 1] += line.slice(1);
    else logical.push(line);
  }
  return logical;
}

const texts = fc.record({ summary: hardText, description: hardText, location: hardText, name: hardText });

describe("the calendar's text", () => {
  it("has CRLF line ends, lines of at most 75 octets folded with one space, and escaped texts (property)", () => {
    fc.assert(
      fc.property(texts, (t) => {
        const logical = checkedLogicalLines(calendarWith(t));
        // Unfolded, each property is exactly its escaped text: the folds inserted nothing else.
        expect(logical).toContain(`SUMMARY:${escaped(shown(t.summary))}`);
        const optional = (name: string, text: string) => {
          if (shown(text) === "") expect(logical.some((line) => line.startsWith(`${name}:`))).toBe(false);
          else expect(logical).toContain(`${name}:${escaped(shown(text))}`);
        };
        optional("DESCRIPTION", t.description);
        optional("LOCATION", t.location);
        optional("NAME", t.name);
        optional("X-WR-CALNAME", t.name);
        expect(logical).toContain("DTSTART:20300501T050000Z");
        expect(logical).toContain("DTEND:20300501T053000Z");
      }),
      { numRuns: 200, seed: 5545 },
    );
  });

  it("is read back by ical.js as the docs say texts are shown (property)", () => {
    fc.assert(
      fc.property(texts, (t) => {
        const calendar = parseCalendar(calendarWith(t));
        const orNull = (text: string) => (shown(text) === "" ? null : shown(text));
        expect(calendar.name).toBe(orNull(t.name));
        expect(calendar.xWrCalName).toBe(orNull(t.name));
        expect(calendar.events).toHaveLength(1);
        expect(calendar.events[0]).toMatchObject({
          summary: shown(t.summary),
          description: orNull(t.description),
          location: orNull(t.location),
        });
      }),
      { numRuns: 200, seed: 7986 },
    );
  });

  it("turns every line break into \\n: CRLF, a lone CR, LF; drops other control characters but the tab", () => {
    const calendar = calendarWith({
      summary: "a\r\nb\rc\nd\n\re",
      description: "tab\there, bell\u0007 gone, \u001b[31mescape\u007f gone",
      location: "lone \ud83d half",
      name: "\r\n",
    });
    expect(calendar).toContain("\r\nSUMMARY:a\\nb\\nc\\nd\\n\\ne\r\n");
    expect(calendar).toContain("\r\nDESCRIPTION:tab\there\\, bell gone\\, [31mescape gone\r\n");
    expect(calendar).toContain("\r\nLOCATION:lone \ufffd half\r\n");
    expect(calendar).toContain("\r\nNAME:\\n\r\n");
    expect(parseCalendar(calendar).events[0]).toMatchObject({
      summary: "a\nb\nc\nd\n\ne",
      description: "tab\there, bell gone, [31mescape gone",
      location: "lone \ufffd half",
    });
  });

  it("folds at 75 octets of UTF-8, before a character that would not fit: ASCII, é, 中, 😀", () => {
    // "SUMMARY:" is 8 octets and 65 ASCII letters make 73; ical-generator folds before a character that would
    // take a line past 74 octets (one to spare), so each of these starts the next line, whole.
    for (const [character, octets] of [
      ["é", 2],
      ["中", 3],
      ["😀", 4],
    ] as const) {
      const summary = `${"a".repeat(65)}${character.repeat(40)}`;
      const lines = physicalLines(calendarWith({ summary, description: "", location: "", name: "" }));
      const start = lines.findIndex((line) => line.startsWith("SUMMARY:"));
      const folded = lines.slice(start, start + 4);
      expect(folded[0]).toBe(`SUMMARY:${"a".repeat(65)}`);
      expect(folded[1]?.startsWith(` ${character}`)).toBe(true);
      // Each continuation line: one space, then whole characters up to 74 octets.
      expect(Buffer.byteLength(folded[1] ?? "", "utf8")).toBe(1 + Math.floor(74 / octets) * octets);
      expect(folded.every((line) => Buffer.byteLength(line, "utf8") <= 75)).toBe(true);
    }
  });

  it("folds a long UID, and writes every instant in UTC with Z", async () => {
    const scheduler = createScheduler({ generateId: () => "😀".repeat(60) });
    const long = await scheduler.book("ü".repeat(200), "2030-01-01 10:00");
    const text = appointmentsCalendar([long], { now: NOW, domain: "clinic.example" });
    const logical = checkedLogicalLines(text);
    const uid = logical.find((line) => line.startsWith("UID:"));
    expect(uid).toBe(`UID:${"%F0%9F%98%80".repeat(60)}.${"%C3%BC".repeat(200)}@clinic.example`);
    const times = logical.filter((line) => /^(DTSTAMP|DTSTART|DTEND|CREATED|LAST-MODIFIED)[:;]/.test(line));
    expect(times).toHaveLength(5);
    for (const line of times) expect(line).toMatch(/^[A-Z-]+:\d{8}T\d{6}Z$/);
  });
});
