/**
 * The grid of start times a date offers under the policy, in the user's zone. Daylight saving makes this
 * more than arithmetic: a gap removes wall-clock times, and a repeated hour offers its times twice.
 *
 * @module
 */
import { Temporal } from "temporal-polyfill";
import { type AppointmentType, alignmentOf, type Policy } from "./policy.js";

// The date itself is read in src/time, which owns the reading of times and dates.
export { type DateInput, parseDate } from "../time/parse-date.js";

/**
 * Every aligned start on `date` in `timeZone` (on the type's grid, when it sets one), in time order.
 * Wall-clock times in a daylight-saving gap are absent; those in a repeated hour appear twice, once per
 * occurrence, as distinct exact times.
 */
export function startsOn(
  policy: Policy,
  date: Temporal.PlainDate,
  timeZone: string,
  type?: AppointmentType,
): Temporal.ZonedDateTime[] {
  const starts: Temporal.ZonedDateTime[] = [];
  const step = alignmentOf(policy, type);
  for (let minutes = 0; minutes < 1440; minutes += step) {
    const wallClock = date.toPlainDateTime({ hour: Math.floor(minutes / 60), minute: minutes % 60 });
    const earlier = wallClock.toZonedDateTime(timeZone, { disambiguation: "earlier" });
    if (!earlier.toPlainDateTime().equals(wallClock)) continue; // in a gap: this time never happens
    starts.push(earlier);
    const later = wallClock.toZonedDateTime(timeZone, { disambiguation: "later" });
    if (!later.equals(earlier)) starts.push(later);
  }
  return starts.sort(Temporal.ZonedDateTime.compare);
}
