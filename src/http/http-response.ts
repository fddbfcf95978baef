/**
 * What every function of the HTTP helper answers: a status, headers and a JSON body, for the framework to
 * send as it is.
 *
 * @module
 */

import type { ResponseErrorCode } from "./status-table.js";
import type { WireAppointment } from "./wire-format.js";

/** The body of every error response. */
export interface ErrorBody {
  /** Stable: branch on it. One of `ERROR_CODES` or `HTTP_ERROR_CODES`. */
  readonly code: ResponseErrorCode;
  /** For people. The seed's three messages are kept word for word, because its clients match on them. */
  readonly message: string;
}

/** The body of `GET /api/appointments/:userId`: a page of the user's appointments, sorted by start. */
export interface AppointmentListBody {
  readonly appointments: readonly WireAppointment[];
  /** `null` on the last page; otherwise the `after` query parameter of the next page. */
  readonly next_cursor: string | null;
}

/** Any body the helper answers. */
export type ResponseBody = AppointmentListBody | WireAppointment | ErrorBody;

/**
 * A response to send: `status`, extra `headers` (such as `Allow` on a 405), and a `body` to send as JSON
 * (`Content-Type: application/json`; the framework's JSON reply does both).
 */
export interface HttpResponse<Body extends ResponseBody = ResponseBody> {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Body;
}
