/**
 * One conformance suite for every example server (in the spirit of Hono's `common.case.test.ts`): each
 * example's test file is one call to {@link runConformanceSuite}. It drives the server over real HTTP on an
 * ephemeral loopback port: the seed's parity cases, the error cases, retries with an `Idempotency-Key`,
 * fast-check requests, faults injected through the public API (a slow store, a store that commits after the
 * deadline, an unreachable store, a failing callback), and the example run as a program (PORT, then
 * SIGTERM/SIGINT). Every response is also validated against docs/openapi.yaml.
 */
import { readFileSync } from "node:fs";
import { METHODS } from "node:http";
import { createScheduler, type Scheduler } from "appointment-scheduler";
import type { AppointmentsHttpOptions } from "appointment-scheduler/http";
import fc from "fast-check";
import { Temporal } from "temporal-polyfill";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BOOKING_PAGE_FILES } from "../../examples/booking-page/serve.js";
import { jwtAuthenticate, signToken } from "../../examples/jwt-auth.js";
import type { RunningServer, ServerOptions } from "../../examples/scheduler-from-env.js";
import { runExample } from "../support/run-example.js";
import { createOpenApiChecker } from "./openapi-checker.js";
import {
  GarbageStore,
  LateCommitStore,
  type RawRequest,
  type RawResponse,
  SlowStore,
  STORE_SECRET,
  send,
  sendAndDisconnect,
  sendStalledBody,
  UnreachableStore,
} from "./support.js";

/** An example server under test: its name, its exported start function, and its file (run as a program). */
export interface ConformanceTarget {
  readonly name: string;
  readonly start: (options: ServerOptions) => Promise<RunningServer>;
  readonly file: URL;
}

interface ParityStep {
  readonly method: string;
  readonly path: string;
  readonly body?: unknown;
  readonly expect: { readonly status: number; readonly body: Record<string, unknown> };
}

/** The seed's own scenarios, copied from the shared parity cases (see test/fixtures). */
const PARITY_CASES = (
  JSON.parse(readFileSync(new URL("../fixtures/parity-cases.json", import.meta.url), "utf8")) as {
    cases: { name: string; steps: ParityStep[] }[];
  }
).cases;

const JSON_TYPE = { "Content-Type": "application/json" };
const ALLOW = "GET, HEAD, POST";
const SEED_MESSAGES = {
  INVALID_DATETIME: "Appointments must be a valid datetime",
  MISALIGNED_START: "Appointments must start on the hour or half hour",
  LIMIT_REACHED: "User already has an appointment scheduled for this calendar date",
} as const;

const openApi = createOpenApiChecker();

/**
 * Whether `response` is a file of the booking page (examples/booking-page/) served at the request's path,
 * exactly: an example may serve it to GET and HEAD there (the Fastify one does, at `/`) in place of the 404
 * of any other path the API does not have.
 */
function servedPage(request: RawRequest, response: RawResponse): boolean {
  const file = BOOKING_PAGE_FILES.find((page) => page.path === request.path.split("?")[0]);
  return (
    file !== undefined &&
    (request.method === "GET" || request.method === "HEAD") &&
    response.status === 200 &&
    response.headers["content-type"] === file.contentType &&
    response.text === (request.method === "HEAD" ? "" : file.text)
  );
}

/** Registers the whole suite for one example. */
export function runConformanceSuite({ name, start, file }: ConformanceTarget): void {
  /** Sends a request and checks the response against the OpenAPI document before returning it. */
  const call = async (url: string, request: RawRequest): Promise<RawResponse> => {
    const response = await send(url, request);
    if (!servedPage(request, response)) openApi.check(request, response);
    return response;
  };

  /** Starts the example with a fresh scheduler (or the given one), runs `use`, and stops it. */
  const withServer = async (
    options: { scheduler?: Scheduler; http?: AppointmentsHttpOptions },
    use: (request: (request: RawRequest) => Promise<RawResponse>, url: string) => Promise<void>,
  ) => {
    const server = await start({
      scheduler: options.scheduler ?? createScheduler(),
      port: 0,
      host: "127.0.0.1",
      http: { onServerError: () => {}, ...options.http },
    });
    try {
      await use((request) => call(server.url, request), server.url);
    } finally {
      await server.close();
    }
  };

  /** One server for a group of tests, each using its own user ids. */
  const sharedServer = () => {
    let server: RunningServer | undefined;
    beforeAll(async () => {
      server = await start({
        scheduler: createScheduler(),
        port: 0,
        host: "127.0.0.1",
        http: { onServerError: () => {} },
      });
    });
    afterAll(() => server?.close());
    return (request: RawRequest) => {
      if (!server) throw new Error("server not started");
      return call(server.url, request);
    };
  };

  const post = (userId: string, body: string | Uint8Array, headers: Record<string, string> = JSON_TYPE) => ({
    method: "POST",
    path: `/api/appointments/${userId}`,
    headers,
    body,
  });
  /** A POST of `start` with an `Idempotency-Key` header. */
  const keyed = (userId: string, start: string, key: string) =>
    post(userId, booking(start), { ...JSON_TYPE, "Idempotency-Key": key });
  const booking = (start: string) => JSON.stringify({ appointment: start });

  describe(`${name}: the seed's parity cases`, () => {
    it.each(PARITY_CASES)("$name", ({ steps }) =>
      withServer({}, async (request) => {
        for (const step of steps) {
          const response = await request({
            method: step.method,
            path: step.path,
            ...(step.body === undefined ? {} : { headers: JSON_TYPE, body: JSON.stringify(step.body) }),
          });
          const what = `${step.method} ${step.path} ${JSON.stringify(step.body ?? null)}`;
          expect(response.status, what).toBe(step.expect.status);
          expect(response.json, what).toMatchObject(step.expect.body);
        }
      }),
    );

    it("answers the seed's three errors with a stable code beside the exact message", () =>
      withServer({}, async (request) => {
        await expect(request(post("1", booking("BAD_INPUT")))).resolves.toMatchObject({
          status: 400,
          json: { code: "INVALID_DATETIME", message: SEED_MESSAGES.INVALID_DATETIME },
        });
        await expect(request(post("1", booking("2021-04-22 11:03:00")))).resolves.toMatchObject({
          status: 400,
          json: { code: "MISALIGNED_START", message: SEED_MESSAGES.MISALIGNED_START },
        });
        await request(post("1", booking("2021-04-22 11:30")));
        await expect(request(post("1", booking("2021-04-22 15:00")))).resolves.toMatchObject({
          status: 400,
          json: { code: "LIMIT_REACHED", message: SEED_MESSAGES.LIMIT_REACHED },
        });
      }));
  });

  describe(`${name}: requests the seed did not handle`, () => {
    const request = sharedServer();
    let nextUser = 1000;
    const freshUser = () => String(nextUser++);

    it.each([
      ["text that is not JSON", "appointment=2021-04-22 11:30", "INVALID_JSON"],
      ["truncated JSON", '{"appointment": "2021-04-22 11:30"', "INVALID_JSON"],
      ["an empty body", "", "INVALID_JSON"],
      ["bytes that are not UTF-8", new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x7d]), "INVALID_JSON"],
      ["a JSON array", '["2021-04-22 11:30"]', "INVALID_BODY"],
      ["a JSON string", '"2021-04-22 11:30"', "INVALID_BODY"],
      ["JSON null", "null", "INVALID_BODY"],
      ["an object without appointment", "{}", "INVALID_BODY"],
      ["the wrong key (the seed answered 500)", '{"appointments": "2021-04-22 11:30"}', "INVALID_BODY"],
      ["a number as appointment", '{"appointment": 1619091000}', "INVALID_BODY"],
      ["null as appointment", '{"appointment": null}', "INVALID_BODY"],
      ["an object as appointment", '{"appointment": {"date": "2021-04-22"}}', "INVALID_BODY"],
      ["appointment only on the prototype", '{"__proto__": {"appointment": "2021-04-22 11:30"}}', "INVALID_BODY"],
    ] as const)("POST with %s is 400 %s", async (_, body, code) => {
      const user = freshUser();
      const response = await request(post(user, body));
      expect(response.status).toBe(400);
      expect(response.json).toMatchObject({ code, message: expect.stringMatching(/\S/) });
      expect((await request({ method: "GET", path: `/api/appointments/${user}` })).json).toEqual({
        appointments: [],
        next_cursor: null,
      });
    });

    it("lists in pages: limit and after in the query, next_cursor in the body, 400 for invalid ones", async () => {
      const user = freshUser();
      for (const day of ["2021-04-24", "2021-04-22", "2021-04-23"]) {
        expect((await request(post(user, booking(`${day} 09:00`)))).status).toBe(201);
      }
      const list = async (query: string) => request({ method: "GET", path: `/api/appointments/${user}${query}` });
      const first = await list("?limit=2");
      expect(first.status).toBe(200);
      const page = first.json as { appointments: { start_time: string }[]; next_cursor: string | null };
      expect(page.appointments.map((a) => a.start_time)).toEqual(["2021-04-22 09:00", "2021-04-23 09:00"]);
      expect(page.next_cursor).toEqual(expect.any(String));
      const second = await list(`?limit=2&after=${encodeURIComponent(page.next_cursor ?? "")}&other=ignored`);
      expect(second.json).toMatchObject({
        appointments: [{ start_time: "2021-04-24 09:00", end_time: "2021-04-24 09:30" }],
        next_cursor: null,
      });
      for (const query of ["?limit=0", "?limit=1001", "?limit=abc", "?limit=1&limit=2", "?after=nonsense"]) {
        const refused = await list(query);
        expect(refused.status, query).toBe(400);
        expect(refused.json, query).toMatchObject({
          code: "INVALID_ARGUMENT",
          message: expect.stringMatching(/^The (limit|after) query parameter must be/),
        });
      }
    });

    it.each([
      ["no Content-Type", {}],
      ["text/plain", { "Content-Type": "text/plain" }],
      ["a form", { "Content-Type": "application/x-www-form-urlencoded" }],
      ["multipart", { "Content-Type": "multipart/form-data; boundary=x" }],
      ["JSON in Latin-1", { "Content-Type": "application/json; charset=iso-8859-1" }],
      ["a content type that is not one", { "Content-Type": "json" }],
    ])("POST with %s is 415 UNSUPPORTED_MEDIA_TYPE", async (_, headers) => {
      const response = await request(post(freshUser(), booking("2021-04-22 11:30"), headers));
      expect(response.status).toBe(415);
      expect(response.json).toMatchObject({ code: "UNSUPPORTED_MEDIA_TYPE", message: expect.stringMatching(/\S/) });
    });

    it.each([
      "application/json; charset=utf-8",
      "application/json;charset=UTF-8",
      "Application/JSON",
      "application/vnd.api+json",
    ])("POST with Content-Type %s books", async (contentType) => {
      const response = await request(post(freshUser(), booking("2021-04-22 11:30"), { "Content-Type": contentType }));
      expect(response).toMatchObject({ status: 201, json: { start_time: "2021-04-22 11:30" } });
    });

    it("refuses a body over 16 KiB with 413, declared or chunked, and accepts one of exactly 16 KiB", async () => {
      const over = booking("2021-04-22 11:30").padEnd(16 * 1024 + 1, " ");
      for (const chunked of [false, true]) {
        const response = await request({ ...post(freshUser(), over), chunked });
        expect(response.status).toBe(413);
        expect(response.json).toMatchObject({ code: "PAYLOAD_TOO_LARGE", message: expect.stringMatching(/16384/) });
      }
      const exact = booking("2021-04-22 11:30").padEnd(16 * 1024, " ");
      expect((await request(post(freshUser(), exact))).status).toBe(201);
    });

    it.each([
      "abc",
      "-1",
      "%2B1",
      "1.5",
      "1e3",
      "0x1",
      "%201",
      "1%20",
      "%D9%A3", // ARABIC-INDIC DIGIT THREE: a digit, but not an ASCII one
      `1${"0".repeat(255)}`,
    ])("user id %s is 404 INVALID_USER_ID, for GET and POST", async (id) => {
      for (const response of [
        await request({ method: "GET", path: `/api/appointments/${id}` }),
        await request(post(id, booking("2021-04-22 11:30"))),
      ]) {
        expect(response.status).toBe(404);
        expect(response.json).toMatchObject({
          code: "INVALID_USER_ID",
          message: "User id must be a non-negative integer",
        });
      }
    });

    it("a user id that is not valid percent-encoding is 404", async () => {
      const response = await request({ method: "GET", path: "/api/appointments/%E0%A4%A" });
      expect(response.status).toBe(404);
      expect(response.json).toMatchObject({ code: expect.stringMatching(/^(INVALID_USER_ID|ROUTE_NOT_FOUND)$/) });
    });

    it("reads user ids as the seed did: leading zeros ignored, percent-encoding decoded, 255 digits allowed", async () => {
      expect((await request(post("007", booking("2021-04-22 11:30")))).status).toBe(201);
      expect((await request({ method: "GET", path: "/api/appointments/7" })).json).toMatchObject({
        appointments: [{ start_time: "2021-04-22 11:30", end_time: "2021-04-22 12:00" }],
        next_cursor: null,
      });
      expect((await request({ method: "GET", path: "/api/appointments/%37" })).json).toMatchObject({
        appointments: [{ start_time: "2021-04-22 11:30" }],
      });
      expect((await request({ method: "GET", path: "/api/appointments/0" })).status).toBe(200);
      const longest = "9".repeat(255);
      expect((await request({ method: "GET", path: `/api/appointments/${longest}` })).status).toBe(200);
      expect((await request({ method: "GET", path: `/api/appointments/${"0".repeat(300)}${longest}` })).status).toBe(
        200,
      );
    });

    it.each([
      "/",
      "/api",
      "/api/appointments",
      "/api/appointments/",
      "/api/appointments/1/",
      "/api/appointments/1/extra/more",
      "/API/appointments/1",
      "/api/Appointments/1",
      "/favicon.ico",
    ])("path %s is 404 ROUTE_NOT_FOUND, whatever the method", async (path) => {
      for (const method of ["GET", "POST", "PUT"]) {
        const sent = { method, path, headers: JSON_TYPE, body: booking("2021-04-22 11:30") };
        const response = await request(sent);
        if (servedPage(sent, response)) continue;
        expect(response.status).toBe(404);
        expect(response.json).toMatchObject({ code: "ROUTE_NOT_FOUND", message: "Not found" });
      }
    });

    it.each(METHODS.filter((method) => !["GET", "HEAD", "POST", "CONNECT"].includes(method)))(
      "%s on the route is 405 with Allow: GET, HEAD, POST",
      async (method) => {
        const response = await request({ method, path: "/api/appointments/1" });
        expect(response.status).toBe(405);
        expect(response.headers.allow).toBe(ALLOW);
        expect(response.json).toMatchObject({ code: "METHOD_NOT_ALLOWED", message: expect.stringMatching(/\S/) });
      },
    );

    it("answers HEAD like GET without a body", async () => {
      const response = await request({ method: "HEAD", path: "/api/appointments/1" });
      expect(response.status).toBe(200);
      expect(response.headers["content-type"]).toMatch(/^application\/json/);
      expect(response.text).toBe("");
    });

    it("ignores a query string", async () => {
      const user = freshUser();
      expect((await request(post(`${user}?notify=yes`, booking("2021-04-22 11:30")))).status).toBe(201);
      expect((await request({ method: "GET", path: `/api/appointments/${user}?page=2` })).json).toMatchObject({
        appointments: [{ start_time: "2021-04-22 11:30" }],
      });
    });

    it("lists appointments sorted by start, whatever the booking order", async () => {
      const user = freshUser();
      for (const start of ["2021-04-25 09:00", "2021-04-21 17:30", "2021-04-23 00:00"]) {
        expect((await request(post(user, booking(start)))).status).toBe(201);
      }
      const { json } = await request({ method: "GET", path: `/api/appointments/${user}` });
      expect((json as { appointments: { start_time: string }[] }).appointments.map((a) => a.start_time)).toEqual([
        "2021-04-21 17:30",
        "2021-04-23 00:00",
        "2021-04-25 09:00",
      ]);
    });

    it.each([
      ["2021-04-22T11:30", 201, "2021-04-22 11:30"],
      ["2021-04-22 11:30:00.000", 201, "2021-04-22 11:30"],
      ["2021-04-22T11:30:00Z", 201, "2021-04-22 11:30"],
      ["2021-04-22 13:30+02:00", 201, "2021-04-22 11:30"],
      ["04/22/2021 11:30", 400, "INVALID_DATETIME"],
      ["April 22 2021 11:30", 400, "INVALID_DATETIME"],
      ["2021-04-22", 400, "INVALID_DATETIME"],
      ["2021-02-30 11:30", 400, "INVALID_DATETIME"],
      ["", 400, "INVALID_DATETIME"],
      ["2021-04-22 11:30:15", 400, "MISALIGNED_START"],
    ] as const)("appointment %j is %i (%s)", async (start, status, expected) => {
      const response = await request(post(freshUser(), booking(start)));
      expect(response.status).toBe(status);
      expect(response.json).toMatchObject(status === 201 ? { start_time: expected } : { code: expected });
    });

    it("books one of many concurrent requests for the same user and date, and refuses the others", async () => {
      const user = freshUser();
      const starts = Array.from({ length: 12 }, (_, i) => `2021-05-01 ${String(8 + i).padStart(2, "0")}:00`);
      const responses = await Promise.all(starts.map((start) => request(post(user, booking(start)))));
      expect(responses.filter((r) => r.status === 201)).toHaveLength(1);
      expect(responses.filter((r) => r.status === 400).map((r) => (r.json as { code: string }).code)).toEqual(
        Array(11).fill("LIMIT_REACHED"),
      );
    });
  });

  describe(`${name}: retries with an Idempotency-Key`, () => {
    const request = sharedServer();
    let nextUser = 2000;
    const freshUser = () => String(nextUser++);
    const listOf = async (user: string) => (await request({ method: "GET", path: `/api/appointments/${user}` })).json;

    it("answers a retry of the same booking with the same appointment, and books once", async () => {
      const user = freshUser();
      const first = await request(keyed(user, "2021-04-22 11:30", "9b1f3f4e"));
      expect(first).toMatchObject({
        status: 201,
        json: { start_time: "2021-04-22 11:30", end_time: "2021-04-22 12:00" },
      });
      for (const start of ["2021-04-22 11:30", "2021-04-22T11:30:00Z"]) {
        // The same instant, in another form, is the same request.
        const retry = await request(keyed(user, start, "9b1f3f4e"));
        expect(retry.status).toBe(201);
        expect(retry.json).toEqual(first.json);
      }
      expect(await listOf(user)).toEqual({ appointments: [first.json], next_cursor: null });
    });

    it("without the header, a second try is a new booking, refused as the seed refused it", async () => {
      const user = freshUser();
      expect((await request(post(user, booking("2021-04-22 11:30")))).status).toBe(201);
      expect(await request(post(user, booking("2021-04-22 11:30")))).toMatchObject({
        status: 400,
        json: { code: "LIMIT_REACHED", message: SEED_MESSAGES.LIMIT_REACHED },
      });
    });

    it("answers a retry of a refused booking with the same refusal, also after the date frees up", async () => {
      const user = freshUser();
      expect((await request(post(user, booking("2021-04-22 11:30")))).status).toBe(201);
      for (let attempt = 0; attempt < 2; attempt++) {
        expect(await request(keyed(user, "2021-04-22 15:00", "k-refused"))).toMatchObject({
          status: 400,
          json: { code: "LIMIT_REACHED", message: SEED_MESSAGES.LIMIT_REACHED },
        });
      }
      expect(await listOf(user)).toMatchObject({
        appointments: [{ start_time: "2021-04-22 11:30", end_time: "2021-04-22 12:00" }],
        next_cursor: null,
      });
    });

    it("is 422 IDEMPOTENCY_KEY_REUSED for the same key with another appointment, and books nothing", async () => {
      const user = freshUser();
      const first = await request(keyed(user, "2021-04-22 11:30", "k-reused"));
      expect(first.status).toBe(201);
      const reused = await request(keyed(user, "2021-04-23 11:30", "k-reused"));
      expect(reused).toMatchObject({ status: 422, json: { code: "IDEMPOTENCY_KEY_REUSED" } });
      expect((reused.json as { message: string }).message).toMatch(/\S/);
      expect(await listOf(user)).toEqual({ appointments: [first.json], next_cursor: null });
    });

    it("keeps keys apart per user: another user's same key is another booking", async () => {
      const [one, two] = [freshUser(), freshUser()];
      expect((await request(keyed(one, "2021-04-22 11:30", "shared-key"))).status).toBe(201);
      expect((await request(keyed(two, "2021-04-23 09:00", "shared-key"))).status).toBe(201);
      expect(await listOf(two)).toMatchObject({
        appointments: [{ start_time: "2021-04-23 09:00", end_time: "2021-04-23 09:30" }],
        next_cursor: null,
      });
    });

    it("takes an empty header as no key, and refuses a key over 255 characters with 400 INVALID_ARGUMENT", async () => {
      const user = freshUser();
      expect((await request(keyed(user, "2021-04-22 11:30", ""))).status).toBe(201);
      expect((await request(keyed(user, "2021-04-22 11:30", ""))).json).toMatchObject({ code: "LIMIT_REACHED" });
      const long = await request(keyed(freshUser(), "2021-04-22 11:30", "k".repeat(256)));
      expect(long).toMatchObject({ status: 400, json: { code: "INVALID_ARGUMENT" } });
      expect((await request(keyed(user, "2021-04-25 11:30", "k".repeat(255)))).status).toBe(201);
    });

    it("settles concurrent retries with one key: one booking; a retry while the first is in flight is 409 IDEMPOTENCY_KEY_IN_FLIGHT", async () => {
      const user = freshUser();
      const responses = await Promise.all(
        Array.from({ length: 8 }, () => request(keyed(user, "2021-04-22 11:30", "k-concurrent"))),
      );
      const booked = responses.filter((response) => response.status === 201);
      expect(booked.length).toBeGreaterThanOrEqual(1);
      for (const response of responses.filter((response) => response.status !== 201)) {
        expect(response).toMatchObject({ status: 409, json: { code: "IDEMPOTENCY_KEY_IN_FLIGHT" } });
        expect(response.headers["retry-after"]).toBe("1");
      }
      expect(new Set(booked.map((response) => response.text)).size).toBe(1);
      const settled = await request(keyed(user, "2021-04-22 11:30", "k-concurrent"));
      expect(settled).toMatchObject({ status: 201, text: booked[0]?.text });
      expect((await listOf(user)) as { appointments: unknown[] }).toMatchObject({ appointments: [{}] });
    });
  });

  describe(`${name}: an appointment by id, holds, availability`, () => {
    /** Ids with characters a path must encode: every framework must hand the decoded id over. */
    let next = 0;
    const scheduler = () =>
      createScheduler({
        now: () => Temporal.Instant.from("2030-04-01T00:00Z"),
        generateId: () => `apt ${next++}/ä?#%`,
      });

    it("books (201 with Location), reads, moves and cancels by id, and lists cancelled ones with status=all", () =>
      withServer({ scheduler: scheduler() }, async (request) => {
        const booked = await request(post("5", booking("2030-04-22 10:00")));
        expect(booked).toMatchObject({
          status: 201,
          json: { user_id: "5", status: "booked", start: "2030-04-22T10:00:00+00:00" },
        });
        const id = (booked.json as { id: string }).id;
        const location = `/api/appointments/5/${encodeURIComponent(id)}`;
        expect(booked.headers.location).toBe(location);
        expect(await request({ method: "GET", path: location })).toMatchObject({
          status: 200,
          json: booked.json as object,
        });
        const moved = await request({
          method: "PATCH",
          path: location,
          headers: JSON_TYPE,
          body: booking("2030-04-23 10:00"),
        });
        expect(moved).toMatchObject({ status: 200, json: { id, start_time: "2030-04-23 10:00", version: 2 } });
        const cancelled = await request({
          method: "DELETE",
          path: location,
          headers: JSON_TYPE,
          body: '{"reason":"ill"}',
        });
        expect(cancelled).toMatchObject({ status: 200, json: { id, status: "cancelled", cancellation_reason: "ill" } });
        expect(await request({ method: "DELETE", path: location })).toMatchObject({
          status: 409,
          json: { code: "APPOINTMENT_CANCELLED" },
        });
        expect((await request({ method: "GET", path: "/api/appointments/5" })).json).toEqual({
          appointments: [],
          next_cursor: null,
        });
        expect((await request({ method: "GET", path: "/api/appointments/5?status=all" })).json).toEqual({
          appointments: [cancelled.json],
          next_cursor: null,
        });
        expect(await request({ method: "GET", path: "/api/appointments/5/unknown" })).toMatchObject({
          status: 404,
          json: { code: "NOT_FOUND" },
        });
      }));

    it("holds, confirms and releases", () =>
      withServer({ scheduler: scheduler() }, async (request) => {
        const held = await request({ ...post("6", booking("2030-04-22 10:00")), path: "/api/appointments/6/holds" });
        expect(held).toMatchObject({ status: 201, json: { status: "held" } });
        const confirmed = await request({ method: "POST", path: `${held.headers.location}/confirm` });
        expect(confirmed).toMatchObject({
          status: 200,
          json: { status: "booked", id: (held.json as { id: string }).id },
        });
        const other = await request({ ...post("6", booking("2030-04-23 10:00")), path: "/api/appointments/6/holds" });
        expect(await request({ method: "POST", path: `${other.headers.location}/release` })).toMatchObject({
          status: 200,
          json: { status: "released" },
        });
      }));

    it("offers the starts the user could book, and not a date they already have", () =>
      withServer({ scheduler: scheduler() }, async (request) => {
        const free = await request({ method: "GET", path: "/api/availability/7?date=2030-04-22" });
        expect(free).toMatchObject({ status: 200, json: { date: "2030-04-22" } });
        expect((free.json as { slots: unknown[] }).slots).toHaveLength(48);
        await request(post("7", booking("2030-04-22 10:00")));
        expect((await request({ method: "GET", path: "/api/availability/7?date=2030-04-22" })).json).toEqual({
          date: "2030-04-22",
          slots: [],
        });
        expect((await request({ method: "GET", path: "/api/availability/7" })).status).toBe(400);
      }));

    it("answers 405 with each path's methods, and 401 for the staff and service routes of an open API", () =>
      withServer({}, async (request) => {
        for (const [method, path, allow] of [
          ["POST", "/api/appointments/1/x", "GET, HEAD, PATCH, DELETE"],
          ["GET", "/api/appointments/1/x/confirm", "POST"],
          ["DELETE", "/api/availability/1", "GET, HEAD"],
        ] as const) {
          const response = await request({ method, path });
          expect(response.status, `${method} ${path}`).toBe(405);
          expect(response.headers.allow).toBe(allow);
        }
        for (const path of ["/api/changes", "/api/resources/x/appointments"]) {
          const response = await request({ method: "GET", path });
          expect(response).toMatchObject({ status: 401, json: { code: "AUTHENTICATION_REQUIRED" } });
          expect(response.headers["www-authenticate"]).toMatch(/^Bearer /);
        }
      }));
  });

  describe(`${name}: who may do what, with signed bearer tokens`, () => {
    const secret = "a test secret of at least thirty-two characters";
    const http = { authenticate: jwtAuthenticate(secret) };
    const bearer = async (claims: Parameters<typeof signToken>[1]) => ({
      authorization: `Bearer ${await signToken(secret, claims)}`,
    });

    it("401 without a token or with a forged or expired one; 403 on another user's path; the feed for services only", () =>
      withServer({ http }, async (request) => {
        const ann = await bearer({ userId: "1" });
        const booked = await request({ ...post("1", booking("2030-04-22 10:00"), { ...JSON_TYPE, ...ann }) });
        expect(booked.status).toBe(201);
        const forged = await signToken("another secret of at least thirty-two characters", { userId: "1" });
        const expired = await signToken(secret, { userId: "1", expiresIn: "-1m" });
        for (const headers of [{}, { authorization: `Bearer ${forged}` }, { authorization: `Bearer ${expired}` }]) {
          const response = await request({ method: "GET", path: "/api/appointments/1", headers });
          expect(response).toMatchObject({ status: 401, json: { code: "AUTHENTICATION_REQUIRED" } });
        }
        const bob = await bearer({ userId: "2" });
        const location = booked.headers.location as string;
        for (const [method, path] of [
          ["GET", "/api/appointments/1"],
          ["GET", location],
          ["DELETE", location],
          ["GET", "/api/changes"],
        ] as const) {
          expect((await request({ method, path, headers: bob })).status, `${method} ${path}`).toBe(403);
        }
        expect((await request({ method: "GET", path: location, headers: ann })).status).toBe(200);
        const staff = await bearer({ role: "staff" });
        expect((await request({ method: "GET", path: location, headers: staff })).status).toBe(200);
        const service = await bearer({ role: "service" });
        expect(await request({ method: "GET", path: "/api/changes", headers: service })).toMatchObject({
          status: 200,
          json: { changes: [{ type: "booked" }] },
        });
      }));
  });

  describe(`${name}: other policies`, () => {
    it("answers 409 OVERLAPPING_APPOINTMENT for a booking that overlaps another of the user's", async () => {
      const scheduler = createScheduler({ policy: { limit: { max: 2, per: "day" }, durationMinutes: 60 } });
      await withServer({ scheduler }, async (request) => {
        expect((await request(post("1", booking("2021-04-22 11:00")))).status).toBe(201);
        expect(await request(post("1", booking("2021-04-22 11:30")))).toMatchObject({
          status: 409,
          json: { code: "OVERLAPPING_APPOINTMENT", message: expect.stringMatching(/\S/) },
        });
        expect((await request(post("1", booking("2021-04-22 12:00")))).status).toBe(201);
        expect(await request(post("1", booking("2021-04-22 14:00")))).toMatchObject({
          status: 400,
          json: { code: "LIMIT_REACHED", message: "User already has 2 appointments scheduled for this calendar date" },
        });
      });
    });
  });

  describe(`${name}: failures`, () => {
    it("answers a read slower than the deadline with 408 TIMED_OUT, and a booking still in the store with 504 OUTCOME_UNKNOWN", async () => {
      const store = new SlowStore(60_000);
      await withServer({ scheduler: createScheduler({ store }), http: { deadlineMs: 50 } }, async (request) => {
        const read = await request({ method: "GET", path: "/api/appointments/1" });
        expect(read.status).toBe(408);
        expect(read.json).toEqual({ code: "TIMED_OUT", message: expect.stringMatching(/\S/) });
        expect(read.headers.connection).toBe("close");
        // The write had reached the store when the deadline passed: whether it commits, only the store
        // knows, so the answer is not 408 (which says nothing was booked). This store gives up: nothing was.
        const write = await request(keyed("1", "2021-04-22 11:30", "k-slow"));
        expect(write.status).toBe(504);
        expect(write.json).toEqual({ code: "OUTCOME_UNKNOWN", message: expect.stringMatching(/\S/) });
        expect(await store.records("1")).toEqual([]);
      });
    });

    it("answers 504 OUTCOME_UNKNOWN for a booking still being written at the deadline; the same request with the same Idempotency-Key then answers 201 with that booking", async () => {
      const store = new LateCommitStore(150);
      const scheduler = createScheduler({ store });
      await withServer({ scheduler, http: { deadlineMs: 20 } }, async (request) => {
        const late = await request(keyed("1", "2021-04-22 11:30", "k-late"));
        expect(late).toMatchObject({ status: 504, json: { code: "OUTCOME_UNKNOWN" } });
        // The store thaws and commits the booking after the answer was sent.
        await store.settled();
        const retried = await request(keyed("1", "2021-04-22 11:30", "k-late"));
        expect(retried).toMatchObject({
          status: 201,
          json: { start_time: "2021-04-22 11:30", end_time: "2021-04-22 12:00" },
        });
        expect((await request({ method: "GET", path: "/api/appointments/1" })).json).toEqual({
          appointments: [retried.json],
          next_cursor: null,
        });
        // Without the key, a retry would have been refused: the booking had been made.
        expect(await request(post("1", booking("2021-04-22 11:30")))).toMatchObject({
          status: 400,
          json: { code: "LIMIT_REACHED" },
        });
      });
    });

    it("answers 504 OUTCOME_UNKNOWN without a key too, and the booking made late is listed", async () => {
      const store = new LateCommitStore(150);
      await withServer({ scheduler: createScheduler({ store }), http: { deadlineMs: 20 } }, async (request) => {
        expect(await request(post("1", booking("2021-04-22 11:30")))).toMatchObject({
          status: 504,
          json: { code: "OUTCOME_UNKNOWN", message: "The write may or may not have been made; check before retrying" },
        });
        await store.settled();
        expect((await request({ method: "GET", path: "/api/appointments/1" })).json).toMatchObject({
          appointments: [{ start_time: "2021-04-22 11:30", end_time: "2021-04-22 12:00" }],
          next_cursor: null,
        });
      });
    });

    it("answers 408 TIMED_OUT when the body does not arrive before the deadline", async () => {
      await withServer({ http: { deadlineMs: 200 } }, async (request, url) => {
        const response = await sendStalledBody(url, "/api/appointments/1", '{"appointment": ', 100);
        expect(response.status).toBe(408);
        expect(response.json).toMatchObject({ code: "TIMED_OUT" });
        expect((await request({ method: "GET", path: "/api/appointments/1" })).json).toEqual({
          appointments: [],
          next_cursor: null,
        });
      });
    });

    it("answers a read from an unreachable store with 503 STORE_UNAVAILABLE and a write with 504 OUTCOME_UNKNOWN, without its details, and reports them", async () => {
      const reported: unknown[] = [];
      await withServer(
        {
          scheduler: createScheduler({ store: new UnreachableStore() }),
          http: { onServerError: (e) => reported.push(e) },
        },
        async (request) => {
          for (const [response, status, code] of [
            [await request({ method: "GET", path: "/api/appointments/1" }), 503, "STORE_UNAVAILABLE"],
            // A driver's error during a write does not say whether the write committed.
            [await request(post("1", booking("2021-04-22 11:30"))), 504, "OUTCOME_UNKNOWN"],
          ] as const) {
            expect(response.status).toBe(status);
            expect(response.json).toEqual({ code, message: expect.stringMatching(/\S/) });
            expect(response.text).not.toContain("ECONNREFUSED");
            expect(response.text).not.toContain("hunter2");
          }
        },
      );
      expect(reported).toHaveLength(2);
      expect(reported.map((error) => ((error as Error).cause as Error).message)).toEqual([STORE_SECRET, STORE_SECRET]);
    });

    it("answers 500 INTERNAL_ERROR for an unexpected failure, with a generic message and no stack, and reports it", async () => {
      // A time-zone resolver is the integrator's own code: its failures are bugs, passed through unwrapped.
      const bug = new Error("resolver exploded: token=s3cr3t");
      const reported: unknown[] = [];
      const scheduler = createScheduler({
        timeZone: () => {
          throw bug;
        },
      });
      await withServer({ scheduler, http: { onServerError: (e) => reported.push(e) } }, async (request) => {
        for (const response of [
          await request({ method: "GET", path: "/api/appointments/1" }),
          await request(post("1", booking("2021-04-22 11:30"))),
        ]) {
          expect(response.status).toBe(500);
          expect(response.json).toEqual({ code: "INTERNAL_ERROR", message: "Internal server error" });
          expect(response.text).not.toMatch(/s3cr3t|resolver|\bat\b|\.ts:/);
        }
      });
      expect(reported).toEqual([bug, bug]);
    });

    it("answers 503 STORE_UNAVAILABLE when the store returns records outside its contract, and reports it", async () => {
      const reported: unknown[] = [];
      await withServer(
        { scheduler: createScheduler({ store: new GarbageStore() }), http: { onServerError: (e) => reported.push(e) } },
        async (request) => {
          const response = await request({ method: "GET", path: "/api/appointments/1" });
          expect(response.status).toBe(503);
          expect(response.json).toMatchObject({ code: "STORE_UNAVAILABLE" });
        },
      );
      expect(reported).toHaveLength(1);
    });

    it("survives a client that disconnects in the middle of its body, and reports nothing", async () => {
      const reported: unknown[] = [];
      await withServer({ http: { onServerError: (e) => reported.push(e) } }, async (request, url) => {
        await sendAndDisconnect(url, "/api/appointments/1");
        expect((await request(post("1", booking("2021-04-22 11:30")))).status).toBe(201);
      });
      expect(reported).toEqual([]);
    });
  });

  describe(`${name}: run as a program`, () => {
    it.each(["SIGTERM", "SIGINT"] as const)("serves on PORT and exits with code 0 on %s", async (signal) => {
      const program = await runExample(file);
      try {
        expect((await send(program.url, { method: "GET", path: "/api/appointments/42" })).json).toEqual({
          appointments: [],
          next_cursor: null,
        });
      } finally {
        program.child.kill(signal);
      }
      const [code, killedBy] = await program.exited;
      expect({ code, killedBy }).toEqual({ code: 0, killedBy: null });
      expect(program.output()).toMatch(/Stopped/);
    });
  });

  describe(`${name}: arbitrary requests`, () => {
    it("never answers 5xx, gives every error a JSON message, and still books correctly afterwards", () =>
      withServer({}, async (request) => {
        await fc.assert(
          fc.asyncProperty(arbitraryRequest, async (raw) => {
            const response = await request(raw);
            expect(response.status).toBeLessThan(500);
            if (raw.method !== "HEAD" && !servedPage(raw, response)) {
              expect(response.headers["content-type"]).toMatch(/^application\/json/);
              if (response.status >= 400) {
                expect(response.json).toMatchObject({ code: expect.any(String), message: expect.stringMatching(/\S/) });
              }
            }
          }),
          { numRuns: 80 },
        );
        await expectStillCorrect(request);
      }));

    it("books any aligned start it accepts exactly as asked, and rejects the rest with a seed error", () =>
      withServer({}, async (request) => {
        let user = 5_000_000;
        await fc.assert(
          fc.asyncProperty(arbitraryStart, async (start) => {
            const id = String(user++);
            const response = await request(post(id, booking(start)));
            if (response.status === 201) {
              const wallClock = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2})(?::00)?$/.exec(start);
              if (wallClock) expect(response.json).toMatchObject({ start_time: `${wallClock[1]} ${wallClock[2]}` });
              const listed = await request({ method: "GET", path: `/api/appointments/${id}` });
              expect(listed.json).toEqual({ appointments: [response.json], next_cursor: null });
            } else {
              expect(response.status).toBe(400);
              expect((response.json as { code: string }).code).toMatch(
                /^(INVALID_DATETIME|MISALIGNED_START|NONEXISTENT_LOCAL_TIME)$/,
              );
            }
          }),
          { numRuns: 60 },
        );
        await expectStillCorrect(request);
      }));
  });
}

/** A known-good booking, then a refused second one that day, on a user no property touches. */
async function expectStillCorrect(request: (request: RawRequest) => Promise<RawResponse>) {
  const user = "4".repeat(40);
  const path = `/api/appointments/${user}`;
  const first = await request({ method: "POST", path, headers: JSON_TYPE, body: '{"appointment":"2021-04-22 23:30"}' });
  expect(first).toMatchObject({ status: 201, json: { start_time: "2021-04-22 23:30", end_time: "2021-04-23 00:00" } });
  const second = await request({
    method: "POST",
    path,
    headers: JSON_TYPE,
    body: '{"appointment":"2021-04-23 13:00"}',
  });
  expect(second).toMatchObject({ status: 400, json: { message: SEED_MESSAGES.LIMIT_REACHED } });
  expect((await request({ method: "GET", path })).json).toMatchObject({
    appointments: [{ start_time: "2021-04-22 23:30", end_time: "2021-04-23 00:00" }],
    next_cursor: null,
  });
}

const printable = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
  maxLength: 40,
});

const arbitraryStart = fc.oneof(
  fc
    .tuple(
      fc.integer({ min: 1990, max: 2040 }),
      fc.integer({ min: 0, max: 13 }),
      fc.integer({ min: 0, max: 32 }),
      fc.integer({ min: 0, max: 24 }),
      fc.oneof(fc.constantFrom(0, 30), fc.integer({ min: 0, max: 60 })),
      fc.constantFrom(" ", "T"),
      fc.constantFrom("", ":00", ":15", ".5", "Z", "+05:30", "[Europe/London]"),
    )
    .map(
      ([y, mo, d, h, mi, sep, tail]) =>
        `${y}-${String(mo).padStart(2, "0")}-${String(d).padStart(2, "0")}${sep}${String(h).padStart(2, "0")}:${String(mi).padStart(2, "0")}${tail}`,
    ),
  fc.string({ maxLength: 30 }),
);

const arbitraryUserId = fc.oneof(
  fc.nat().map(String),
  fc.string({ maxLength: 12 }).map(encodeURIComponent),
  fc.constantFrom("-1", "1.5", "%E0%A4%A", "%", "..", ".", "007", "%00", "%2F", "1%2F2", "%2e%2e"),
);

const arbitraryPath = fc.oneof(
  { weight: 4, arbitrary: arbitraryUserId.map((id) => `/api/appointments/${id}`) },
  {
    weight: 1,
    arbitrary: fc
      .array(fc.string({ maxLength: 8 }).map(encodeURIComponent), { maxLength: 4 })
      .map((s) => `/${s.join("/")}`),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "/",
      "/api/appointments",
      "/api/appointments/",
      "/api/appointments/1/",
      "/api/appointments/1?x=%ZZ",
    ),
  },
);

const arbitraryContentType = fc.option(
  fc.oneof(
    fc.constantFrom(
      "application/json",
      "application/json; charset=utf-8",
      "application/vnd.api+json",
      "application/json; charset=latin1",
      "text/plain",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
      "*/*",
      "",
    ),
    printable,
  ),
  { nil: undefined },
);

const arbitraryBody = fc.option(
  fc.oneof(
    fc.json(),
    fc.string({ maxLength: 60 }),
    fc.uint8Array({ maxLength: 60 }),
    fc.record({ appointment: fc.oneof(arbitraryStart, fc.jsonValue()) }).map((value) => JSON.stringify(value)),
    fc.jsonValue().map((value) => JSON.stringify(value)),
  ),
  { nil: undefined },
);

const arbitraryRequest: fc.Arbitrary<RawRequest> = fc
  .record({
    method: fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom("GET", "POST") },
      { weight: 2, arbitrary: fc.constantFrom(...METHODS.filter((method) => method !== "CONNECT")) },
    ),
    path: arbitraryPath,
    contentType: arbitraryContentType,
    idempotencyKey: fc.option(fc.oneof(fc.constantFrom("k1", "k2", "", "k".repeat(256)), printable), {
      nil: undefined,
    }),
    body: arbitraryBody,
    chunked: fc.boolean(),
  })
  .map(({ method, path, contentType, idempotencyKey, body, chunked }) => ({
    method,
    path,
    headers: {
      ...(contentType === undefined ? {} : { "Content-Type": contentType }),
      ...(idempotencyKey === undefined ? {} : { "Idempotency-Key": idempotencyKey }),
    },
    ...(body === undefined ? {} : { body, chunked: chunked && body.length > 1 }),
  }));
