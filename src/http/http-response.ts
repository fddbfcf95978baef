/**
 * What every function of the HTTP helper answers: a status, headers and a JSON body, for the framework to
 * send as it is.
 *
 * @module
 */
import type { AppointmentJson, ChangeJson, SlotJson } from "./appointment-json.js";
import type { ResponseErrorCode } from "./status-table.js";

/** The body of every error response. */
export interface ErrorBody {
  /** Stable: branch on it. One of `ERROR_CODES` or `HTTP_ERROR_CODES`. */
  readonly code: ResponseErrorCode;
  /** For people. The seed's three messages are kept word for word, because its clients match on them. */
  readonly message: string;
}

/** The body of `GET /api/appointments/:userId`: a page of the user's appointments, sorted by start. */
export interface AppointmentListBody {
  readonly appointments: readonly AppointmentJson[];
  /** `null` on the last page; otherwise the `cursor` query parameter of the next page. */
  readonly next_cursor: string | null;
}

/** The body of `GET /api/availability/:userId`: the starts the user could book on `date`, in time order. */
export interface AvailabilityBody {
  readonly date: string;
  readonly slots: readonly SlotJson[];
}

/** The body of `GET /api/resources/:resourceId/appointments`: every user's appointments on the resource. */
export interface ResourceAppointmentsBody {
  readonly appointments: readonly AppointmentJson[];
}

/** The body of `GET /api/changes`: events in commit order, and where to read on. */
export interface ChangesBody {
  readonly changes: readonly ChangeJson[];
  /** Save it once the events are processed, and pass it as `after` next time. */
  readonly cursor: string | null;
}

/** `GET /api/appointments/:userId/calendar-link`: the path of the user's calendar feed, with its token. */
export interface CalendarLinkBody {
  /** Relative to the API's origin, e.g. `/api/appointments/42/calendar.ics?token=…`. */
  readonly path: string;
}

/**
 * Any body the helper answers: JSON, or text (a string, only for the calendar feed) to send as it is with the
 * `Content-Type` its headers give.
 */
export type ResponseBody =
  | string
  | CalendarLinkBody
  | AppointmentListBody
  | AppointmentJson
  | AvailabilityBody
  | ResourceAppointmentsBody
  | ChangesBody
  | ErrorBody;

/**
 * A response to send: `status`, extra `headers` (such as `Allow` on a 405, `Location` on a 201), and a `body`
 * to send as JSON (`Content-Type: application/json`; the framework's JSON reply does both), or, when the body
 * is a string (the calendar feed), as that text, with the `Content-Type` in `headers`.
 */
export interface HttpResponse<Body extends ResponseBody = ResponseBody> {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Body;
}
