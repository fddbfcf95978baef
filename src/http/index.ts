/**
 * appointment-scheduler/http: the seed service's HTTP API (`GET` and `POST /api/appointments/:userId`) for
 * any Node.js server framework.
 *
 * {@link createAppointmentsHttpApi} turns what a route handler has (the path parameter, the headers, the raw
 * body) into the response to send, so that wiring the API into Express, Fastify, Hono, Koa or `node:http`
 * is routing only, and every framework answers alike: the same statuses, the same JSON bodies, the same
 * error `code`s ({@link HTTP_STATUS_BY_CODE}). `examples/` has one small server per framework, and
 * `docs/http-api.md` describes the API.
 *
 * @example
 * ```ts
 * import { createServer } from "node:http";
 * import { createScheduler } from "appointment-scheduler";
 * import { createAppointmentsHttpApi, matchAppointmentsPath } from "appointment-scheduler/http";
 *
 * const api = createAppointmentsHttpApi(createScheduler());
 * createServer(async (req, res) => {
 *   const userId = matchAppointmentsPath(req.url ?? "/");
 *   const { status, headers, body } =
 *     userId !== null && req.method === "GET" ? await api.list(userId, req.url)
 *     : userId !== null && req.method === "POST" ? await api.book(userId, { headers: req.headers, body: req })
 *     : api.unmatched(req.url ?? "/");
 *   res.writeHead(status, { ...headers, "Content-Type": "application/json" }).end(JSON.stringify(body));
 * }).listen(5000);
 * ```
 *
 * @module
 */
export {
  type AppointmentsHttpApi,
  type AppointmentsHttpOptions,
  type BookRequest,
  createAppointmentsHttpApi,
  type ListQuery,
} from "./appointments-http-api.js";
export {
  APPOINTMENTS_ROUTE,
  APPOINTMENTS_ROUTE_METHODS,
  matchAppointmentsPath,
  parseUserIdParam,
} from "./appointments-route.js";
export { errorResponse } from "./error-response.js";
export { HTTP_ERROR_CODES, type HttpErrorCode } from "./http-error-codes.js";
export type { AppointmentListBody, ErrorBody, HttpResponse, ResponseBody } from "./http-response.js";
export type { RequestBody, RequestHeaders } from "./request-body.js";
export { HTTP_STATUS_BY_CODE, type ResponseErrorCode } from "./status-table.js";
export { formatWireTime, toWireAppointment, type WireAppointment } from "./wire-format.js";
