/**
 * formatWireTime computes the local wall-clock time by arithmetic rather than through Temporal's field
 * getters (they were the costliest step of an HTTP answer). It must print exactly what Temporal's own ISO
 * fields say, for any instant and zone, including offsets of whole seconds (local mean time before 1900).
 */
import { formatWireTime } from "appointment-scheduler/http";
import fc from "fast-check";
import { Temporal } from "temporal-polyfill";
import { describe, expect, it } from "vitest";
import { formatEpochMs } from "../../src/http/wire-format.js";

const ZONES = [
  "UTC",
  "America/New_York",
  "Europe/London",
  "Asia/Kathmandu",
  "Australia/Lord_Howe",
  "Europe/Amsterdam", // +00:19:32 until 1937
  "Africa/Monrovia", // -00:44:30 until 1972
  "Pacific/Kiritimati",
  "-03:30",
];

const pad = (n: number, width: number) => String(n).padStart(width, "0");

/** The wire form straight from Temporal's fields: the definition the fast formatter must match. */
function byTemporalFields(time: Temporal.ZonedDateTime): string {
  const iso = time.toPlainDateTime();
  return `${pad(iso.year, 4)}-${pad(iso.month, 2)}-${pad(iso.day, 2)} ${pad(iso.hour, 2)}:${pad(iso.minute, 2)}`;
}

describe("formatWireTime", () => {
  it("prints Temporal's own local date and minute for any instant and zone (property)", () => {
    const instant = fc.oneof(
      fc.bigInt({ min: -62_167_219_200_000_000_000n, max: 253_402_300_799_999_999_999n }), // years 0 to 9999
      fc.bigInt({ min: -8_640_000_000_000_000_000_000n, max: 8_640_000_000_000_000_000_000n }), // all of Temporal
    );
    fc.assert(
      fc.property(instant, fc.constantFrom(...ZONES), (ns, zone) => {
        const time = new Temporal.ZonedDateTime(ns, zone);
        expect(formatWireTime(time)).toBe(byTemporalFields(time));
      }),
      { numRuns: 5000 },
    );
  });

  it("prints the edges of the wire form's years", () => {
    expect(formatWireTime(Temporal.ZonedDateTime.from("0000-01-01T00:00[UTC]"))).toBe("0000-01-01 00:00");
    expect(formatWireTime(Temporal.ZonedDateTime.from("9999-12-31T23:59:59.999[UTC]"))).toBe("9999-12-31 23:59");
    expect(formatWireTime(Temporal.ZonedDateTime.from("1900-01-01T00:00[Europe/Amsterdam]"))).toBe("1900-01-01 00:00");
  });
});

describe("formatEpochMs", () => {
  it("prints Temporal's own local date and minute of the instant in the zone (property)", () => {
    const offset = fc
      .record({
        sign: fc.constantFrom("+", "-"),
        hours: fc.integer({ min: 0, max: 23 }),
        minutes: fc.integer({ min: 0, max: 59 }),
      })
      .map(({ sign, hours, minutes }) => `${sign}${pad(hours, 2)}:${pad(minutes, 2)}`);
    const epochMs = fc.oneof(
      fc.integer({ min: -62_167_219_200_000, max: 253_402_300_799_999 }), // years 0 to 9999
      fc.integer({ min: -8_640_000_000_000_000, max: 8_640_000_000_000_000 }), // all of Temporal
    );
    fc.assert(
      fc.property(epochMs, fc.oneof(fc.constantFrom(...ZONES), offset), (ms, zone) => {
        const time = new Temporal.ZonedDateTime(BigInt(ms) * 1_000_000n, zone);
        expect(formatEpochMs(ms, time.timeZoneId)).toBe(byTemporalFields(time));
      }),
      { numRuns: 5000 },
    );
  });

  it("refuses what is not a whole number of milliseconds, as Temporal does", () => {
    for (const bad of [Number.NaN, 1.5, Number.POSITIVE_INFINITY, "soon" as unknown as number]) {
      expect(() => formatEpochMs(bad, "UTC")).toThrow();
    }
  });
});
