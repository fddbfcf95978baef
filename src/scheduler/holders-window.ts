/**
 * Where the appointments that can hold a booking's limit periods start: the bound the scheduler hands the
 * store with every insert, so that a store can find a period's holders through an index on start times
 * (as `PostgresStore` does) instead of keeping an index of periods.
 *
 * The bound depends on the period keys alone, not on the zone or the policy of the scheduler that asks: a
 * record holds a key when one of the dates it occupied, in its own user's zone when it was booked, lies in
 * the key's period. Whatever that zone, a local date and the UTC date of the same instant are less than a
 * day apart (UTC offsets stay under 24 hours), and no appointment lasts longer than the longest duration a
 * policy accepts. So every holder of a period from date `first` to date `last` (inclusive):
 *
 * - starts on a local date no later than `last`, so before `last + 1` 00:00 UTC plus a day, and
 * - ends on a local date no earlier than `first`, so after `first` 00:00 UTC less a day, and starts at most
 *   the longest duration before that.
 *
 * `test/core/holders-window.test.ts` checks this against records booked in other zones and policies.
 *
 * @module
 */
import type { HoldersWindow } from "../store/appointment-store.js";
import { DAY_MS } from "../time/civil-date.js";
import { LONGEST_DURATION_MINUTES, type Policy, periodDays } from "./policy.js";

const LONGEST_DURATION_MS = LONGEST_DURATION_MINUTES * 60_000;

/**
 * The instants `[fromMs, toMs)` within which every appointment holding one of the periods of a booking
 * starts, given the first and last dates the booking occupies as day counts since 1970-01-01.
 */
export function holdersStartWithin(policy: Policy, firstDay: number, lastDay: number): HoldersWindow {
  const from = periodDays(policy, firstDay)[0];
  const to = periodDays(policy, lastDay)[1];
  return { fromMs: (from - 1) * DAY_MS - LONGEST_DURATION_MS, toMs: (to + 1) * DAY_MS };
}
