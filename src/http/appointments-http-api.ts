/**
 * The API over any {@link Scheduler}, independent of the server framework: every route of {@link ROUTES}
 * as a function from what a framework's handler has (the path parameters, the query, the headers, the raw
 * body) to the response to send. Handlers stay one line each, and every framework answers the same bytes.
 *
 * @module
 */
import { InvalidArgumentError } from "../errors/scheduler-errors.js";
import type { Appointment } from "../model/appointment.js";
import { appointmentIdOf } from "../scheduler/appointment-id.js";
import { recordOperationsOf, type Scheduler } from "../scheduler/scheduler.js";
import { parseDate } from "../time/parse-date.js";
import {
  type Authenticate,
  type Authorize,
  accessControlOf,
  authenticateRequest,
  authorizeRequest,
  type Principal,
} from "./access.js";
import {
  type AppointmentJson,
  appointmentJsonFromRecord,
  appointmentJsonOf,
  changeJsonOf,
  slotJsonOf,
} from "./appointment-json.js";
import { parseUserIdParam } from "./appointments-route.js";
import { calendarFeedOf, type FeedCalendarOptions } from "./calendar-feed.js";
import type { CalendarFeedTokens } from "./calendar-feed-tokens.js";
import { deadlineSignals } from "./deadline-signals.js";
import { codeResponse, errorResponse } from "./error-response.js";
import { HttpRequestError } from "./http-request-error.js";
import type {
  AppointmentListBody,
  AvailabilityBody,
  CalendarLinkBody,
  ChangesBody,
  ErrorBody,
  HttpResponse,
  ResourceAppointmentsBody,
  ResponseBody,
} from "./http-response.js";
import { KeysInFlight } from "./keys-in-flight.js";
import {
  availabilityParamsOf,
  changesParamsOf,
  type ListQuery,
  listParamsOf,
  resourceListParamsOf,
} from "./query-params.js";
import {
  checkJsonContentType,
  headerValue,
  type RequestBody,
  type RequestHeaders,
  readBodyText,
} from "./request-body.js";
import { readBookingBody, readCancelBody, readHoldBody, readRescheduleBody } from "./request-json.js";
import { matchRoute, ROUTES, type RouteDefinition, type RouteName } from "./routes.js";

/** Options of {@link createAppointmentsHttpApi}. */
export interface AppointmentsHttpOptions {
  /**
   * Time allowed for one request, in milliseconds: reading its body and the scheduler's work. Past it the
   * answer is 408 `TIMED_OUT` when nothing was written, and 504 `OUTCOME_UNKNOWN` when a write was under way
   * and may have committed (retry with the same `Idempotency-Key` header to learn which). Default `5000`.
   */
  readonly deadlineMs?: number;
  /** Largest request body accepted, in bytes; larger is 413 `PAYLOAD_TOO_LARGE`. Default `16384` (16 KiB). */
  readonly bodyLimitBytes?: number;
  /**
   * Called with the error behind every 5xx answer (an unavailable store, a bug), which the client never
   * sees. Default `console.error`. Its own failures are ignored: reporting must not break an answer.
   */
  readonly onServerError?: (error: unknown) => void;
  /**
   * Turns a request's headers into who is asking; see {@link Authenticate}. Without it the API is open as the
   * seed's was: anyone may act on any user's appointments, and the staff and service routes (a resource's
   * appointments, the change feed) answer 401.
   */
  readonly authenticate?: Authenticate;
  /** Which principal may act on which path; default {@link defaultAuthorize}. */
  readonly authorize?: Authorize;
  /** The per-user calendar feed, `GET /api/appointments/:userId/calendar.ics`: see docs/icalendar.md. */
  readonly calendar?: CalendarFeedOptions;
}

/** Options of the calendar feed routes. */
export interface CalendarFeedOptions {
  /**
   * Lets the feed URL carry its own credential (`?token=`), for calendar clients, which cannot send an
   * `Authorization` header; see {@link createCalendarFeedTokens}. Without it the feed takes the API's usual
   * credentials only (none on an open API).
   */
  readonly tokens?: CalendarFeedTokens;
  /** How the calendar reads: its name, the domain of the events' UIDs, summaries; see docs/icalendar.md. */
  readonly calendar?: FeedCalendarOptions;
  /** How many days before today the feed reaches back. Default `90`. */
  readonly pastDays?: number;
}

/** What a route's handler needs from the request, as the framework gives it. */
export interface RouteRequest {
  /** The route's path parameters, as the framework decoded them (`req.params`). */
  readonly params?: Readonly<Record<string, unknown>> | undefined;
  /** The query: the framework's parsed query object, a `URLSearchParams`, or the request URL. */
  readonly query?: ListQuery;
  /** The request's headers: authentication, `Content-Type`, `Content-Length`, `Idempotency-Key`. */
  readonly headers?: RequestHeaders | undefined;
  /** The raw body: the request stream (preferred: read with the size limit and the deadline), bytes or text. */
  readonly body?: RequestBody;
}

/** One route of the API, ready to register: `app[route.method.toLowerCase()](route.path, …route.handle…)`. */
export interface ApiRoute extends RouteDefinition {
  /** Answers the request; never throws or rejects: every failure is already an error response. */
  handle(request: RouteRequest): Promise<HttpResponse>;
}

/** What {@link AppointmentsHttpApi.book} needs from the request. */
export interface BookRequest {
  /** The request's headers: `Content-Type`, `Content-Length` and `Idempotency-Key` are read. */
  readonly headers?: RequestHeaders | undefined;
  /** The raw body: the request stream (preferred: read with the size limit and the deadline), bytes or text. */
  readonly body?: RequestBody;
}

/**
 * The API as functions from request parts to {@link HttpResponse}s. No method throws or rejects: every
 * failure is already an error response.
 */
export interface AppointmentsHttpApi {
  /** Every route, in the order to register them (see {@link ROUTES}). */
  readonly routes: readonly ApiRoute[];

  /**
   * Routes and answers a whole request, for a server without a router (`node:http`): the route of `method`
   * and `url`, or the answer {@link AppointmentsHttpApi.unmatched} gives.
   */
  handle(method: string, url: string, request: Omit<RouteRequest, "params" | "query">): Promise<HttpResponse>;

  /** `GET /api/appointments/:userId`: the `listAppointments` route, for the seed's two-route servers. */
  list(
    userIdParam: unknown,
    query?: ListQuery,
    headers?: RequestHeaders,
  ): Promise<HttpResponse<AppointmentListBody | ErrorBody>>;

  /** `POST /api/appointments/:userId`: the `bookAppointment` route, for the seed's two-route servers. */
  book(userIdParam: unknown, request: BookRequest): Promise<HttpResponse<AppointmentJson | ErrorBody>>;

  /**
   * The answer for a request no route took: 405 (with `Allow`) when the path is a route's with other
   * methods, 404 `ROUTE_NOT_FOUND` otherwise. Register it as the framework's fallback or not-found handler.
   *
   * @param pathOrUrl - the request path; a query string is ignored.
   * @param method - the request's method (without it, a route's path is 405 whatever the method).
   */
  unmatched(pathOrUrl: string, method?: string): HttpResponse<ErrorBody>;

  /** 404 `ROUTE_NOT_FOUND`, for a URL the framework itself cannot route (one that cannot be decoded). */
  notFound(): HttpResponse<ErrorBody>;

  /** The answer for an error the framework caught (see {@link errorResponse}); 5xx are reported. */
  error(error: unknown): HttpResponse<ErrorBody>;
}

const DEFAULT_DEADLINE_MS = 5000;
const DEFAULT_BODY_LIMIT_BYTES = 16 * 1024;
/** The largest delay a Node.js timer takes (about 24.8 days). */
const MAX_DEADLINE_MS = 2 ** 31 - 1;

/** What every handler starts from: the request, its deadline, and who is asking. */
interface HandlerContext {
  readonly request: RouteRequest;
  readonly signal: AbortSignal;
  readonly principal: Principal | null;
}

type Handler = (context: HandlerContext) => Promise<HttpResponse>;

/**
 * Creates the API over `scheduler`, for any server framework.
 *
 * @throws InvalidArgumentError for an invalid scheduler or option.
 * @example
 * ```ts
 * import express from "express";
 * import { createScheduler } from "appointment-scheduler";
 * import { createAppointmentsHttpApi, type HttpResponse } from "appointment-scheduler/http";
 *
 * const api = createAppointmentsHttpApi(createScheduler(), { deadlineMs: 2000 });
 * const send = (res: express.Response, { status, headers, body }: HttpResponse) =>
 *   res.status(status).set(headers).json(body);
 *
 * const app = express();
 * for (const route of api.routes) {
 *   app[route.method === "GET" ? "get" : route.method === "POST" ? "post" : route.method === "PATCH" ? "patch" : "delete"](
 *     route.path,
 *     async (req, res) => send(res, await route.handle({ params: req.params, query: req.query, headers: req.headers, body: req })),
 *   );
 * }
 * app.use((req, res) => send(res, api.unmatched(req.path, req.method)));
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
  const access = accessControlOf(options?.authenticate, options?.authorize);
  const keys = new KeysInFlight();
  const feed = calendarFeedOf(options?.calendar);

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

  /** The request's JSON body as text, once its `Content-Type` says JSON; `""` for none. */
  const bodyText = (request: RouteRequest, signal: AbortSignal, optional = false): Promise<string> => {
    const headers = request.headers;
    const contentType = headerValue(headers, "content-type");
    if (!(optional && contentType === undefined)) checkJsonContentType(contentType);
    return readBodyText(request.body, { limitBytes, declaredLength: headerValue(headers, "content-length"), signal });
  };

  /** The path's user, once the principal may act on it. */
  const userOf = (route: RouteName, { request, principal }: HandlerContext): string => {
    const userId = parseUserIdParam(request.params?.userId);
    authorizeRequest(access, principal, { route, userId });
    return userId;
  };

  /** A write for the path's user, refused while another with the same key is in flight here. */
  const write = <T>(userId: string, request: RouteRequest, run: (key: string | undefined) => Promise<T>) => {
    const key = idempotencyKeyOf(headerValue(request.headers, "idempotency-key"));
    return keys.run(userId, key, () => run(key));
  };

  const keyed = (signal: AbortSignal, key: string | undefined) =>
    key === undefined ? { signal } : { signal, idempotencyKey: key };

  const created = (userId: string, body: AppointmentJson): HttpResponse<AppointmentJson> => ({
    status: 201,
    headers: { Location: `/api/appointments/${userId}/${encodeURIComponent(body.id)}` },
    body,
  });

  const ok = <Body extends ResponseBody>(body: Body): HttpResponse<Body> => ({ status: 200, headers: {}, body });

  const handlers: Record<RouteName, Handler> = {
    listAppointments: async (context) => {
      const userId = userOf("listAppointments", context);
      const { from, to, ...page } = listParamsOf(context.request.query);
      const range = from === undefined && to === undefined ? undefined : { from, to };
      const options = { signal: context.signal, ...page };
      const result = records
        ? await records.list(userId, range, options, appointmentJsonFromRecord)
        : await scheduler.list(userId, range, options);
      const appointments = records
        ? (result.appointments as AppointmentJson[])
        : (result.appointments as Appointment[]).map(appointmentJsonOf);
      return ok({ appointments, next_cursor: result.nextCursor });
    },

    bookAppointment: async (context) => {
      const { request, signal } = context;
      const userId = userOf("bookAppointment", context);
      const { appointment: start, ...fields } = readBookingBody(await bodyText(request, signal));
      return write(userId, request, async (key) => {
        const options = { ...keyed(signal, key), ...fields };
        const body = records
          ? await records.book(userId, start, options, appointmentJsonFromRecord)
          : appointmentJsonOf(await scheduler.book(userId, start, options));
        return created(userId, body);
      });
    },

    holdAppointment: async (context) => {
      const { request, signal } = context;
      const userId = userOf("holdAppointment", context);
      const { appointment: start, ...fields } = readHoldBody(await bodyText(request, signal));
      return write(userId, request, async (key) =>
        created(userId, appointmentJsonOf(await scheduler.hold(userId, start, { ...keyed(signal, key), ...fields }))),
      );
    },

    calendarFeed: async (context) => {
      const userId = userOf("calendarFeed", context);
      return {
        status: 200,
        headers: feed.headers,
        body: await feed.calendar(scheduler, userId, context.signal),
      };
    },

    calendarLink: async (context) => {
      const userId = userOf("calendarLink", context);
      return ok<CalendarLinkBody>({ path: await feed.path(userId, context.signal) });
    },

    getAppointment: async (context) => {
      const userId = userOf("getAppointment", context);
      const appointment = await scheduler.get(userId, appointmentIdParam(context.request), { signal: context.signal });
      if (appointment === null) throw notFound();
      return ok(appointmentJsonOf(appointment));
    },

    cancelAppointment: async (context) => {
      const { request, signal, principal } = context;
      const userId = userOf("cancelAppointment", context);
      const id = appointmentIdParam(request);
      const { reason } = readCancelBody(await bodyText(request, signal, true));
      // Staff may cancel past the policy's notice (a practitioner's sick day); a patient may not.
      const allowLate = principal !== null && principal.role !== "user";
      return write(userId, request, async (key) =>
        ok(appointmentJsonOf(await scheduler.cancel(userId, id, { ...keyed(signal, key), reason, allowLate }))),
      );
    },

    rescheduleAppointment: async (context) => {
      const { request, signal } = context;
      const userId = userOf("rescheduleAppointment", context);
      const id = appointmentIdParam(request);
      const start = readRescheduleBody(await bodyText(request, signal));
      return write(userId, request, async (key) =>
        ok(appointmentJsonOf(await scheduler.reschedule(userId, id, start, keyed(signal, key)))),
      );
    },

    confirmHold: async (context) => {
      const { request, signal } = context;
      const userId = userOf("confirmHold", context);
      const id = appointmentIdParam(request);
      return write(userId, request, async (key) =>
        ok(appointmentJsonOf(await scheduler.confirm(userId, id, keyed(signal, key)))),
      );
    },

    releaseHold: async (context) => {
      const { request, signal } = context;
      const userId = userOf("releaseHold", context);
      const id = appointmentIdParam(request);
      return write(userId, request, async (key) =>
        ok(appointmentJsonOf(await scheduler.release(userId, id, keyed(signal, key)))),
      );
    },

    availability: async (context) => {
      const userId = userOf("availability", context);
      const { date, ...options } = availabilityParamsOf(context.request.query);
      const slots = await scheduler.availability(userId, date, { signal: context.signal, ...options });
      // The date as the scheduler read it (`2021-04-22`, whatever annotation the query gave it).
      return ok<AvailabilityBody>({ date: parseDate(date, "date").toString(), slots: slots.map(slotJsonOf) });
    },

    resourceAppointments: async ({ request, signal, principal }) => {
      const resourceId = request.params?.resourceId;
      if (typeof resourceId !== "string" || resourceId === "")
        throw new HttpRequestError("ROUTE_NOT_FOUND", "Not found");
      authorizeRequest(access, principal, { route: "resourceAppointments", resourceId });
      const { from, to, limit } = resourceListParamsOf(request.query);
      const appointments = await scheduler.listByResource(
        resourceId,
        { from, to },
        limit === undefined ? { signal } : { signal, limit },
      );
      return ok<ResourceAppointmentsBody>({ appointments: appointments.map(appointmentJsonOf) });
    },

    changes: async ({ request, signal, principal }) => {
      authorizeRequest(access, principal, { route: "changes" });
      const page = await scheduler.changes({ signal, ...changesParamsOf(request.query) });
      return ok<ChangesBody>({ changes: page.changes.map(changeJsonOf), cursor: page.cursor });
    },
  };

  /** Runs a route's handler: the deadline, who is asking, and whatever it throws as its error response. */
  const answer =
    (name: RouteName, handler: Handler) =>
    async (given: RouteRequest): Promise<HttpResponse> => {
      try {
        const request = given ?? {};
        const signal = deadline();
        // No hook, no promise: the open API's requests (the seed's) pay nothing for access control.
        const principal =
          name === "calendarFeed" && feed.tokens
            ? await feed.principal(request, signal, () => authenticateRequest(access, request.headers, signal))
            : access.authenticate
              ? await authenticateRequest(access, request.headers, signal)
              : null;
        return await handler({ request, signal, principal });
      } catch (caught) {
        return error(caught);
      }
    };

  const routes: ApiRoute[] = ROUTES.map((route) => ({ ...route, handle: answer(route.name, handlers[route.name]) }));
  const byName = new Map(routes.map((route) => [route.name, route]));
  const route = (name: RouteName) => byName.get(name) as ApiRoute;

  const unmatched = (pathOrUrl: string, method?: string): HttpResponse<ErrorBody> => {
    const match = typeof pathOrUrl === "string" ? matchRoute(method ?? "", pathOrUrl) : undefined;
    return match?.kind === "method-not-allowed"
      ? codeResponse("METHOD_NOT_ALLOWED", "Method not allowed", { Allow: match.allow.join(", ") })
      : codeResponse("ROUTE_NOT_FOUND", "Not found");
  };

  return {
    routes,
    handle: async (method, url, request) => {
      const match = matchRoute(method, url);
      if (match.kind !== "route") return unmatched(url, method);
      return route(match.route.name).handle({
        headers: request?.headers,
        body: request?.body,
        params: match.params,
        query: url,
      });
    },
    list: (userIdParam, query, headers) =>
      route("listAppointments").handle({ params: { userId: userIdParam }, query, headers }) as Promise<
        HttpResponse<AppointmentListBody | ErrorBody>
      >,
    book: (userIdParam, request) =>
      route("bookAppointment").handle({
        params: { userId: userIdParam },
        headers: request?.headers,
        body: request?.body,
      }) as Promise<HttpResponse<AppointmentJson | ErrorBody>>,
    unmatched,
    notFound: () => codeResponse("ROUTE_NOT_FOUND", "Not found"),
    error,
  };
}

/** The path's appointment id; one that no appointment can have is not found, as any other unknown id. */
function appointmentIdParam(request: RouteRequest): string {
  const id = request.params?.id;
  // Some routers match `:id` to an empty segment ("/api/appointments/1/"): that path names no route at all.
  if (id === "") throw new HttpRequestError("ROUTE_NOT_FOUND", "Not found");
  try {
    return appointmentIdOf(id);
  } catch {
    throw notFound();
  }
}

function notFound(): HttpRequestError {
  return new HttpRequestError("NOT_FOUND", "Appointment not found");
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
