/**
 * The one table from error code to HTTP status. Every code of both catalogues has exactly one row: the
 * `satisfies` clause makes a missing or unknown code a type error, and a test checks it again at run time.
 *
 * @module
 */
import type { ErrorCode } from "../errors/error-codes.js";
import type { HttpErrorCode } from "./http-error-codes.js";

/** A `code` an error response can carry: one of the library's codes or one of the HTTP layer's. */
export type ResponseErrorCode = ErrorCode | HttpErrorCode;

/**
 * The HTTP status answered for each error code.
 *
 * Caller mistakes are 4xx: the seed's three errors (and every other problem with the requested time) are 400
 * as in the seed, a user id or appointment that does not exist is 404. Failures that are not the caller's
 * are 5xx, except a deadline, which is 408 as the seed's README asks.
 *
 * @example
 * ```ts
 * HTTP_STATUS_BY_CODE.LIMIT_REACHED; // 400
 * HTTP_STATUS_BY_CODE.STORE_UNAVAILABLE; // 503
 * ```
 */
export const HTTP_STATUS_BY_CODE = {
  // The library's codes (ERROR_CODES).
  INVALID_ARGUMENT: 400,
  INVALID_USER_ID: 404,
  INVALID_TIME_ZONE: 400,
  INVALID_DATETIME: 400,
  MISALIGNED_START: 400,
  NONEXISTENT_LOCAL_TIME: 400,
  AMBIGUOUS_LOCAL_TIME: 400,
  OUTSIDE_BOOKING_WINDOW: 400,
  LIMIT_REACHED: 400,
  OVERLAPPING_APPOINTMENT: 409,
  NOT_FOUND: 404,
  UNKNOWN_RESOURCE: 404,
  UNKNOWN_APPOINTMENT_TYPE: 400,
  OUTSIDE_RESOURCE_HOURS: 400,
  RESOURCE_FULL: 409,
  APPOINTMENT_CANCELLED: 409,
  APPOINTMENT_NOT_BOOKED: 409,
  NOT_HELD: 409,
  HOLD_EXPIRED: 409,
  APPOINTMENT_STARTED: 409,
  TOO_LATE_TO_CHANGE: 409,
  IDEMPOTENCY_KEY_REUSED: 422,
  STORE_UNAVAILABLE: 503,
  // The store may or may not have written: like a gateway whose upstream did not answer in time. The
  // client retries with the same Idempotency-Key to learn the outcome.
  OUTCOME_UNKNOWN: 504,
  TIMED_OUT: 408,
  // Another abort than the deadline: the server is shutting down or the request was cancelled.
  ABORTED: 503,
  // The HTTP layer's codes (HTTP_ERROR_CODES).
  ROUTE_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  UNSUPPORTED_MEDIA_TYPE: 415,
  PAYLOAD_TOO_LARGE: 413,
  INVALID_JSON: 400,
  INVALID_BODY: 400,
  BAD_REQUEST: 400,
  HEADERS_TOO_LARGE: 431,
  AUTHENTICATION_REQUIRED: 401,
  FORBIDDEN: 403,
  IDEMPOTENCY_KEY_IN_FLIGHT: 409,
  INTERNAL_ERROR: 500,
} as const satisfies Record<ResponseErrorCode, number>;
