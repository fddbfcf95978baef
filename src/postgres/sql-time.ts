/**
 * Exact conversions between the contract's integer epoch milliseconds and PostgreSQL's `timestamptz` (an
 * instant) and `timestamp` (a wall-clock time), as SQL expressions spliced into the store's statements.
 *
 * Why not ISO strings or `to_timestamp`: PostgreSQL reads no year 0 in text (the contract's range starts at
 * 0000-01-01, which PostgreSQL writes `0001-01-01 BC`), and `to_timestamp(double)` rounds. Whole seconds
 * and the milliseconds left are added as two intervals instead: `seconds * 1 s` is exact in the double
 * arithmetic of `interval * float8` (10⁶ µs = 2⁶ · 15625, and 15625 · 2.6·10¹¹ s stays below 2⁵³ for years
 * 0000–9999), and an interval of time only (no days or months) is added as a plain number of microseconds
 * whatever the session's `TimeZone`. Back, `extract(epoch …)` is `numeric` (PostgreSQL 14 and later), so
 * exact.
 *
 * Expressions rather than SQL functions: they are inlined into the write function's PL/pgSQL and into
 * index conditions at no call cost.
 *
 * @module
 */

const EPOCH_INSTANT = "'1970-01-01 00:00:00+00'::timestamptz";
const EPOCH_LOCAL = "'1970-01-01 00:00:00'::timestamp";

/** The `timestamptz` of `ms`, a `bigint` SQL expression (evaluated twice: pass a column, variable or parameter). */
export function instantFromMs(ms: string): string {
  return `(${EPOCH_INSTANT} + (${ms} / 1000) * interval '1 second' + (${ms} % 1000) * interval '1 millisecond')`;
}

/** The `timestamp` (wall clock, no zone) of local milliseconds `ms`, a `bigint` SQL expression. */
export function localFromMs(ms: string): string {
  return `(${EPOCH_LOCAL} + (${ms} / 1000) * interval '1 second' + (${ms} % 1000) * interval '1 millisecond')`;
}

/**
 * The milliseconds of a `timestamptz` (epoch) or `timestamp` (local) SQL expression, as `bigint`. Floored,
 * so that a value with microseconds (written by hand, or 0.1's `created_at`) still reads as whole ms.
 */
export function msOf(timestamp: string): string {
  return `floor(extract(epoch from ${timestamp}) * 1000)::bigint`;
}

/** {@link msOf} as `float8`, which both drivers return as a JavaScript number (exact below 2⁵³). */
export function msNumberOf(timestamp: string): string {
  return `${msOf(timestamp)}::float8`;
}

/**
 * The earliest and latest milliseconds a bound may have: PostgreSQL's `timestamp` range starts on
 * 4713-11-24 BC, and JavaScript dates end in 275760. Stored times lie in 0000–9999, so a bound beyond these
 * selects the same rows as the bound itself.
 */
export const MIN_BOUND_MS = -210_866_803_200_000;
export const MAX_BOUND_MS = 8_640_000_000_000_000;

/** A lower bound as a whole millisecond within PostgreSQL's range: rounded down, clamped (`NaN`: no bound). */
export function lowerBoundMs(ms: number): number {
  if (!(ms > MIN_BOUND_MS)) return MIN_BOUND_MS;
  return Math.min(Math.floor(ms), MAX_BOUND_MS);
}

/** An upper bound as a whole millisecond within PostgreSQL's range: rounded up, clamped (`NaN`: no bound). */
export function upperBoundMs(ms: number): number {
  if (!(ms < MAX_BOUND_MS)) return MAX_BOUND_MS;
  return Math.max(Math.ceil(ms), MIN_BOUND_MS);
}
