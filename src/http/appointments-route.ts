/**
 * The seed's route, `/api/appointments/<user id>`, and what a user id on a path may be.
 *
 * @module
 */
import { HttpRequestError } from "./http-request-error.js";
import { matchRoute } from "./routes.js";

/**
 * The route in the `:param` syntax that Express, Fastify, Hono and Koa share. Register `GET` and `POST` on
 * it; `HEAD` follows `GET` in those frameworks.
 *
 * @example
 * ```ts
 * app.get(APPOINTMENTS_ROUTE, async (req, res) => send(res, await api.list(req.params.userId, req.query)));
 * ```
 */
export const APPOINTMENTS_ROUTE = "/api/appointments/:userId";

/** The methods the route answers, as the `Allow` header of a 405 lists them. */
export const APPOINTMENTS_ROUTE_METHODS = ["GET", "HEAD", "POST"] as const;

/** Longest canonical user id: the core's limit for string ids. */
const MAX_USER_ID_DIGITS = 255;

/**
 * The user-id segment of a request path or URL (query and fragment ignored), percent-decoded, or `null`
 * when the path is not the appointments route. A segment that is not valid percent-encoding, or is a dot
 * segment (`.`, `..`, which URL parsers remove), names nothing either: such a path is 404 whatever the
 * method, in every framework. For servers without a router (`node:http`).
 *
 * @example
 * ```ts
 * matchAppointmentsPath("/api/appointments/42?x=1"); // "42"
 * matchAppointmentsPath("/api/other"); // null
 * ```
 */
export function matchAppointmentsPath(pathOrUrl: string): string | null {
  const match = matchRoute("GET", pathOrUrl);
  return match.kind === "route" && match.route.name === "listAppointments" ? (match.params.userId ?? null) : null;
}

/**
 * Reads the route's user-id parameter as the seed did (Flask's `<int:user_id>`): ASCII digits, leading
 * zeros ignored (`007` is user `7`). Returns the canonical decimal string, which the scheduler treats as
 * the same user as the number.
 *
 * @throws an error that {@link errorResponse} answers with 404 `INVALID_USER_ID`, for anything else
 *   (signs, spaces, non-ASCII digits, more than 255 significant digits), or 404 `ROUTE_NOT_FOUND` for an
 *   empty segment.
 * @example
 * ```ts
 * parseUserIdParam("007"); // "7"
 * ```
 */
export function parseUserIdParam(value: unknown): string {
  // Some routers match `:userId` to an empty segment ("/api/appointments/"): that path names no user at all.
  if (value === "") throw new HttpRequestError("ROUTE_NOT_FOUND", "Not found");
  if (typeof value === "string" && /^[0-9]+$/.test(value)) {
    const canonical = value.replace(/^0+(?=[0-9])/, "");
    if (canonical.length <= MAX_USER_ID_DIGITS) return canonical;
  }
  throw new HttpRequestError("INVALID_USER_ID", "User id must be a non-negative integer");
}
