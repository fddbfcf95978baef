/**
 * The per-user calendar feed: which appointments it holds, how it reads (through `appointment-scheduler/icalendar`)
 * and who may read it, by the API's own credentials or by the feed URL's token.
 *
 * @module
 */
import { InvalidArgumentError } from "../errors/scheduler-errors.js";
import { type AppointmentsCalendarOptions, appointmentsCalendar } from "../icalendar/index.js";
import type { Appointment } from "../model/appointment.js";
import { MAX_LIST_LIMIT } from "../scheduler/operation-options.js";
import type { Scheduler } from "../scheduler/scheduler.js";
import { authenticationRequired, type Principal } from "./access.js";
import { parseUserIdParam } from "./appointments-route.js";
import type { CalendarFeedTokens } from "./calendar-feed-tokens.js";
import { calendarParamsOf, type ListQuery } from "./query-params.js";

/** How the feed's calendar reads: the generator's options but `now`, which is the request's time. */
export type FeedCalendarOptions = Omit<AppointmentsCalendarOptions, "now">;

/** The feed as the API's handlers use it. */
export interface CalendarFeed {
  readonly tokens: CalendarFeedTokens | undefined;
  readonly headers: Readonly<Record<string, string>>;
  /** The user's calendar: appointments from `pastDays` ago on, booked and cancelled (holds are passing). */
  calendar(scheduler: Scheduler, userId: string, signal: AbortSignal): Promise<string>;
  /** The feed's path for `userId`, with a token when the feed takes them. */
  path(userId: string, signal: AbortSignal): Promise<string>;
  /**
   * Who is asking for the feed: the path's user when the query's `token` is theirs; by the API's own
   * credentials (`authenticate`) when there is no token.
   *
   * @throws 401 `AUTHENTICATION_REQUIRED` for a token that is not the path's user's (wrong, or revoked).
   */
  principal(
    request: { readonly params?: Readonly<Record<string, unknown>> | undefined; readonly query?: ListQuery },
    signal: AbortSignal,
    authenticate: () => Promise<Principal | null>,
  ): Promise<Principal | null>;
}

const DEFAULT_PAST_DAYS = 90;
/** A bound on one answer: a calendar client polls the whole feed every few hours. */
export const MAX_FEED_APPOINTMENTS = 5 * MAX_LIST_LIMIT;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Reads the API's `calendar` option. */
export function calendarFeedOf(options: unknown): CalendarFeed {
  if (options !== undefined && (typeof options !== "object" || options === null)) {
    throw new InvalidArgumentError("options.calendar", "options.calendar must be an object");
  }
  const {
    tokens,
    calendar,
    pastDays = DEFAULT_PAST_DAYS,
  } = (options ?? {}) as {
    tokens?: unknown;
    calendar?: FeedCalendarOptions;
    pastDays?: unknown;
  };
  if (
    tokens !== undefined &&
    (typeof tokens !== "object" ||
      tokens === null ||
      typeof (tokens as CalendarFeedTokens).verify !== "function" ||
      typeof (tokens as CalendarFeedTokens).tokenFor !== "function")
  ) {
    throw new InvalidArgumentError(
      "options.calendar.tokens",
      "options.calendar.tokens must come from createCalendarFeedTokens",
    );
  }
  if (typeof pastDays !== "number" || !Number.isInteger(pastDays) || pastDays < 0 || pastDays > 3660) {
    throw new InvalidArgumentError(
      "options.calendar.pastDays",
      "options.calendar.pastDays must be an integer from 0 to 3660",
    );
  }
  const feedTokens = tokens as CalendarFeedTokens | undefined;
  // Checked once here, so that a bad option fails at start and not on a calendar client's poll.
  appointmentsCalendar([], { ...calendar });

  return {
    tokens: feedTokens,
    headers: {
      "Content-Type": "text/calendar; charset=utf-8",
      // Personal data, behind a credential: no shared cache may keep it.
      "Cache-Control": "private, no-cache",
      "Content-Disposition": 'inline; filename="appointments.ics"',
    },

    async calendar(scheduler, userId, signal) {
      const from = new Date(Date.now() - pastDays * DAY_MS).toISOString().slice(0, 10);
      const appointments: Appointment[] = [];
      let after: string | undefined;
      do {
        const page = await scheduler.list(
          userId,
          { from },
          after === undefined
            ? { status: "all", limit: MAX_LIST_LIMIT, signal }
            : { status: "all", limit: MAX_LIST_LIMIT, after, signal },
        );
        for (const appointment of page.appointments) {
          if (appointment.status === "booked" || appointment.status === "cancelled") appointments.push(appointment);
        }
        after = page.nextCursor ?? undefined;
      } while (after !== undefined && appointments.length < MAX_FEED_APPOINTMENTS);
      return appointmentsCalendar(appointments.slice(0, MAX_FEED_APPOINTMENTS), { ...calendar, now: new Date() });
    },

    async path(userId, signal) {
      const path = `/api/appointments/${encodeURIComponent(userId)}/calendar.ics`;
      return feedTokens ? `${path}?token=${await feedTokens.tokenFor(userId, { signal })}` : path;
    },

    async principal(request, signal, authenticate) {
      const { token } = calendarParamsOf(request.query);
      if (token === undefined || feedTokens === undefined) return authenticate();
      const userId = parseUserIdParam(request.params?.userId);
      if (!(await feedTokens.verify(userId, token, { signal }))) {
        throw authenticationRequired("This calendar link is not valid (it may have been revoked)");
      }
      return { role: "user", userId };
    },
  };
}
