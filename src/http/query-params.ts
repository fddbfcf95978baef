/**
 * The query parameters of the read routes, checked with messages that name them as query parameters. Other
 * parameters are ignored.
 *
 * @module
 */
import { InvalidArgumentError } from "../errors/scheduler-errors.js";
import { isCursor } from "../scheduler/list-cursor.js";
import { MAX_LIST_LIMIT } from "../scheduler/operation-options.js";

/**
 * The query parameters of a request, as a framework gives them: a parsed object (`req.query`,
 * `c.req.query()`), a `URLSearchParams`, or the request URL (`req.url`).
 */
export type ListQuery = URLSearchParams | string | Readonly<Record<string, unknown>> | undefined;

/** `GET /api/appointments/:userId`: the range, status and page. */
export interface ListParams {
  readonly from?: string;
  readonly to?: string;
  readonly status?: "booked" | "all";
  readonly limit?: number;
  /** `cursor`, or `after` as the first version of the API named it. */
  readonly after?: string;
}

/** Reads `name` from `query`: a string, an array when it is repeated, or `undefined`. */
type QueryReader = (name: string) => unknown;

const NO_PARAMETERS: QueryReader = () => undefined;

function readerOf(query: ListQuery): QueryReader {
  if (typeof query === "string") {
    // A URL (or path) without a query has no parameters: no need to parse it (the seed's requests have none).
    const start = query.indexOf("?");
    if (start === -1 || start === query.length - 1) return NO_PARAMETERS;
    return readerOf(new URLSearchParams(query.slice(start + 1)));
  }
  const params = query instanceof URLSearchParams ? query : undefined;
  if (params) {
    return (name) => {
      const values = params.getAll(name);
      return values.length > 1 ? values : values[0];
    };
  }
  return (name) =>
    typeof query === "object" && query !== null && Object.hasOwn(query, name)
      ? (query as Record<string, unknown>)[name]
      : undefined;
}

/** The list route's parameters. */
export function listParamsOf(query: ListQuery): ListParams {
  const read = readerOf(query);
  const cursorName = read("cursor") === undefined ? "after" : "cursor";
  const cursor = read(cursorName);
  const status = single(read, "status");
  if (status !== undefined && status !== "booked" && status !== "all") {
    throw invalid("status", "The status query parameter must be booked or all");
  }
  return {
    ...optional("from", single(read, "from")),
    ...optional("to", single(read, "to")),
    ...optional("status", status as ListParams["status"]),
    ...optional("limit", limitOf(read, MAX_LIST_LIMIT)),
    ...optional("after", cursor === undefined ? undefined : cursorOf(cursor, cursorName)),
  };
}

/**
 * `GET /api/availability/:userId`: `date` (required), `resource` (repeated, or comma-separated), `type`, and
 * `moving` (an appointment id: the starts it could be moved to).
 */
export function availabilityParamsOf(query: ListQuery): {
  readonly date: string;
  readonly resources?: string[];
  readonly type?: string;
  readonly moving?: string;
} {
  const read = readerOf(query);
  const date = single(read, "date");
  if (date === undefined) throw invalid("date", "The date query parameter is required: ?date=YYYY-MM-DD");
  const resource = read("resource");
  const resources = (Array.isArray(resource) ? resource : resource === undefined ? [] : [resource])
    .flatMap((value: unknown) => (typeof value === "string" ? value.split(",") : []))
    .filter((id) => id !== "");
  return {
    date,
    ...optional("resources", resources.length > 0 ? resources : undefined),
    ...optional("type", single(read, "type")),
    ...optional("moving", single(read, "moving")),
  };
}

/** `GET /api/resources/:resourceId/appointments`: `from`, `to`, `limit`. */
export function resourceListParamsOf(query: ListQuery): { from?: string; to?: string; limit?: number } {
  const read = readerOf(query);
  return {
    ...optional("from", single(read, "from")),
    ...optional("to", single(read, "to")),
    ...optional("limit", limitOf(read, MAX_LIST_LIMIT)),
  };
}

/** `GET /api/changes`: `after` (a position) and `limit`. */
export function changesParamsOf(query: ListQuery): { after?: string; limit?: number } {
  const read = readerOf(query);
  return { ...optional("after", single(read, "after")), ...optional("limit", limitOf(read, MAX_LIST_LIMIT)) };
}

/** `GET /api/appointments/:userId/calendar.ics`: `token`, the feed URL's credential (see calendar-feed-tokens.ts). */
export function calendarParamsOf(query: ListQuery): { token?: string } {
  return optional("token", single(readerOf(query), "token"));
}

function limitOf(read: QueryReader, max: number): number | undefined {
  const limit = read("limit");
  if (limit === undefined) return undefined;
  const value = typeof limit === "string" && /^\d{1,4}$/.test(limit) ? Number(limit) : 0;
  if (value < 1 || value > max) {
    throw invalid("limit", `The limit query parameter must be an integer from 1 to ${max}`);
  }
  return value;
}

function cursorOf(cursor: unknown, name: string): string {
  if (typeof cursor !== "string" || !isCursor(cursor)) {
    throw invalid(name, `The ${name} query parameter must be the next_cursor of an earlier page`);
  }
  return cursor;
}

/** A parameter given at most once, as text. */
function single(read: QueryReader, name: string): string | undefined {
  const value = read(name);
  if (value === undefined || typeof value === "string") return value;
  throw invalid(name, `The ${name} query parameter must be given once`);
}

function optional<K extends string, V>(key: K, value: V | undefined): { [key in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [key in K]?: V };
}

function invalid(name: string, message: string): InvalidArgumentError {
  return new InvalidArgumentError(name, message);
}
