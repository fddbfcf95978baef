/**
 * What a booking occupies, as the store is asked to write it: its instants, the limit periods it holds,
 * and where the appointments that can hold those periods start. This is the general path, in the user's
 * zone through Temporal; `utc-fast-path.ts` gives the same slot for the commonest case without it.
 *
 * @module
 */
import type { Temporal } from "temporal-polyfill";
import type { HoldersWindow } from "../store/appointment-store.js";
import { epochDayOf } from "../time/civil-date.js";
import { holdersStartWithin } from "./holders-window.js";
import { endOf, occupiedDates, type Policy, periodKey } from "./policy.js";

/** What a booking occupies: its instants and the limit periods it holds, and where their holders start. */
export interface Slot {
  readonly startMs: number;
  readonly endMs: number;
  /** Distinct, in calendar order. */
  readonly periods: string[];
  readonly holdersStartWithin: HoldersWindow;
}

/** The slot of an appointment starting at `start` (in the user's zone) under `policy`. */
export function occupiedSlot(policy: Policy, start: Temporal.ZonedDateTime): Slot {
  const end = endOf(policy, start);
  const dates = occupiedDates(policy, start, end);
  const first = dates[0] ?? start.toPlainDate();
  const last = dates.at(-1) ?? first;
  return {
    startMs: start.epochMilliseconds,
    endMs: end.epochMilliseconds,
    periods: [...new Set(dates.map((date) => periodKey(policy, date)))],
    holdersStartWithin: holdersStartWithin(
      policy,
      epochDayOf(first.year, first.month, first.day),
      epochDayOf(last.year, last.month, last.day),
    ),
  };
}
