/**
 * The calendar facts of a booking, in one place: the times it is stored with, the local dates it occupies,
 * the limit periods those dates fall in, and where the appointments that can collide with it start. `book`,
 * `reschedule`, `availability` and the UTC fast path all ask this module, so they cannot disagree.
 *
 * Everything here is arithmetic on milliseconds. The one fact that needs the time zone database, the wall
 * clock of an instant in the user's zone, is read once from a `Temporal.ZonedDateTime` ({@link timesOf})
 * and stored with the appointment, so that a later policy or a later zone of the user counts the
 * appointment by the dates it occupied where it was booked.
 *
 * @module
 */
import type { Temporal } from "temporal-polyfill";
import type { AppointmentTimes, MsRange, Occupancy } from "../store/appointment-store.js";
import { DAY_MS } from "../time/civil-date.js";
import { LONGEST_DURATION_MINUTES, type Policy, periodDays } from "./policy.js";

const LONGEST_DURATION_MS = LONGEST_DURATION_MINUTES * 60_000;

/** What a booking or a move asks the store to write: its times, and what they must not collide with. */
export interface Slot {
  readonly times: AppointmentTimes;
  readonly occupancy: Occupancy;
}

/** The wall-clock time of `zoned` as local milliseconds: see {@link AppointmentTimes}. */
export function localMsOf(zoned: Temporal.ZonedDateTime): number {
  return zoned.epochMilliseconds + zoned.offsetNanoseconds / 1_000_000;
}

/**
 * The stored times of an appointment from `start` to `end` in the user's zone. Two wall clocks are read as
 * the rules mean them:
 * - an end at the first instant of a day that has no midnight (clocks jumping from 00:00 to 01:00) is an
 *   end at the start of that day, as 00:00 is on other days: it is stored as that day's midnight;
 * - where the zone's clocks go back during the appointment, its wall-clock end can come before its start:
 *   the end is then taken as the start, so that the appointment still occupies the start's date.
 */
export function timesOf(start: Temporal.ZonedDateTime, end: Temporal.ZonedDateTime): AppointmentTimes {
  const localStartMs = localMsOf(start);
  let localEndMs = localMsOf(end);
  const intoDay = localEndMs - Math.floor(localEndMs / DAY_MS) * DAY_MS;
  // Only an end in the first hours of a day can be a day's first instant after a skipped midnight; asking
  // Temporal for the start of the day costs more than the rest of this function, so only then.
  if (intoDay !== 0 && intoDay < SKIPPED_MIDNIGHT_BOUND_MS && end.startOfDay().equals(end)) {
    localEndMs -= intoDay;
  }
  return {
    startMs: start.epochMilliseconds,
    endMs: end.epochMilliseconds,
    localStartMs,
    localEndMs: Math.max(localEndMs, localStartMs),
  };
}

/** Longer than any jump of the clocks at midnight (they are an hour or two); days skipped whole start at 00:00. */
const SKIPPED_MIDNIGHT_BOUND_MS = 12 * 3_600_000;

/**
 * The local dates an appointment occupies under `policy`, as day counts since 1970-01-01: every date from
 * its start's to its end's; an end exactly at local midnight counts on that date only when
 * `endAtMidnightCountsOnNextDate` is set (the seed's rule).
 */
export function occupiedDays(policy: Policy, times: AppointmentTimes): { first: number; last: number } {
  const first = Math.floor(times.localStartMs / DAY_MS);
  let last = Math.floor(times.localEndMs / DAY_MS);
  if (!policy.endAtMidnightCountsOnNextDate && times.localEndMs % DAY_MS === 0 && last > first) last -= 1;
  return { first, last };
}

/**
 * The limit periods that contain the days `first` to `last`, in local milliseconds, as the store compares
 * them with other appointments' local times (a record holds a period when its local start is before the
 * period's end and its local end after the period's start). Under the seed's midnight rule, an appointment
 * ending exactly when a period starts holds it too: the period's start is moved one millisecond earlier.
 */
export function periodRanges(policy: Policy, first: number, last: number): MsRange[] {
  const midnightCounts = policy.endAtMidnightCountsOnNextDate ? 1 : 0;
  const ranges: MsRange[] = [];
  for (let day = first; day <= last; ) {
    const [from, to] = periodDays(policy, day);
    ranges.push({ fromMs: from * DAY_MS - midnightCounts, toMs: to * DAY_MS });
    day = to;
  }
  return ranges;
}

/**
 * Where every appointment that can hold one of `periods` or overlap `times` starts, and where it ends. A
 * holder's local times are less than a day from its instants (UTC offsets stay under 24 hours), so it
 * starts before the last period's end plus a day and ends after the first period's start less a day; an
 * overlapping one starts before `times.endMs` and ends after `times.startMs`. No appointment lasts longer
 * than the longest duration a policy accepts, which bounds its start from below and its end from above.
 */
export function candidateWindows(
  periods: readonly MsRange[],
  times: AppointmentTimes,
): { startWithin: MsRange; endWithin: MsRange } {
  // Periods come in calendar order (periodRanges): the first starts earliest, the last ends latest.
  const first = periods[0];
  const last = periods.at(-1);
  const earliest = first ? Math.min(times.startMs, first.fromMs - DAY_MS) : times.startMs;
  const latest = last ? Math.max(times.endMs, last.toMs + DAY_MS) : times.endMs;
  return {
    startWithin: { fromMs: earliest - LONGEST_DURATION_MS, toMs: latest },
    endWithin: { fromMs: earliest, toMs: latest + LONGEST_DURATION_MS },
  };
}

/** The slot of an appointment with `times` under `policy`: what its write checks, and where. */
export function slotOf(policy: Policy, times: AppointmentTimes): Slot {
  const { first, last } = occupiedDays(policy, times);
  const periods = periodRanges(policy, first, last);
  const { startWithin, endWithin } = candidateWindows(periods, times);
  return {
    times,
    occupancy: {
      periods,
      limit: policy.limit.max,
      noOverlap: !policy.allowOverlap,
      candidatesStartWithin: startWithin,
      candidatesEndWithin: endWithin,
    },
  };
}
