/**
 * Typed errors to responses: one function, driven by the one status table.
 *
 * @module
 */
import { isSchedulerError } from "../errors/scheduler-errors.js";
import { HttpRequestError } from "./http-request-error.js";
import type { ErrorBody, HttpResponse } from "./http-response.js";
import { HTTP_STATUS_BY_CODE, type ResponseErrorCode } from "./status-table.js";

/** What an unexpected failure says to the client: nothing that could leak a detail of the server. */
const INTERNAL_ERROR_MESSAGE = "Internal server error";

/** Headers of statuses after which the connection should not be reused (RFC 9110 §15.5.9, §15.5.14). */
const CLOSE_CONNECTION: Partial<Record<number, Readonly<Record<string, string>>>> = {
  408: { Connection: "close" },
  413: { Connection: "close" },
};

/**
 * The response for any error: a `SchedulerError` or a rejected request gets the status of its `code` and its
 * own message; an error a server framework raised for a malformed request (the `status`/`statusCode`
 * convention of `http-errors`, Koa and Fastify) gets the matching HTTP code; anything else is a bug and
 * gets a 500 with a generic message, never the error's message or stack.
 *
 * @example
 * ```ts
 * try {
 *   await scheduler.cancel(userId, id);
 * } catch (error) {
 *   const { status, body } = errorResponse(error); // 404 { code: "NOT_FOUND", message: "Appointment not found" }
 *   return res.status(status).json(body);
 * }
 * ```
 */
export function errorResponse(error: unknown): HttpResponse<ErrorBody> {
  const typed = typedError(error);
  if (typed)
    return codeResponse(typed.code, typed.message, error instanceof HttpRequestError ? error.headers : undefined);
  // decodeURIComponent's error: frameworks that decode path parameters eagerly (Express) raise it for a
  // segment that is not valid percent-encoding. Such a path names nothing, as it does for those that don't.
  if (error instanceof URIError) return codeResponse("ROUTE_NOT_FOUND", "Not found");
  const frameworkStatus = clientErrorStatus(error);
  if (frameworkStatus !== undefined) {
    const code = HTTP_CODE_BY_STATUS.get(frameworkStatus) ?? "BAD_REQUEST";
    return codeResponse(code, MESSAGE_BY_HTTP_CODE[code] ?? "Bad request");
  }
  return codeResponse("INTERNAL_ERROR", INTERNAL_ERROR_MESSAGE);
}

/** The response for `code`, with `message`. */
export function codeResponse(
  code: ResponseErrorCode,
  message: string,
  headers?: Readonly<Record<string, string>>,
): HttpResponse<ErrorBody> {
  const status = HTTP_STATUS_BY_CODE[code];
  return { status, headers: { ...CLOSE_CONNECTION[status], ...headers }, body: { code, message } };
}

/**
 * The code and message of one of our errors, also one raised by another loaded copy of the library; none
 * for a code this copy does not know (a newer copy's), which is then unexpected here.
 */
function typedError(error: unknown): { code: ResponseErrorCode; message: string } | undefined {
  try {
    if (!isSchedulerError(error) && !(error instanceof HttpRequestError)) return undefined;
    const { code, message } = error as { code: unknown; message: unknown };
    if (typeof code === "string" && Object.hasOwn(HTTP_STATUS_BY_CODE, code) && typeof message === "string") {
      return { code: code as ResponseErrorCode, message };
    }
  } catch {
    // A throwing getter on a branded object: treat it as the unexpected error it is.
  }
  return undefined;
}

/** The messages of framework errors mapped to our codes (their own messages name framework internals). */
const MESSAGE_BY_HTTP_CODE: Partial<Record<ResponseErrorCode, string>> = {
  ROUTE_NOT_FOUND: "Not found",
  METHOD_NOT_ALLOWED: "Method not allowed",
  UNSUPPORTED_MEDIA_TYPE: "Content-Type must be application/json",
  PAYLOAD_TOO_LARGE: "Request body is too large",
  TIMED_OUT: "The request timed out",
  BAD_REQUEST: "Bad request",
};

/** Framework client-error statuses that one of our codes stands for. */
const HTTP_CODE_BY_STATUS = new Map<number, ResponseErrorCode>([
  [404, "ROUTE_NOT_FOUND"],
  [405, "METHOD_NOT_ALLOWED"],
  [408, "TIMED_OUT"],
  [413, "PAYLOAD_TOO_LARGE"],
  [415, "UNSUPPORTED_MEDIA_TYPE"],
]);

/** The 4xx status a framework error carries (`status` or `statusCode`), if it carries one. */
function clientErrorStatus(error: unknown): number | undefined {
  try {
    if (!(error instanceof Error)) return undefined;
    const { status, statusCode } = error as { status?: unknown; statusCode?: unknown };
    const value = typeof status === "number" ? status : statusCode;
    return typeof value === "number" && Number.isInteger(value) && value >= 400 && value <= 499 ? value : undefined;
  } catch {
    // A Proxy or a throwing getter: not a framework's error, so an unexpected one.
    return undefined;
  }
}
