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
import { DAY_MS, isoDate } from "../time/civil-date.js";
import type { Policy } from "./policy.js";

/** What a booking occupies: its instants and the limit periods it holds. */
export interface Slot {
  readonly startMs: number;
  readonly endMs: number;
  readonly periods: string[];
}

const SEED_FORM = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::00)?$/;
const MINUTE_MS = 60_000;

/**
 * The slot of `input` for a UTC user under `policy`, or `undefined` when the general path must decide.
 *
 * @throws MisalignedStartError as the general path would.
 */
export function utcSeedSlot(input: unknown, policy: Policy): Slot | undefined {
  if (typeof input !== "string" || policy.minimumNotice || policy.maximumHorizon) return undefined;
  const match = SEED_FORM.exec(input);
  if (!match) return undefined;
  const [year, month, day, hour, minute] = match.slice(1).map(Number) as [number, number, number, number, number];
  // Years whose dates and period keys print in four digits, before and after the appointment.
  if (year < 1000 || year > 9998 || month < 1 || month > 12 || hour > 23 || minute > 59) return undefined;
  if (day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return undefined;
  if ((hour * 60 + minute) % policy.alignmentMinutes !== 0) throw new MisalignedStartError(policy.alignmentMinutes);

  const startMs = Date.UTC(year, month - 1, day, hour, minute);
  const endMs = startMs + policy.durationMinutes * MINUTE_MS;
  const firstDay = Math.floor(startMs / DAY_MS);
  let lastDay = Math.floor(endMs / DAY_MS);
  if (!policy.endAtMidnightCountsOnNextDate && endMs % DAY_MS === 0) lastDay -= 1;
  const periods: string[] = [];
  for (let epochDay = firstDay; epochDay <= lastDay; epochDay++) {
    const key = periodKeyOf(policy, epochDay);
    if (!periods.includes(key)) periods.push(key);
  }
  return { startMs, endMs, periods };
}

/** The period key of a UTC date given as days since 1970-01-01, as `periodKey` writes it. */
function periodKeyOf(policy: Policy, epochDay: number): string {
  switch (policy.limit.per) {
    case "day":
      return `day:${isoDate(epochDay)}`;
    case "week": {
      const dayOfWeek = ((((epochDay + 3) % 7) + 7) % 7) + 1; // ISO: Monday 1 … Sunday 7; 1970-01-01 was a Thursday
      return `week:${isoDate(epochDay - ((dayOfWeek - policy.weekStartsOn + 7) % 7))}`;
    }
    case "month":
      return `month:${isoDate(epochDay).slice(0, 7)}`;
  }
}
