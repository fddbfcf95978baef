/**
 * The API's routes: one table of method, path and name, which every framework registers as it is (the
 * `:param` syntax is the one Express, Fastify, Hono and Koa share) and which a server without a router
 * matches with {@link matchRoute}. The table is also what answers 405 with the right `Allow` header.
 *
 * @module
 */

/** The name of each route, as `api.routes` and an authorisation rule see it. */
export type RouteName =
  | "listAppointments"
  | "bookAppointment"
  | "holdAppointment"
  | "calendarFeed"
  | "calendarLink"
  | "getAppointment"
  | "cancelAppointment"
  | "rescheduleAppointment"
  | "confirmHold"
  | "releaseHold"
  | "availability"
  | "resourceAppointments"
  | "changes";

/** A method the API answers (`HEAD` follows `GET` in every framework, and in {@link matchRoute}). */
export type RouteMethod = "GET" | "POST" | "PATCH" | "DELETE";

/** One row of {@link ROUTES}. */
export interface RouteDefinition {
  readonly name: RouteName;
  readonly method: RouteMethod;
  /** In the `:param` syntax, e.g. `/api/appointments/:userId/:id`. */
  readonly path: string;
}

/**
 * Every route of the API. Register them in this order: a router that tries routes in order (Koa's,
 * Express's) then takes `…/holds` and `…/calendar.ics` before it could read them as an appointment id (which
 * never looks like either). No two routes share a method and a path shape otherwise.
 */
export const ROUTES = [
  { name: "listAppointments", method: "GET", path: "/api/appointments/:userId" },
  { name: "bookAppointment", method: "POST", path: "/api/appointments/:userId" },
  { name: "holdAppointment", method: "POST", path: "/api/appointments/:userId/holds" },
  { name: "calendarFeed", method: "GET", path: "/api/appointments/:userId/calendar.ics" },
  { name: "calendarLink", method: "GET", path: "/api/appointments/:userId/calendar-link" },
  { name: "getAppointment", method: "GET", path: "/api/appointments/:userId/:id" },
  { name: "cancelAppointment", method: "DELETE", path: "/api/appointments/:userId/:id" },
  { name: "rescheduleAppointment", method: "PATCH", path: "/api/appointments/:userId/:id" },
  { name: "confirmHold", method: "POST", path: "/api/appointments/:userId/:id/confirm" },
  { name: "releaseHold", method: "POST", path: "/api/appointments/:userId/:id/release" },
  { name: "availability", method: "GET", path: "/api/availability/:userId" },
  { name: "resourceAppointments", method: "GET", path: "/api/resources/:resourceId/appointments" },
  { name: "changes", method: "GET", path: "/api/changes" },
] as const satisfies readonly RouteDefinition[];

/** The path parameters of a matched route, percent-decoded. */
export type RouteParams = Readonly<Record<string, string>>;

/** What {@link matchRoute} found for a method and path. */
export type RouteMatch =
  | { readonly kind: "route"; readonly route: RouteDefinition; readonly params: RouteParams }
  /** The path is a route's, but not with this method: answer 405 with these methods as `Allow`. */
  | { readonly kind: "method-not-allowed"; readonly allow: readonly string[] }
  | { readonly kind: "not-found" };

/** Routes of one path in a row of the table (a path's methods), matched and decoded once for all of them. */
interface CompiledPath {
  readonly pattern: RegExp;
  readonly names: readonly string[];
  readonly routes: RouteDefinition[];
}

const COMPILED: readonly CompiledPath[] = ROUTES.reduce<CompiledPath[]>((paths, route) => {
  const last = paths.at(-1);
  if (last?.routes[0]?.path === route.path) {
    last.routes.push(route);
    return paths;
  }
  const names: string[] = [];
  const source = route.path.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    names.push(name);
    return "([^/]+)";
  });
  paths.push({ pattern: new RegExp(`^${source}$`), names, routes: [route] });
  return paths;
}, []);

/**
 * The route of `method` and a request path or URL (its query ignored), as the frameworks match it: exact
 * segments (no trailing slash, case-sensitive), each parameter one non-empty segment, percent-decoded. A
 * segment that is not valid percent-encoding, or is a dot segment (`.`, `..`, which URL parsers remove),
 * names nothing: such a path is not found, whatever the method.
 *
 * @example
 * ```ts
 * matchRoute("DELETE", "/api/appointments/42/apt_1"); // { kind: "route", route: { name: "cancelAppointment", … }, params: { userId: "42", id: "apt_1" } }
 * matchRoute("PUT", "/api/appointments/42"); // { kind: "method-not-allowed", allow: ["GET", "HEAD", "POST"] }
 * ```
 */
export function matchRoute(method: string, pathOrUrl: string): RouteMatch {
  const path = pathOf(pathOrUrl);
  const effective = method === "HEAD" ? "GET" : method;
  const allowed: RouteMethod[] = [];
  for (const { pattern, names, routes } of COMPILED) {
    const match = pattern.exec(path);
    if (!match) continue;
    const params = decodedParams(names, match);
    if (params === undefined) return { kind: "not-found" };
    for (const route of routes) {
      if (route.method === effective) return { kind: "route", route, params };
      allowed.push(route.method);
    }
  }
  return allowed.length === 0 ? { kind: "not-found" } : { kind: "method-not-allowed", allow: allowHeader(allowed) };
}

/** The methods of a path for `Allow`, in a stable order, with `HEAD` after `GET`. */
function allowHeader(methods: readonly RouteMethod[]): string[] {
  const order = ["GET", "HEAD", "POST", "PATCH", "DELETE"];
  const allow = new Set<string>(methods);
  if (allow.has("GET")) allow.add("HEAD");
  return order.filter((method) => allow.has(method));
}

function decodedParams(names: readonly string[], match: RegExpExecArray): RouteParams | undefined {
  const params: Record<string, string> = {};
  for (let index = 0; index < names.length; index++) {
    const segment = match[index + 1] as string;
    let value = segment;
    // Most segments have nothing to decode (a user id's digits).
    if (segment.includes("%")) {
      try {
        value = decodeURIComponent(segment);
      } catch {
        return undefined;
      }
    }
    if (value === "." || value === "..") return undefined;
    params[names[index] as string] = value;
  }
  return params;
}

/** `pathOrUrl` without its query and fragment. */
export function pathOf(pathOrUrl: string): string {
  const query = pathOrUrl.indexOf("?");
  const fragment = pathOrUrl.indexOf("#");
  const end = query === -1 ? fragment : fragment === -1 ? query : Math.min(query, fragment);
  return end === -1 ? pathOrUrl : pathOrUrl.slice(0, end);
}
