/**
 * The API's routes beyond the seed's two, in process through `api.handle` (the conformance suite drives the
 * same through every framework over real HTTP): an appointment by id, cancel, reschedule, holds,
 * availability, a resource's day, the change feed; who may do what; `Idempotency-Key` on every write; the
 * route table; and the RFC 3339 times every body carries.
 */
import { createScheduler, MemoryStore, type SchedulerOptions } from "appointment-scheduler";
import {
  type Authenticate,
  createAppointmentsHttpApi,
  formatRfc3339,
  formatWireTime,
  type HttpResponse,
  matchRoute,
  ROUTES,
} from "appointment-scheduler/http";
import fc from "fast-check";
import { Temporal } from "temporal-polyfill";
import { describe, expect, it } from "vitest";
import { instantTexts } from "../../src/http/wire-format.js";
import { weekdays } from "../resources/support.js";

const JSON_TYPE = { "content-type": "application/json" };

/** A clinic in New York on a clock the test sets, with one practitioner, served by the API. */
function clinic(http: { authenticate?: Authenticate } = {}, options: Partial<SchedulerOptions> = {}) {
  const clock = { now: Temporal.Instant.from("2030-04-21T12:00Z") };
  const scheduler = createScheduler({
    store: new MemoryStore(),
    timeZone: "America/New_York",
    now: () => clock.now,
    resources: {
      "dr-lee": { timeZone: "America/New_York", weeklyHours: weekdays([["09:00", "17:00"]]) },
    },
    ...options,
  });
  const api = createAppointmentsHttpApi(scheduler, { onServerError: () => {}, ...http });
  const call = (
    method: string,
    url: string,
    { body, headers = {} }: { body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<HttpResponse> =>
    api.handle(method, url, {
      headers: body === undefined ? headers : { ...JSON_TYPE, ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  return { scheduler, api, call, clock };
}

/** The tokens of the tests' authentication hook: not a real scheme, only who is asking. */
const authenticate: Authenticate = (headers) => {
  const token = /^Bearer (.+)$/.exec(headers.authorization ?? "")?.[1];
  if (token === "staff" || token === "service") return { role: token };
  const user = /^user-(\d+)$/.exec(token ?? "")?.[1];
  return user === undefined ? null : { role: "user", userId: user };
};
const as = (token: string) => ({ authorization: `Bearer ${token}` });

const bodyOf = (response: HttpResponse) => response.body as unknown as Record<string, unknown>;

describe("an appointment by id", () => {
  it("books with a Location, reads, moves and cancels it, and lists it with status=all", async () => {
    const { call } = clinic();
    const booked = await call("POST", "/api/appointments/7", { body: { appointment: "2030-04-22 10:00" } });
    expect(booked).toMatchObject({
      status: 201,
      body: {
        user_id: "7",
        status: "booked",
        start_time: "2030-04-22 10:00",
        end_time: "2030-04-22 10:30",
        start: "2030-04-22T10:00:00-04:00",
        end: "2030-04-22T10:30:00-04:00",
        version: 1,
        type: null,
        resource: null,
        hold_expires_at: null,
        cancellation_reason: null,
        metadata: null,
      },
    });
    const location = booked.headers.Location as string;
    expect(location).toBe(`/api/appointments/7/${encodeURIComponent(String(bodyOf(booked).id))}`);
    expect(await call("GET", location)).toEqual({ status: 200, headers: {}, body: booked.body });

    const moved = await call("PATCH", location, { body: { appointment: "2030-04-23 15:30" } });
    expect(moved).toMatchObject({
      status: 200,
      body: { id: bodyOf(booked).id, start: "2030-04-23T15:30:00-04:00", version: 2 },
    });

    const cancelled = await call("DELETE", location, { body: { reason: "Feeling better" } });
    expect(cancelled).toMatchObject({
      status: 200,
      body: { status: "cancelled", cancellation_reason: "Feeling better", version: 3 },
    });
    expect(bodyOf(await call("GET", "/api/appointments/7")).appointments).toEqual([]);
    expect(bodyOf(await call("GET", "/api/appointments/7?status=all")).appointments).toEqual([cancelled.body]);
    // Cancelling again: the appointment is cancelled, which is a conflict, not a success.
    expect(await call("DELETE", location)).toMatchObject({ status: 409, body: { code: "APPOINTMENT_CANCELLED" } });
  });

  it("cancels without a body, and refuses a body that is not JSON", async () => {
    const { call } = clinic();
    const booked = await call("POST", "/api/appointments/7", { body: { appointment: "2030-04-22 10:00" } });
    const location = booked.headers.Location as string;
    const text = await createAppointmentsHttpApi(createScheduler(), { onServerError: () => {} }).handle(
      "DELETE",
      "/api/appointments/7/x",
      { headers: { "content-type": "text/plain" }, body: "because" },
    );
    expect(text).toMatchObject({ status: 415, body: { code: "UNSUPPORTED_MEDIA_TYPE" } });
    expect(await call("DELETE", location)).toMatchObject({ status: 200, body: { cancellation_reason: null } });
  });

  it("answers 404 NOT_FOUND alike for an unknown id, an id no appointment can have, and another user's id", async () => {
    const { call } = clinic();
    const booked = await call("POST", "/api/appointments/7", { body: { appointment: "2030-04-22 10:00" } });
    const id = encodeURIComponent(String(bodyOf(booked).id));
    const answers = [];
    for (const path of [
      "/api/appointments/7/nope",
      `/api/appointments/7/${"x".repeat(300)}`,
      `/api/appointments/8/${id}`,
    ]) {
      for (const method of ["GET", "DELETE", "PATCH"]) {
        const response = await call(
          method,
          path,
          method === "PATCH" ? { body: { appointment: "2030-04-24 10:00" } } : {},
        );
        answers.push(response);
      }
    }
    for (const response of answers) {
      expect(response).toEqual({
        status: 404,
        headers: {},
        body: { code: "NOT_FOUND", message: "Appointment not found" },
      });
    }
  });

  it("refuses a move to a time the rules refuse, and keeps the appointment where it was", async () => {
    const { call } = clinic();
    await call("POST", "/api/appointments/7", { body: { appointment: "2030-04-23 09:00" } });
    const booked = await call("POST", "/api/appointments/7", { body: { appointment: "2030-04-22 10:00" } });
    const location = booked.headers.Location as string;
    expect(await call("PATCH", location, { body: { appointment: "2030-04-23 11:00" } })).toMatchObject({
      status: 400,
      body: { code: "LIMIT_REACHED" },
    });
    expect(await call("PATCH", location, { body: { appointment: "2030-04-24 11:10" } })).toMatchObject({
      status: 400,
      body: { code: "MISALIGNED_START" },
    });
    expect(await call("PATCH", location, { body: { start: "2030-04-24 11:00" } })).toMatchObject({
      status: 400,
      body: { code: "INVALID_BODY" },
    });
    expect(bodyOf(await call("GET", location))).toMatchObject({ start_time: "2030-04-22 10:00", version: 1 });
  });
});

describe("holds", () => {
  it("holds a practitioner's time, confirms it into the same appointment, and releases another", async () => {
    const { call, clock } = clinic();
    const held = await call("POST", "/api/appointments/7/holds", {
      body: { appointment: "2030-04-22 10:00", resource: "dr-lee", ttl: "PT10M" },
    });
    expect(held).toMatchObject({
      status: 201,
      body: { status: "held", resource: "dr-lee", hold_expires_at: clock.now.add({ minutes: 10 }).toString() },
    });
    // The practitioner is taken while the hold lasts.
    expect(
      await call("POST", "/api/appointments/8", { body: { appointment: "2030-04-22 10:00", resource: "dr-lee" } }),
    ).toMatchObject({ status: 409, body: { code: "RESOURCE_FULL" } });
    const location = held.headers.Location as string;
    const confirmed = await call("POST", `${location}/confirm`);
    // Booked, keeping the hold's expiry as its history.
    expect(confirmed).toMatchObject({
      status: 200,
      body: { id: bodyOf(held).id, status: "booked", hold_expires_at: bodyOf(held).hold_expires_at },
    });

    const other = await call("POST", "/api/appointments/8/holds", {
      body: { appointment: "2030-04-22 11:00", resource: { anyOf: ["dr-lee"] } },
    });
    const released = await call("POST", `${other.headers.Location}/release`);
    expect(released).toMatchObject({ status: 200, body: { status: "released" } });
    expect(await call("POST", `${other.headers.Location}/confirm`)).toMatchObject({
      status: 409,
      body: { code: "NOT_HELD" },
    });
  });

  it("refuses to confirm an expired hold with 409 HOLD_EXPIRED", async () => {
    const { call, clock } = clinic();
    const held = await call("POST", "/api/appointments/7/holds", { body: { appointment: "2030-04-22 10:00" } });
    clock.now = clock.now.add({ minutes: 6 });
    expect(await call("POST", `${held.headers.Location}/confirm`)).toMatchObject({
      status: 409,
      body: { code: "HOLD_EXPIRED" },
    });
  });

  it.each([
    [{ appointment: "2030-04-22 10:00", ttl: 600 }, '"ttl" must be a string'],
    [{ appointment: "2030-04-22 10:00", resource: 5 }, '"resource" must be'],
    [{ appointment: "2030-04-22 10:00", resource: { anyOf: ["dr-lee"], order: "random" } }, '"resource" must be'],
    [{ appointment: "2030-04-22 10:00", type: ["x"] }, '"type" must be a string'],
    [{ appointment: "2030-04-22 10:00", metadata: "x" }, '"metadata" must be a JSON object'],
  ])("refuses the body %j with 400 INVALID_BODY naming the field", async (body, message) => {
    const { call } = clinic();
    const response = await call("POST", "/api/appointments/7/holds", { body });
    expect(response).toMatchObject({ status: 400, body: { code: "INVALID_BODY" } });
    expect(bodyOf(response).message).toContain(message);
  });
});

describe("availability", () => {
  it("gives the starts the user could book, with the free resources when asked, and agrees with booking", async () => {
    const { call } = clinic();
    const open = await call("GET", "/api/availability/7?date=2030-04-22");
    // The date as the scheduler read it, without the annotation the query gave it.
    expect(bodyOf(await call("GET", "/api/availability/7?date=2030-04-22%5Bu-ca%3Diso8601%5D")).date).toBe(
      "2030-04-22",
    );
    expect(open.status).toBe(200);
    expect(bodyOf(open).slots).toHaveLength(48);
    const withResource = await call("GET", "/api/availability/7?date=2030-04-22&resource=dr-lee");
    const slots = bodyOf(withResource).slots as { start_time: string; start: string; resources: string[] }[];
    expect(slots[0]).toEqual({
      start_time: "2030-04-22 09:00",
      end_time: "2030-04-22 09:30",
      start: "2030-04-22T09:00:00-04:00",
      end: "2030-04-22T09:30:00-04:00",
      resources: ["dr-lee"],
    });
    expect(slots).toHaveLength(16);
    const booked = await call("POST", "/api/appointments/7", {
      body: { appointment: slots[3]?.start, resource: "dr-lee" },
    });
    expect(booked).toMatchObject({ status: 201, body: { start_time: slots[3]?.start_time } });
    // One a day: nothing more that date.
    expect(bodyOf(await call("GET", "/api/availability/7?date=2030-04-22&resource=dr-lee")).slots).toEqual([]);
  });

  it.each([
    ["", "date"],
    ["?date=2030-02-30", "date"],
    ["?date=2030-04-22&date=2030-04-23", "date"],
    ["?date=2030-04-22&resource=dr-who", "UNKNOWN_RESOURCE"],
    ["?date=2030-04-22&type=consult", "UNKNOWN_APPOINTMENT_TYPE"],
  ])("refuses %s", async (query, expected) => {
    const { call } = clinic();
    const response = await call("GET", `/api/availability/7${query}`);
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(JSON.stringify(response.body)).toContain(expected);
  });
});

describe("who may do what", () => {
  it("on an open API (no hook) serves every user's routes to anyone, and never the staff and service routes", async () => {
    const { call } = clinic();
    expect((await call("GET", "/api/appointments/7")).status).toBe(200);
    for (const path of ["/api/changes", "/api/resources/dr-lee/appointments"]) {
      const response = await call("GET", path);
      expect(response).toMatchObject({ status: 401, body: { code: "AUTHENTICATION_REQUIRED" } });
      expect(response.headers["WWW-Authenticate"]).toMatch(/^Bearer /);
    }
  });

  it("answers 401 for missing, malformed and unknown credentials, before reading anything", async () => {
    const { call, scheduler } = clinic({ authenticate });
    await scheduler.book(7, "2030-04-22 10:00");
    for (const headers of [{}, { authorization: "Basic dXNlcjpwdw==" }, as("forged"), as("user-")]) {
      for (const [method, path] of [
        ["GET", "/api/appointments/7"],
        ["POST", "/api/appointments/7"],
        ["GET", "/api/appointments/abc"],
        ["GET", "/api/changes"],
      ] as const) {
        const response = await call(method, path, { headers, body: method === "POST" ? {} : undefined });
        expect(response, `${method} ${path}`).toEqual({
          status: 401,
          headers: { "WWW-Authenticate": 'Bearer realm="appointments"' },
          body: { code: "AUTHENTICATION_REQUIRED", message: "Valid credentials are required" },
        });
      }
    }
  });

  it("lets a user act on their own appointments only: 403 on another user's path, the same whether that user has appointments or not", async () => {
    const { call } = clinic({ authenticate });
    const own = await call("POST", "/api/appointments/7", {
      headers: as("user-7"),
      body: { appointment: "2030-04-22 10:00" },
    });
    expect(own.status).toBe(201);
    const id = encodeURIComponent(String(bodyOf(own).id));
    const requests = (user: string) =>
      [
        ["GET", `/api/appointments/${user}`],
        ["POST", `/api/appointments/${user}`, { appointment: "2030-04-23 10:00" }],
        ["POST", `/api/appointments/${user}/holds`, { appointment: "2030-04-23 10:00" }],
        ["GET", `/api/appointments/${user}/${id}`],
        ["PATCH", `/api/appointments/${user}/${id}`, { appointment: "2030-04-23 10:00" }],
        ["DELETE", `/api/appointments/${user}/${id}`],
        ["POST", `/api/appointments/${user}/${id}/confirm`],
        ["POST", `/api/appointments/${user}/${id}/release`],
        ["GET", `/api/availability/${user}?date=2030-04-22`],
      ] as const;
    // User 8 tries user 7's appointments (which exist) and user 9's (who has none): the same answers.
    for (const [target, other] of [
      ["7", "9"],
      ["007", "9"],
    ] as const) {
      const onTarget = [];
      const onOther = [];
      for (const [method, path, body] of requests(target))
        onTarget.push(await call(method, path, { headers: as("user-8"), body }));
      for (const [method, path, body] of requests(other))
        onOther.push(await call(method, path, { headers: as("user-8"), body }));
      expect(onTarget).toEqual(onOther);
      for (const response of onTarget) {
        expect(response).toEqual({
          status: 403,
          headers: {},
          body: { code: "FORBIDDEN", message: "Not allowed to act on this path" },
        });
      }
    }
    // User 8 on their own path with user 7's appointment id: not found, as an id that never existed.
    expect(await call("GET", `/api/appointments/8/${id}`, { headers: as("user-8") })).toEqual(
      await call("GET", "/api/appointments/8/never", { headers: as("user-8") }),
    );
    // Nothing changed.
    expect(bodyOf(await call("GET", "/api/appointments/7", { headers: as("user-7") })).appointments).toMatchObject([
      { id: bodyOf(own).id, status: "booked", version: 1 },
    ]);
    // Users do not read the feed or a resource's day.
    expect((await call("GET", "/api/changes", { headers: as("user-7") })).status).toBe(403);
    expect((await call("GET", "/api/resources/dr-lee/appointments", { headers: as("user-7") })).status).toBe(403);
  });

  it("lets staff act on every user and cancel past the notice a user must give; the feed needs a service", async () => {
    const { call, clock } = clinic({ authenticate }, { policy: { cancellationNotice: { hours: 24 } } });
    clock.now = Temporal.Instant.from("2030-04-22T12:00Z");
    const booked = await call("POST", "/api/appointments/7", {
      headers: as("staff"),
      body: { appointment: "2030-04-22 15:00", resource: "dr-lee" },
    });
    expect(booked.status).toBe(201);
    const location = booked.headers.Location as string;
    expect(await call("DELETE", location, { headers: as("user-7") })).toMatchObject({
      status: 409,
      body: { code: "TOO_LATE_TO_CHANGE" },
    });
    const day = await call("GET", "/api/resources/dr-lee/appointments?from=2030-04-22&to=2030-04-23", {
      headers: as("staff"),
    });
    expect(day).toMatchObject({ status: 200, body: { appointments: [{ id: bodyOf(booked).id, user_id: "7" }] } });
    expect(await call("DELETE", location, { headers: as("staff") })).toMatchObject({
      status: 200,
      body: { status: "cancelled" },
    });
    expect((await call("GET", "/api/changes", { headers: as("staff") })).status).toBe(403);
    const feed = await call("GET", "/api/changes?limit=1", { headers: as("service") });
    expect(feed).toMatchObject({
      status: 200,
      body: { changes: [{ type: "booked", appointment: { id: bodyOf(booked).id }, previous: null }] },
    });
    const rest = await call("GET", `/api/changes?after=${bodyOf(feed).cursor}`, { headers: as("service") });
    expect(rest).toMatchObject({ status: 200, body: { changes: [{ type: "cancelled" }] } });
  });

  it("takes a custom rule, and a hook that throws is a 500 whose details stay in the log", async () => {
    const reported: unknown[] = [];
    const api = createAppointmentsHttpApi(createScheduler(), {
      authenticate: () => ({ role: "staff" }),
      authorize: (_principal, { route }) => route !== "cancelAppointment",
      onServerError: (error) => reported.push(error),
    });
    expect((await api.handle("DELETE", "/api/appointments/1/x", {})).status).toBe(403);
    expect((await api.handle("GET", "/api/appointments/1", {})).status).toBe(200);
    const failing = createAppointmentsHttpApi(createScheduler(), {
      authenticate: () => {
        throw new Error("key server down");
      },
      onServerError: (error) => reported.push(error),
    });
    expect(await failing.handle("GET", "/api/appointments/1", {})).toMatchObject({
      status: 500,
      body: { code: "INTERNAL_ERROR", message: "Internal server error" },
    });
    expect(reported).toHaveLength(1);
  });
});

describe("Idempotency-Key on every write", () => {
  const key = (value: string) => ({ "idempotency-key": value });

  it("replays a move's and a cancellation's first answer, status and body, and refuses the key for another request", async () => {
    const { call } = clinic();
    const booked = await call("POST", "/api/appointments/7", { body: { appointment: "2030-04-22 10:00" } });
    const location = booked.headers.Location as string;
    const move = () => call("PATCH", location, { headers: key("move-1"), body: { appointment: "2030-04-23 10:00" } });
    const first = await move();
    expect(first.status).toBe(200);
    expect(await move()).toEqual(first);
    expect(
      await call("PATCH", location, { headers: key("move-1"), body: { appointment: "2030-04-24 10:00" } }),
    ).toMatchObject({ status: 422, body: { code: "IDEMPOTENCY_KEY_REUSED" } });
    const cancel = () => call("DELETE", location, { headers: key("cancel-1") });
    const cancelled = await cancel();
    expect(cancelled).toMatchObject({ status: 200, body: { status: "cancelled" } });
    // Without the key, cancelling again is a conflict; with it, the first answer again.
    expect(await cancel()).toEqual(cancelled);
  });

  it("answers 409 IDEMPOTENCY_KEY_IN_FLIGHT with Retry-After while the first request with the key is being written", async () => {
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const memory = new MemoryStore();
    const slow = Object.assign(Object.create(memory) as MemoryStore, {
      write: async (request: Parameters<MemoryStore["write"]>[0]) => {
        await gate;
        return memory.write(request);
      },
    });
    const api = createAppointmentsHttpApi(createScheduler({ store: slow }), { onServerError: () => {} });
    const request = {
      headers: { ...JSON_TYPE, ...key("k1") },
      body: JSON.stringify({ appointment: "2030-04-22 10:00" }),
    };
    const first = api.handle("POST", "/api/appointments/7", request);
    await new Promise((resolve) => setTimeout(resolve, 10));
    const second = await api.handle("POST", "/api/appointments/7", request);
    expect(second).toEqual({
      status: 409,
      headers: { "Retry-After": "1" },
      body: {
        code: "IDEMPOTENCY_KEY_IN_FLIGHT",
        message: "A request with this Idempotency-Key is still being processed; retry once it has been answered",
      },
    });
    // Another user's same key is another request, not in flight.
    const otherUser = api.handle("POST", "/api/appointments/8", request);
    release();
    expect((await first).status).toBe(201);
    expect((await otherUser).status).toBe(201);
    expect(await api.handle("POST", "/api/appointments/7", request)).toEqual(await first);
  });
});

describe("the route table", () => {
  const segment = fc
    .string({ minLength: 1, maxLength: 12 })
    .filter((value) => value !== "." && value !== ".." && value !== "holds");

  it("matches every route's own paths to it, with its parameters decoded (property)", () => {
    fc.assert(
      fc.property(fc.constantFrom(...ROUTES), fc.array(segment, { minLength: 3, maxLength: 3 }), (route, values) => {
        const params: Record<string, string> = {};
        let index = 0;
        const path = route.path.replace(/:([A-Za-z]+)/g, (_, name: string) => {
          const value = values[index++] as string;
          params[name] = value;
          return encodeURIComponent(value);
        });
        const match = matchRoute(route.method, `${path}?x=1`);
        expect(match).toEqual({ kind: "route", route, params });
        if (route.method === "GET") expect(matchRoute("HEAD", path)).toEqual(match);
      }),
    );
  });

  it("matches as a plain loop over the table would, route by route, decoding each match (property)", () => {
    // The plain matcher, for reference: matchRoute tests each path once for all its methods, and decodes a
    // segment only when it holds a percent sign.
    const plain = (method: string, url: string) => {
      const path = url.split(/[?#]/)[0] as string;
      const effective = method === "HEAD" ? "GET" : method;
      const allowed: string[] = [];
      for (const route of ROUTES) {
        const names: string[] = [];
        const source = route.path.replace(/:([A-Za-z]+)/g, (_, name: string) => {
          names.push(name);
          return "([^/]+)";
        });
        const match = new RegExp(`^${source}$`).exec(path);
        if (!match) continue;
        const params: Record<string, string> = {};
        for (const [index, name] of names.entries()) {
          let value: string;
          try {
            value = decodeURIComponent(match[index + 1] as string);
          } catch {
            return { kind: "not-found" };
          }
          if (value === "." || value === "..") return { kind: "not-found" };
          params[name] = value;
        }
        if (route.method === effective) return { kind: "route", route, params };
        allowed.push(route.method);
      }
      if (allowed.length === 0) return { kind: "not-found" };
      const allow = new Set(allowed);
      if (allow.has("GET")) allow.add("HEAD");
      return {
        kind: "method-not-allowed",
        allow: ["GET", "HEAD", "POST", "PATCH", "DELETE"].filter((m) => allow.has(m)),
      };
    };
    const piece = fc.oneof(
      fc.constantFrom("api", "appointments", "availability", "resources", "changes", "holds", "confirm", "release"),
      fc.constantFrom("calendar.ics", "calendar-link", ".", "..", "%2E", "%2e%2E", "%E0%A4%A", "%41", "%", "1", "42"),
      fc.string({ maxLength: 6 }),
    );
    // A route's path with pieces for its parameters, sometimes a piece more; or pieces alone.
    const routeShaped = fc
      .tuple(fc.constantFrom(...ROUTES), fc.array(piece, { minLength: 3, maxLength: 3 }), fc.option(piece))
      .map(([route, values, extra]) => {
        let index = 0;
        const path = route.path.replace(/:([A-Za-z]+)/g, () => values[index++] as string);
        return extra === null ? path : `${path}/${extra}`;
      });
    const anyPath = fc.array(piece, { minLength: 1, maxLength: 6 }).map((pieces) => `/${pieces.join("/")}`);
    const url = fc
      .tuple(fc.oneof(routeShaped, anyPath), fc.constantFrom("", "?x=1", "#f", "?a#b", "#a?b"))
      .map(([path, suffix]) => `${path}${suffix}`);
    const method = fc.constantFrom("GET", "HEAD", "POST", "PATCH", "DELETE", "PUT", "OPTIONS");
    fc.assert(
      fc.property(method, url, (verb, path) => {
        expect(matchRoute(verb, path)).toEqual(plain(verb, path));
      }),
      { numRuns: 2000 },
    );
  });

  it("answers 405 with the path's methods, and 404 for paths no route has", async () => {
    const { api } = clinic();
    expect(api.unmatched("/api/appointments/1/abc", "PUT")).toEqual({
      status: 405,
      headers: { Allow: "GET, HEAD, PATCH, DELETE" },
      body: { code: "METHOD_NOT_ALLOWED", message: "Method not allowed" },
    });
    expect((await api.handle("PUT", "/api/appointments/1", {})).headers).toEqual({ Allow: "GET, HEAD, POST" });
    expect((await api.handle("GET", "/api/appointments/1/abc/confirm", {})).headers).toEqual({ Allow: "POST" });
    for (const path of ["/api/changes/", "/api/appointments/1/abc/other", "/api/appointments/%E0%A4%A/x", "/api/x"]) {
      expect((await api.handle("GET", path, {})).status, path).toBe(404);
    }
  });
});

describe("RFC 3339 times", () => {
  it("formatRfc3339 prints what Temporal prints for the instant in the zone, and the seed's form beside it (property)", () => {
    const zones = [
      "UTC",
      "America/New_York",
      "Australia/Lord_Howe",
      "Asia/Kathmandu",
      "Europe/London",
      "+05:30",
      "-00:30",
    ];
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(-1, 0, 1), max: Date.UTC(10001, 0, 1) }),
        fc.constantFrom(...zones),
        (epochMs, timeZone) => {
          const zoned = Temporal.Instant.fromEpochMilliseconds(epochMs).toZonedDateTimeISO(timeZone);
          const wholeMinutes = zoned.offsetNanoseconds % 60_000_000_000 === 0;
          const inRange = zoned.year >= 0 && zoned.year <= 9999;
          expect(formatRfc3339(epochMs, timeZone)).toBe(
            wholeMinutes && inRange ? zoned.toString({ timeZoneName: "never" }) : zoned.toInstant().toString(),
          );
          // The seed's form from the same computation, as formatWireTime prints the ZonedDateTime.
          expect(instantTexts(epochMs, timeZone).wire).toBe(formatWireTime(zoned));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
