/**
 * The seed's HTTP API over any {@link Scheduler}, independent of the server framework: each method takes
 * what a framework's route handler has (the path parameter, the headers, the raw body) and answers the
 * response to send. Handlers stay one line each, and every framework answers the same bytes.
 *
 * @module
 */
import { InvalidArgumentError } from "../errors/scheduler-errors.js";
import type { Appointment } from "../model/appointment.js";
import { isCursor } from "../scheduler/list-cursor.js";
import { MAX_LIST_LIMIT } from "../scheduler/operation-options.js";
import { recordOperationsOf, type Scheduler } from "../scheduler/scheduler.js";
import { APPOINTMENTS_ROUTE_METHODS, matchAppointmentsPath, parseUserIdParam } from "./appointments-route.js";
import { deadlineSignals } from "./deadline-signals.js";
import { codeResponse, errorResponse } from "./error-response.js";
import type { AppointmentListBody, ErrorBody, HttpResponse, ResponseBody } from "./http-response.js";
import {
  checkJsonContentType,
  headerValue,
  type RequestBody,
  type RequestHeaders,
  readAppointmentField,
  readBodyText,
} from "./request-body.js";
import { toWireAppointment, type WireAppointment, wireAppointmentFromRecord } from "./wire-format.js";

/** Options of {@link createAppointmentsHttpApi}. */
export interface AppointmentsHttpOptions {
  /**
   * Time allowed for one request, in milliseconds: reading its body and the scheduler's work. Past it the
   * answer is 408 `TIMED_OUT` when nothing was written, and 504 `OUTCOME_UNKNOWN` when a booking was
   * being written and may have committed (retry with the same `Idempotency-Key` header to learn which).
   * Default `5000`.
   */
  readonly deadlineMs?: number;
  /** Largest request body accepted, in bytes; larger is 413 `PAYLOAD_TOO_LARGE`. Default `16384` (16 KiB). */
  readonly bodyLimitBytes?: number;
  /**
   * Called with the error behind every 5xx answer (an unavailable store, a bug), which the client never
   * sees. Default `console.error`. Its own failures are ignored: reporting must not break an answer.
   */
  readonly onServerError?: (error: unknown) => void;
}

/**
 * The query parameters of a list request, as a framework gives them: a parsed object (`req.query`,
 * `c.req.query()`), a `URLSearchParams`, or the request URL (`req.url`).
 */
export type ListQuery = URLSearchParams | string | Readonly<Record<string, unknown>> | undefined;

/** What {@link AppointmentsHttpApi.book} needs from the request. */
export interface BookRequest {
  /** The request's headers: `Content-Type` and `Content-Length` are read. */
  readonly headers?: RequestHeaders | undefined;
  /** The raw body: the request stream (preferred: read with the size limit and the deadline), bytes or text. */
  readonly body?: RequestBody;
}

/**
 * The seed's API as functions from request parts to {@link HttpResponse}s. No method throws or rejects:
 * every failure is already an error response.
 */
export interface AppointmentsHttpApi {
  /**
   * `GET /api/appointments/:userId[?limit=&after=]`: 200 `{ appointments: [{ start_time, end_time }],
   * next_cursor }`, a page of the user's appointments sorted by start: at most `limit` (1 to 1000, default
   * 100); `next_cursor` is `null` on the last page, otherwise the `after` of the next.
   *
   * @param userIdParam - the route's `:userId` parameter, as the framework decoded it.
   * @param query - the query parameters: the framework's parsed query object, a `URLSearchParams`, or the
   *   request URL. Other parameters than `limit` and `after` are ignored.
   */
  list(userIdParam: unknown, query?: ListQuery): Promise<HttpResponse<AppointmentListBody | ErrorBody>>;

  /**
   * `POST /api/appointments/:userId` with `{"appointment": "<datetime>"}`: 201 `{ start_time, end_time }`.
   *
   * @param userIdParam - the route's `:userId` parameter, as the framework decoded it.
   * @param request - the headers and the raw, unparsed body.
   */
  book(userIdParam: unknown, request: BookRequest): Promise<HttpResponse<WireAppointment | ErrorBody>>;

  /**
   * The answer for a request no route took: 405 (with `Allow`) when the path is the appointments route,
   * 404 `ROUTE_NOT_FOUND` otherwise. Register it as the framework's fallback or not-found handler.
   *
   * @param pathOrUrl - the request path; a query string is ignored.
   */
  unmatched(pathOrUrl: string): HttpResponse<ErrorBody>;

  /** 404 `ROUTE_NOT_FOUND`, for a URL the framework itself cannot route (one that cannot be decoded). */
  notFound(): HttpResponse<ErrorBody>;

  /** The answer for an error the framework caught (see {@link errorResponse}); 5xx are reported. */
  error(error: unknown): HttpResponse<ErrorBody>;
}

const DEFAULT_DEADLINE_MS = 5000;
const DEFAULT_BODY_LIMIT_BYTES = 16 * 1024;
/** The largest delay a Node.js timer takes (about 24.8 days). */
const MAX_DEADLINE_MS = 2 ** 31 - 1;

/**
 * Creates the seed's HTTP API over `scheduler`, for any server framework.
 *
 * @throws InvalidArgumentError for an invalid scheduler or option.
 * @example
 * ```ts
 * import express from "express";
 * import { createScheduler } from "appointment-scheduler";
 * import { APPOINTMENTS_ROUTE, createAppointmentsHttpApi, type HttpResponse } from "appointment-scheduler/http";
 *
 * const api = createAppointmentsHttpApi(createScheduler(), { deadlineMs: 2000 });
 * const send = (res: express.Response, { status, headers, body }: HttpResponse) =>
 *   res.status(status).set(headers).json(body);
 *
 * const app = express();
 * app.get(APPOINTMENTS_ROUTE, async (req, res) => send(res, await api.list(req.params.userId, req.query)));
 * app.post(APPOINTMENTS_ROUTE, async (req, res) =>
 *   send(res, await api.book(req.params.userId, { headers: req.headers, body: req })));
 * app.use((req, res) => send(res, api.unmatched(req.path)));
 * ```
 */
export function createAppointmentsHttpApi(
  scheduler: Scheduler,
  options?: AppointmentsHttpOptions,
): AppointmentsHttpApi {
  if (
    typeof scheduler !== "object" ||
    scheduler === null ||
    typeof scheduler.list !== "function" ||
    typeof scheduler.book !== "function"
  ) {
    throw new InvalidArgumentError("scheduler", "scheduler must be a Scheduler (from createScheduler)");
  }
  // The scheduler's stored records when it gives them (one from createScheduler, book and list not
  // replaced): the same text, without the Temporal objects the public methods build.
  const records = recordOperationsOf(scheduler);
  const deadlineMs = integerOption(options?.deadlineMs, "deadlineMs", DEFAULT_DEADLINE_MS, MAX_DEADLINE_MS);
  const deadline = deadlineSignals(deadlineMs);
  const limitBytes = integerOption(options?.bodyLimitBytes, "bodyLimitBytes", DEFAULT_BODY_LIMIT_BYTES, 2 ** 30);
  const onServerError = options?.onServerError ?? ((error: unknown) => console.error(error));
  if (typeof onServerError !== "function") {
    throw new InvalidArgumentError("options.onServerError", "options.onServerError must be a function");
  }

  const error = (caught: unknown): HttpResponse<ErrorBody> => {
    const response = errorResponse(caught);
    if (response.status >= 500) {
      try {
        onServerError(caught);
      } catch {
        // Reporting must not turn an answer into a crash.
      }
    }
    return response;
  };

  /** Runs a handler; whatever it throws becomes its error response. */
  const answer = async <Body extends ResponseBody>(
    handle: () => Promise<HttpResponse<Body>>,
  ): Promise<HttpResponse<Body | ErrorBody>> => {
    try {
      return await handle();
    } catch (caught) {
      return error(caught);
    }
  };

  return {
    list: (userIdParam, query) =>
      answer(async () => {
        const userId = parseUserIdParam(userIdParam);
        const options = { signal: deadline(), ...pageOf(query) };
        const page = records
          ? await records.list(userId, options, wireAppointmentFromRecord)
          : await scheduler.list(userId, undefined, options);
        const appointments = records
          ? (page.appointments as WireAppointment[])
          : (page.appointments as Appointment[]).map(toWireAppointment);
        return { status: 200, headers: {}, body: { appointments, next_cursor: page.nextCursor } };
      }),

    book: (userIdParam, request) =>
      answer(async () => {
        const userId = parseUserIdParam(userIdParam);
        // One deadline for the whole request: a client that stalls its body is timed out like a slow store.
        const signal = deadline();
        const headers = request?.headers;
        checkJsonContentType(headerValue(headers, "content-type"));
        const text = await readBodyText(request?.body, {
          limitBytes,
          declaredLength: headerValue(headers, "content-length"),
          signal,
        });
        const start = readAppointmentField(text);
        const idempotencyKey = idempotencyKeyOf(headerValue(headers, "idempotency-key"));
        const options = idempotencyKey === undefined ? { signal } : { signal, idempotencyKey };
        const body = records
          ? await records.book(userId, start, options, wireAppointmentFromRecord)
          : toWireAppointment(await scheduler.book(userId, start, options));
        return { status: 201, headers: {}, body };
      }),

    unmatched: (pathOrUrl) =>
      typeof pathOrUrl === "string" && matchAppointmentsPath(pathOrUrl) !== null
        ? codeResponse("METHOD_NOT_ALLOWED", "Method not allowed", { Allow: APPOINTMENTS_ROUTE_METHODS.join(", ") })
        : codeResponse("ROUTE_NOT_FOUND", "Not found"),

    notFound: () => codeResponse("ROUTE_NOT_FOUND", "Not found"),

    error,
  };
}

/** The `limit` and `after` query parameters, validated, with messages that name them as such. */
function pageOf(query: unknown): { limit?: number; after?: string } {
  const params =
    query instanceof URLSearchParams
      ? query
      : typeof query === "string"
        ? new URLSearchParams(query.includes("?") ? query.slice(query.indexOf("?") + 1) : query)
        : undefined;
  const read = (name: string): unknown => {
    if (params) {
      const values = params.getAll(name);
      return values.length > 1 ? values : values[0];
    }
    return typeof query === "object" && query !== null ? (query as Record<string, unknown>)[name] : undefined;
  };
  const page: { limit?: number; after?: string } = {};
  const limit = read("limit");
  if (limit !== undefined) {
    const value = typeof limit === "string" && /^\d{1,4}$/.test(limit) ? Number(limit) : 0;
    if (value < 1 || value > MAX_LIST_LIMIT) {
      throw new InvalidArgumentError(
        "limit",
        `The limit query parameter must be an integer from 1 to ${MAX_LIST_LIMIT}`,
      );
    }
    page.limit = value;
  }
  const after = read("after");
  if (after !== undefined) {
    if (typeof after !== "string" || !isCursor(after)) {
      throw new InvalidArgumentError("after", "The after query parameter must be the next_cursor of an earlier page");
    }
    page.after = after;
  }
  return page;
}

/** The `Idempotency-Key` header's value: absent, or what the scheduler validates (1 to 255 characters). */
function idempotencyKeyOf(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}

function integerOption(value: unknown, name: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > max) {
    throw new InvalidArgumentError(`options.${name}`, `options.${name} must be an integer from 1 to ${max}`);
  }
  return value;
}
