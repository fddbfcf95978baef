/**
 * A fast path for the commonest booking: the seed's string form (`2021-04-22 11:30`, also with `T` or
 * `:00`) for a user in UTC with no booking window. Temporal objects cost most of a booking's time; in UTC a
 * wall-clock time is its instant, so plain integer arithmetic gives the same slot. Whatever falls outside
 * this case (other zones, other forms, seconds, invalid dates, years near the edges) takes the general
 * path, which alone decides errors other than misalignment. A property test holds the two paths equal.
 *
 * @module
 */
import { MisalignedStartError } from "../errors/scheduler-errors.js";
import { daysInMonth } from "../time/civil-date.js";
import { type Slot, slotOf } from "./calendar-facts.js";
import type { Policy } from "./policy.js";

const MINUTE_MS = 60_000;
const ZERO = 48; // "0"
const DASH = 45; // "-"
const COLON = 58; // ":"
const SPACE = 32; // " "
const UPPER_T = 84; // "T"

/**
 * The slot of `input` for a UTC user under `policy`, or `undefined` when the general path must decide.
 *
 * @throws MisalignedStartError as the general path would.
 */
export function utcSeedSlot(input: unknown, policy: Policy): Slot | undefined {
  if (typeof input !== "string" || policy.minimumNotice || policy.maximumHorizon || !policy.allowPastStarts) {
    return undefined;
  }
  // `YYYY-MM-DD HH:mm`, `T` for the space, optionally `:00`: read character by character, which costs a
  // fraction of a regular expression's match array and the numbers parsed from it.
  const length = input.length;
  if (length !== 16 && !(length === 19 && isSecondsZero(input))) return undefined;
  const separator = input.charCodeAt(10);
  if (
    input.charCodeAt(4) !== DASH ||
    input.charCodeAt(7) !== DASH ||
    (separator !== SPACE && separator !== UPPER_T) ||
    input.charCodeAt(13) !== COLON
  ) {
    return undefined;
  }
  const year = digits(input, 0, 4);
  const month = digits(input, 5, 2);
  const day = digits(input, 8, 2);
  const hour = digits(input, 11, 2);
  const minute = digits(input, 14, 2);
  // Not digits (-1), or near the edges of the years a start may have, or not a real date and time: the
  // general path decides.
  if (year < 1000 || year > 9998 || month < 1 || month > 12 || hour < 0 || hour > 23 || minute < 0 || minute > 59) {
    return undefined;
  }
  if (day < 1 || day > daysInMonth(year, month)) return undefined;
  if ((hour * 60 + minute) % policy.alignmentMinutes !== 0) throw new MisalignedStartError(policy.alignmentMinutes);

  // In UTC a wall-clock time is its instant: the local times are the instants.
  const startMs = Date.UTC(year, month - 1, day, hour, minute);
  const endMs = startMs + policy.durationMinutes * MINUTE_MS;
  return slotOf(policy, { startMs, endMs, localStartMs: startMs, localEndMs: endMs });
}

function isSecondsZero(input: string): boolean {
  return input.charCodeAt(16) === COLON && input.charCodeAt(17) === ZERO && input.charCodeAt(18) === ZERO;
}

/** The decimal number of `count` ASCII digits at `from`, or -1 if one of them is not a digit. */
function digits(input: string, from: number, count: number): number {
  let value = 0;
  for (let i = from; i < from + count; i++) {
    const digit = input.charCodeAt(i) - ZERO;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}
