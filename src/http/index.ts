/**
 * appointment-scheduler/http: the appointments HTTP API (the seed's `GET` and `POST
 * /api/appointments/:userId`, and every route of {@link ROUTES}) for any Node.js server framework.
 *
 * {@link createAppointmentsHttpApi} turns what a route handler has (the path parameters, the query, the
 * headers, the raw body) into the response to send, so that wiring the API into Express, Fastify, Hono, Koa
 * or `node:http` is routing only, and every framework answers alike: the same statuses, the same JSON
 * bodies, the same error `code`s ({@link HTTP_STATUS_BY_CODE}). `examples/` has one small server per
 * framework, and `docs/http-api.md` describes the API.
 *
 * @example
 * ```ts
 * import { createServer } from "node:http";
 * import { createScheduler } from "appointment-scheduler";
 * import { createAppointmentsHttpApi } from "appointment-scheduler/http";
 *
 * const api = createAppointmentsHttpApi(createScheduler());
 * createServer(async (req, res) => {
 *   const { status, headers, body } = await api.handle(req.method ?? "GET", req.url ?? "/", { headers: req.headers, body: req });
 *   res.writeHead(status, { ...headers, "Content-Type": "application/json" }).end(JSON.stringify(body));
 * }).listen(5000);
 * ```
 *
 * @module
 */
export {
  type AccessRequest,
  type Authenticate,
  type Authorize,
  defaultAuthorize,
  type Principal,
} from "./access.js";
export type { AppointmentJson, ChangeJson, SlotJson } from "./appointment-json.js";
export {
  type ApiRoute,
  type AppointmentsHttpApi,
  type AppointmentsHttpOptions,
  type BookRequest,
  type CalendarFeedOptions,
  createAppointmentsHttpApi,
  type RouteRequest,
} from "./appointments-http-api.js";
export {
  APPOINTMENTS_ROUTE,
  APPOINTMENTS_ROUTE_METHODS,
  matchAppointmentsPath,
  parseUserIdParam,
} from "./appointments-route.js";
export type { FeedCalendarOptions } from "./calendar-feed.js";
export {
  type CalendarFeedTokenOptions,
  type CalendarFeedTokens,
  createCalendarFeedTokens,
  type FeedVersion,
} from "./calendar-feed-tokens.js";
export { answerClientError, answerConnect, type ClientErrorSocket, originForm } from "./client-errors.js";
export { errorResponse } from "./error-response.js";
export { HTTP_ERROR_CODES, type HttpErrorCode } from "./http-error-codes.js";
export type {
  AppointmentListBody,
  AvailabilityBody,
  CalendarLinkBody,
  ChangesBody,
  ErrorBody,
  HttpResponse,
  ResourceAppointmentsBody,
  ResponseBody,
} from "./http-response.js";
export type { ListQuery } from "./query-params.js";
export type { RequestBody, RequestHeaders } from "./request-body.js";
export {
  matchRoute,
  ROUTES,
  type RouteDefinition,
  type RouteMatch,
  type RouteMethod,
  type RouteName,
} from "./routes.js";
export { HTTP_STATUS_BY_CODE, type ResponseErrorCode } from "./status-table.js";
export { formatRfc3339, formatWireTime, toWireAppointment, type WireAppointment } from "./wire-format.js";
