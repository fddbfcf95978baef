/**
 * Who may do what: the caller's authentication hook turns a request's headers into a {@link Principal} (or
 * refuses them), and an authorisation rule decides which principal may act on which path. The API asks both
 * before it reads anything, so an answer never depends on whether another user's appointment exists.
 *
 * @module
 */
import { InvalidArgumentError } from "../errors/scheduler-errors.js";
import { HttpRequestError } from "./http-request-error.js";
import type { RequestHeaders } from "./request-body.js";
import type { RouteName } from "./routes.js";

/**
 * Who is asking, as the authentication hook established it.
 * - `user`: a patient, who may act on their own appointments only (`userId`).
 * - `staff`: may act on every user's appointments, cancel past the policy's notice, and read a resource's
 *   appointments.
 * - `service`: the service's own workers: everything staff may, and the change feed.
 */
export type Principal =
  | { readonly role: "user"; readonly userId: string; readonly subject?: string }
  | { readonly role: "staff" | "service"; readonly subject?: string };

/** What an authorisation rule is asked about. */
export interface AccessRequest {
  readonly route: RouteName;
  /** The path's user, canonical (`"007"` is `"7"`), for the routes of one user's appointments. */
  readonly userId?: string;
  /** The path's resource, for `resourceAppointments`. */
  readonly resourceId?: string;
}

/**
 * Turns a request's headers into its principal, or `null` when they carry no valid credentials (missing,
 * malformed, forged, expired): the answer is then 401 `AUTHENTICATION_REQUIRED`. The request is given to
 * it before anything else is read. Throwing is a bug in the hook: 500, reported.
 *
 * @example
 * ```ts
 * import { jwtVerify } from "jose";
 * import type { Authenticate } from "appointment-scheduler/http";
 *
 * const secret = new TextEncoder().encode(process.env.AUTH_JWT_SECRET);
 * const authenticate: Authenticate = async (headers) => {
 *   const token = /^Bearer (.+)$/.exec(headers.authorization ?? "")?.[1];
 *   if (!token) return null;
 *   try {
 *     const { payload } = await jwtVerify(token, secret, { algorithms: ["HS256"] });
 *     if (payload.role === "staff" || payload.role === "service") return { role: payload.role };
 *     return typeof payload.sub === "string" ? { role: "user", userId: payload.sub } : null;
 *   } catch {
 *     return null;
 *   }
 * };
 * ```
 */
export type Authenticate = (
  headers: Readonly<Record<string, string | undefined>>,
  context: { readonly signal: AbortSignal },
) => Principal | null | Promise<Principal | null>;

/**
 * Whether `principal` may make `request`; `false` is 403 `FORBIDDEN`. `principal` is `null` only when the API
 * has no authentication hook (an open API). Decide from the principal and the path alone.
 */
export type Authorize = (principal: Principal | null, request: AccessRequest) => boolean;

/** The routes only staff and services may use, and the one only services may use. */
const STAFF_ROUTES: ReadonlySet<RouteName> = new Set(["resourceAppointments"]);
const SERVICE_ROUTES: ReadonlySet<RouteName> = new Set(["changes"]);

/**
 * The default rule. With an authentication hook: a user acts on their own user id only, staff on every user
 * and on resources, a service on everything. Without one (`principal` is `null`): the seed's open API, every
 * user's appointments for anyone, but never the staff and service routes.
 */
export const defaultAuthorize: Authorize = (principal, { route, userId }) => {
  if (SERVICE_ROUTES.has(route)) return principal?.role === "service";
  if (STAFF_ROUTES.has(route)) return principal?.role === "staff" || principal?.role === "service";
  if (principal === null) return true;
  return principal.role !== "user" || principal.userId === userId;
};

/** What the API does with a request's credentials: see {@link authenticateRequest}, {@link authorizeRequest}. */
export interface AccessControl {
  readonly authenticate: Authenticate | undefined;
  readonly authorize: Authorize;
}

/** Validates the options; `undefined` authenticate leaves the API open (the seed's behaviour). */
export function accessControlOf(authenticate: unknown, authorize: unknown): AccessControl {
  if (authenticate !== undefined && typeof authenticate !== "function") {
    throw new InvalidArgumentError("options.authenticate", "options.authenticate must be a function");
  }
  if (authorize !== undefined && typeof authorize !== "function") {
    throw new InvalidArgumentError("options.authorize", "options.authorize must be a function");
  }
  return {
    authenticate: authenticate as Authenticate | undefined,
    authorize: (authorize as Authorize | undefined) ?? defaultAuthorize,
  };
}

/**
 * The request's principal: `null` on an open API (no hook).
 *
 * @throws 401 `AUTHENTICATION_REQUIRED` (with `WWW-Authenticate: Bearer`) for missing or invalid credentials.
 */
export async function authenticateRequest(
  access: AccessControl,
  headers: RequestHeaders | undefined,
  signal: AbortSignal,
): Promise<Principal | null> {
  if (!access.authenticate) return null;
  const principal = validPrincipal(await access.authenticate(plainHeaders(headers), { signal }));
  if (principal === null) throw authenticationRequired("Valid credentials are required");
  return principal;
}

/**
 * Checks that `principal` may make `request`.
 *
 * @throws 403 `FORBIDDEN` when the rule refuses; 401 `AUTHENTICATION_REQUIRED` instead on an open API, where
 *   only a staff or service route is refused, and a credential is what it lacks.
 */
export function authorizeRequest(access: AccessControl, principal: Principal | null, request: AccessRequest): void {
  if (access.authorize(principal, request)) return;
  if (principal === null) throw authenticationRequired("This route needs credentials (a staff or service one)");
  throw new HttpRequestError("FORBIDDEN", "Not allowed to act on this path");
}

/** A 401, which tells the client how to authenticate (RFC 9110 §11.6.1). */
export function authenticationRequired(message: string): HttpRequestError {
  return new HttpRequestError("AUTHENTICATION_REQUIRED", message, {
    headers: { "WWW-Authenticate": 'Bearer realm="appointments"' },
  });
}

/** What the hook returned, if it is a principal; anything else counts as no credentials. */
function validPrincipal(value: unknown): Principal | null {
  if (typeof value !== "object" || value === null) return null;
  const { role, userId } = value as { role?: unknown; userId?: unknown };
  if (role === "staff" || role === "service") return value as Principal;
  // User ids on the path are canonical decimals ("007" is "7"): the principal's is compared in that form.
  if (role === "user" && typeof userId === "string" && userId !== "") {
    const canonical = /^[0-9]+$/.test(userId) ? userId.replace(/^0+(?=[0-9])/, "") : userId;
    return { ...(value as Principal & { role: "user" }), userId: canonical };
  }
  return null;
}

/** The headers as one record of lower-case names to strings, whatever form the framework gave. */
function plainHeaders(headers: RequestHeaders | undefined): Record<string, string | undefined> {
  const plain: Record<string, string | undefined> = {};
  if (headers === undefined || headers === null) return plain;
  if (typeof (headers as { forEach?: unknown }).forEach === "function" && "get" in headers) {
    (headers as unknown as { forEach(callback: (value: string, name: string) => void): void }).forEach(
      (value, name) => {
        plain[name.toLowerCase()] = value;
      },
    );
    return plain;
  }
  for (const [name, value] of Object.entries(headers as Record<string, string | readonly string[] | undefined>)) {
    plain[name.toLowerCase()] = typeof value === "string" ? value : value?.join(", ");
  }
  return plain;
}
