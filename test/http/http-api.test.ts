/**
 * The framework-agnostic helper on its own, without a server: the status table, the error mapping, the
 * path parameter, the content type, the body forms frameworks hand over, the `Idempotency-Key` header, a
 * booking still being written at the deadline, and option validation.
 */
import {
  type AppointmentStore,
  createScheduler,
  ERROR_CODES,
  type ErrorCode,
  InvalidArgumentError,
  MemoryStore,
  type Scheduler,
  SchedulerError,
  type WriteRequest,
  type WriteResult,
} from "appointment-scheduler";
import {
  createAppointmentsHttpApi,
  errorResponse,
  HTTP_ERROR_CODES,
  HTTP_STATUS_BY_CODE,
  type HttpResponse,
  matchAppointmentsPath,
  parseUserIdParam,
} from "appointment-scheduler/http";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const ALL_CODES = [...Object.keys(ERROR_CODES), ...Object.keys(HTTP_ERROR_CODES)];
const quiet = { onServerError: () => {} };
const jsonHeaders = { "content-type": "application/json" };

describe("HTTP_STATUS_BY_CODE", () => {
  it("has a status for every code of ERROR_CODES and HTTP_ERROR_CODES, and no other code", () => {
    const missing = ALL_CODES.filter((code) => !Object.hasOwn(HTTP_STATUS_BY_CODE, code));
    expect(missing, `codes without an HTTP status: ${missing.join(", ")}`).toEqual([]);
    expect(Object.keys(HTTP_STATUS_BY_CODE).sort()).toEqual([...ALL_CODES].sort());
  });

  it("keeps the two catalogues apart", () => {
    expect(Object.keys(ERROR_CODES).filter((code) => code in HTTP_ERROR_CODES)).toEqual([]);
  });

  it("answers only error statuses, and 5xx only for failures that are not the caller's", () => {
    for (const status of Object.values(HTTP_STATUS_BY_CODE)) expect(status).toBeGreaterThanOrEqual(400);
    const serverSide = Object.entries(HTTP_STATUS_BY_CODE).filter(([, status]) => status >= 500);
    // OUTCOME_UNKNOWN is 5xx too: the server cannot tell whether the booking was made (a gateway timeout).
    expect(Object.fromEntries(serverSide)).toEqual({
      STORE_UNAVAILABLE: 503,
      OUTCOME_UNKNOWN: 504,
      ABORTED: 503,
      INTERNAL_ERROR: 500,
    });
  });

  it("answers a conflict with the user's appointments 409, a reused key 422, and an unknown outcome 504", () => {
    expect(HTTP_STATUS_BY_CODE).toMatchObject({
      OVERLAPPING_APPOINTMENT: 409,
      APPOINTMENT_CANCELLED: 409,
      IDEMPOTENCY_KEY_REUSED: 422,
      OUTCOME_UNKNOWN: 504,
    });
  });

  it("keeps the seed's statuses: its three errors 400, a deadline 408", () => {
    expect(HTTP_STATUS_BY_CODE).toMatchObject({
      INVALID_DATETIME: 400,
      MISALIGNED_START: 400,
      LIMIT_REACHED: 400,
      INVALID_USER_ID: 404,
      TIMED_OUT: 408,
    });
  });
});

describe("errorResponse", () => {
  it.each(Object.keys(ERROR_CODES) as ErrorCode[])("%s: its status, its code and its own message", (code) => {
    const response = errorResponse(new SchedulerError(code, `a ${code} message`));
    expect(response.status).toBe(HTTP_STATUS_BY_CODE[code]);
    expect(response.body).toEqual({ code, message: `a ${code} message` });
  });

  it("closes the connection after a 408, whose body may not have been read", () => {
    expect(errorResponse(new SchedulerError("TIMED_OUT", "late")).headers).toEqual({ Connection: "close" });
  });

  it("keeps the connection after a 504: the body was read, only the store's answer is missing", () => {
    expect(errorResponse(new SchedulerError("OUTCOME_UNKNOWN", "maybe")).headers).toEqual({});
  });

  it.each([
    ["an Error", new Error("db password=hunter2")],
    ["a TypeError", new TypeError("Cannot read properties of undefined")],
    ["a string", "boom"],
    ["undefined", undefined],
    ["null", null],
    ["an error with a 5xx status", Object.assign(new Error("upstream"), { status: 502 })],
    ["a revoked Proxy", Proxy.revocable({}, {}).proxy],
    ["a branded error with a code this copy does not know", brandedError("SOME_FUTURE_CODE")],
    [
      "an error whose getters throw",
      Object.defineProperty(new Error("x"), "status", {
        get() {
          throw new Error("getter");
        },
      }),
    ],
  ])("%s is 500 INTERNAL_ERROR with a generic message", (_, error) => {
    expect(errorResponse(error)).toEqual({
      status: 500,
      headers: {},
      body: { code: "INTERNAL_ERROR", message: "Internal server error" },
    });
  });

  it("answers an error of another copy of the library by its code", () => {
    expect(errorResponse(brandedError("LIMIT_REACHED")).status).toBe(400);
  });

  it("answers a URIError (a path segment frameworks could not decode) with 404", () => {
    expect(errorResponse(new URIError("URI malformed")).body).toEqual({
      code: "ROUTE_NOT_FOUND",
      message: "Not found",
    });
  });

  it.each([
    [{ status: 413 }, 413, "PAYLOAD_TOO_LARGE"],
    [{ statusCode: 415 }, 415, "UNSUPPORTED_MEDIA_TYPE"],
    [{ statusCode: 404 }, 404, "ROUTE_NOT_FOUND"],
    [{ status: 400 }, 400, "BAD_REQUEST"],
    [{ status: 431 }, 400, "BAD_REQUEST"],
  ])("answers a framework's client error %j with our code, not its message", (fields, status, code) => {
    const response = errorResponse(Object.assign(new Error("FST_ERR_INTERNAL detail"), fields));
    expect(response.status).toBe(status);
    expect(response.body.code).toBe(code);
    expect(response.body.message).not.toContain("FST_ERR");
  });
});

describe("parseUserIdParam and matchAppointmentsPath", () => {
  it("reads any non-negative integer, leading zeros ignored", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 60n }), fc.nat(5), (n, zeros) => {
        expect(parseUserIdParam("0".repeat(zeros) + n.toString())).toBe(n.toString());
      }),
    );
  });

  it("refuses everything that is not ASCII digits", () => {
    fc.assert(
      fc.property(
        fc.string().filter((s) => !/^[0-9]+$/.test(s)),
        (value) => {
          expect(() => parseUserIdParam(value)).toThrow(expect.objectContaining({ code: expect.any(String) }));
          expect(errorResponse(catchError(() => parseUserIdParam(value))).status).toBe(404);
        },
      ),
    );
    for (const value of [undefined, 42, ["1"], "9".repeat(256)]) {
      expect(errorResponse(catchError(() => parseUserIdParam(value))).body.code).toBe("INVALID_USER_ID");
    }
  });

  it.each([
    ["/api/appointments/42", "42"],
    ["/api/appointments/42?x=1#y", "42"],
    ["/api/appointments/%34%32", "42"],
    ["/api/appointments/a%2Fb", "a/b"],
    ["/api/appointments/", null],
    ["/api/appointments/42/", null],
    ["/api/appointments/%E0%A4%A", null],
    ["/api/appointments/..", null],
    ["/api/appointments/%2e", null],
    ["/API/appointments/42", null],
  ])("matchAppointmentsPath(%j) is %j", (path, expected) => {
    expect(matchAppointmentsPath(path)).toBe(expected);
  });
});

describe("createAppointmentsHttpApi", () => {
  const api = () => createAppointmentsHttpApi(createScheduler(), quiet);

  it.each([
    [{ "content-type": "application/json" }, 201],
    [{ "content-type": "application/json; charset=utf-8" }, 201],
    [{ "content-type": 'application/json; charset="UTF-8"' }, 201],
    [{ "content-type": "application/problem+json" }, 201],
    [{ "content-type": ["application/json"] }, 201],
    [new Headers({ "Content-Type": "application/json" }), 201],
    [{ "content-type": "application/json; charset=utf-16" }, 415],
    [{ "content-type": "application/jsonp" }, 415],
    [{ "content-type": "text/json" }, 415],
    [{}, 415],
    [undefined, 415],
  ])("with headers %j answers %i", async (headers, status) => {
    const response = await api().book("1", { headers, body: '{"appointment":"2021-04-22 11:30"}' });
    expect(response.status).toBe(status);
  });

  it.each([
    ["a string", '{"appointment":"2021-04-22 11:30"}'],
    ["bytes", new TextEncoder().encode('{"appointment":"2021-04-22 11:30"}')],
    [
      "an async iterable of strings and bytes",
      chunks(['{"appoint', new TextEncoder().encode('ment":"2021-04-22 11:30"}')]),
    ],
    ["a Fetch ReadableStream", new Response('{"appointment":"2021-04-22 11:30"}').body],
  ])("reads a body given as %s", async (_, body) => {
    const response = await api().book("1", { headers: jsonHeaders, body });
    expect(response).toMatchObject({
      status: 201,
      headers: { Location: expect.stringMatching(/^\/api\/appointments\/\d+\/./) },
      body: { start_time: "2021-04-22 11:30", end_time: "2021-04-22 12:00" },
    });
  });

  it("calls a scheduler's replaced book and list (a wrapper that logs), and answers the same", async () => {
    const scheduler = createScheduler({ timeZone: "America/New_York" });
    const calls: string[] = [];
    const logged = Object.assign(Object.create(scheduler) as Scheduler, {
      book: (...args: Parameters<Scheduler["book"]>) => {
        calls.push("book");
        return scheduler.book(...args);
      },
      list: (...args: Parameters<Scheduler["list"]>) => {
        calls.push("list");
        return scheduler.list(...args);
      },
    });
    const viaWrapper = createAppointmentsHttpApi(logged, quiet);
    const direct = createAppointmentsHttpApi(createScheduler({ timeZone: "America/New_York" }), quiet);
    for (const api of [viaWrapper, direct]) {
      expect(await api.book("7", { headers: jsonHeaders, body: '{"appointment":"2021-11-07 01:30"}' })).toMatchObject({
        status: 201,
        headers: { Location: expect.stringMatching(/^\/api\/appointments\/\d+\/./) },
        body: { start_time: "2021-11-07 01:30", end_time: "2021-11-07 01:00" },
      });
      expect((await api.list("7")).body).toMatchObject({
        appointments: [{ start_time: "2021-11-07 01:30", end_time: "2021-11-07 01:00" }],
        next_cursor: null,
      });
    }
    expect(calls).toEqual(["book", "list"]);
  });

  describe("the Idempotency-Key header", () => {
    const keyed = (key: string, start = "2021-04-22 11:30") => ({
      headers: { ...jsonHeaders, "idempotency-key": key },
      body: JSON.stringify({ appointment: start }),
    });

    it("answers a retry of the same booking with the first answer, and books once", async () => {
      const scheduler = createScheduler();
      const http = createAppointmentsHttpApi(scheduler, quiet);
      const first = await http.book("1", keyed("9b1f"));
      expect(first).toMatchObject({
        status: 201,
        headers: { Location: expect.stringMatching(/^\/api\/appointments\/\d+\/./) },
        body: { start_time: "2021-04-22 11:30", end_time: "2021-04-22 12:00" },
      });
      expect(await http.book("1", keyed("9b1f"))).toEqual(first);
      expect((await scheduler.list(1)).appointments).toHaveLength(1);
    });

    it("is 422 IDEMPOTENCY_KEY_REUSED with another booking, and books nothing", async () => {
      const scheduler = createScheduler();
      const http = createAppointmentsHttpApi(scheduler, quiet);
      await http.book("1", keyed("9b1f"));
      expect(await http.book("1", keyed("9b1f", "2021-04-23 11:30"))).toMatchObject({
        status: 422,
        body: { code: "IDEMPOTENCY_KEY_REUSED" },
      });
      expect((await scheduler.list(1)).appointments).toHaveLength(1);
    });

    it("reads the header from a Fetch Headers object and from a header array", async () => {
      const http = createAppointmentsHttpApi(createScheduler(), quiet);
      const body = JSON.stringify({ appointment: "2021-04-22 11:30" });
      const headers = new Headers({ "Content-Type": "application/json", "Idempotency-Key": "from-headers" });
      expect((await http.book("1", { headers, body })).status).toBe(201);
      expect((await http.book("1", { headers, body })).status).toBe(201);
      const asArray = { ...jsonHeaders, "idempotency-key": ["from-array"] };
      expect((await http.book("2", { headers: asArray, body })).status).toBe(201);
      expect((await http.book("2", { headers: asArray, body })).status).toBe(201);
    });

    it("takes an empty header as no key, and refuses one over 255 characters with 400 INVALID_ARGUMENT", async () => {
      const http = createAppointmentsHttpApi(createScheduler(), quiet);
      expect((await http.book("1", keyed(""))).status).toBe(201);
      expect(await http.book("1", keyed(""))).toMatchObject({ status: 400, body: { code: "LIMIT_REACHED" } });
      expect(await http.book("2", keyed("k".repeat(256)))).toMatchObject({
        status: 400,
        body: { code: "INVALID_ARGUMENT" },
      });
    });

    it("passes the key to a replaced book (a wrapper that logs), with the deadline's signal", async () => {
      const scheduler = createScheduler();
      const seen: unknown[] = [];
      const logged = Object.assign(Object.create(scheduler) as Scheduler, {
        book: (...args: Parameters<Scheduler["book"]>) => {
          seen.push(args[2]);
          return scheduler.book(...args);
        },
      });
      const http = createAppointmentsHttpApi(logged, quiet);
      expect((await http.book("1", keyed("9b1f"))).status).toBe(201);
      expect((await http.book("1", keyed("9b1f"))).status).toBe(201);
      expect(seen).toEqual([
        { signal: expect.any(AbortSignal), idempotencyKey: "9b1f" },
        { signal: expect.any(AbortSignal), idempotencyKey: "9b1f" },
      ]);
      expect((await scheduler.list(1)).appointments).toHaveLength(1);
    });
  });

  describe("a booking still being written at the deadline", () => {
    /** A MemoryStore whose next write waits until released, then commits: a database that froze, then thawed. */
    const frozenStore = () => {
      const memory = new MemoryStore();
      let release!: () => void;
      const thawed = new Promise<void>((resolve) => {
        release = resolve;
      });
      let frozen = true;
      const committed: Promise<WriteResult>[] = [];
      const store: AppointmentStore = {
        write: (request: WriteRequest) => {
          if (!frozen) return memory.write(request);
          frozen = false;
          const write = thawed.then(() => memory.write(request));
          committed.push(write);
          return write;
        },
        listAppointments: (userId, query) => memory.listAppointments(userId, query),
        listResourceAppointments: (resourceId, query) => memory.listResourceAppointments(resourceId, query),
        getAppointment: (userId, id) => memory.getAppointment(userId, id),
        readChanges: (query) => memory.readChanges(query),
        purgeExpired: (nowMs) => memory.purgeExpired(nowMs),
      };
      const thaw = () => {
        release();
        return Promise.all(committed);
      };
      return { store, thaw };
    };

    it("answers 504 OUTCOME_UNKNOWN at the deadline, and the retry with the same Idempotency-Key answers 201 with the booking", async () => {
      const { store, thaw } = frozenStore();
      const reported: unknown[] = [];
      const http = createAppointmentsHttpApi(createScheduler({ store }), {
        deadlineMs: 30,
        onServerError: (error) => reported.push(error),
      });
      const request = {
        headers: { ...jsonHeaders, "idempotency-key": "k-frozen" },
        body: JSON.stringify({ appointment: "2021-04-22 11:30" }),
      };
      const startedAt = performance.now();
      const late = await http.book("1", request);
      // Answered at the deadline, while the store still holds the write: not after it.
      expect(performance.now() - startedAt).toBeLessThan(1000);
      expect(late).toMatchObject({ status: 504, headers: {}, body: { code: "OUTCOME_UNKNOWN" } });
      expect(reported).toHaveLength(1);
      expect(reported[0]).toMatchObject({ code: "OUTCOME_UNKNOWN", idempotencyKey: "k-frozen" });
      await thaw();
      expect(await http.book("1", request)).toMatchObject({
        status: 201,
        headers: { Location: expect.stringMatching(/^\/api\/appointments\/\d+\/./) },
        body: { start_time: "2021-04-22 11:30", end_time: "2021-04-22 12:00" },
      });
      expect((await http.list("1")).body).toMatchObject({
        appointments: [{ start_time: "2021-04-22 11:30", end_time: "2021-04-22 12:00" }],
        next_cursor: null,
      });
    });
  });

  it("refuses a declared Content-Length over the limit without reading the body", async () => {
    const neverRead: AsyncIterable<Uint8Array> = {
      [Symbol.asyncIterator]: () => {
        throw new Error("the body was read");
      },
    };
    const small = createAppointmentsHttpApi(createScheduler(), { ...quiet, bodyLimitBytes: 10 });
    const response = await small.book("1", { headers: { ...jsonHeaders, "content-length": "11" }, body: neverRead });
    expect(response).toMatchObject({
      status: 413,
      headers: { Connection: "close" },
      body: { code: "PAYLOAD_TOO_LARGE" },
    });
  });

  it("counts bytes, not characters, against the limit", async () => {
    const small = createAppointmentsHttpApi(createScheduler(), { ...quiet, bodyLimitBytes: 46 });
    const body = JSON.stringify({ appointment: "2021-04-22 11:30", x: "éééé" }); // 45 characters, 49 bytes
    expect(body.length).toBeLessThanOrEqual(46);
    expect((await small.book("1", { headers: jsonHeaders, body })).status).toBe(413);
  });

  it("answers 400 BAD_REQUEST when the body stream fails (a client that went away), and reports nothing", async () => {
    const reported: unknown[] = [];
    const broken = (async function* () {
      yield "{";
      throw new Error("aborted");
    })();
    const response = await createAppointmentsHttpApi(createScheduler(), {
      onServerError: (error) => reported.push(error),
    }).book("1", { headers: jsonHeaders, body: broken });
    expect(response.body).toMatchObject({ code: "BAD_REQUEST" });
    expect(reported).toEqual([]);
  });

  it("never rejects: a scheduler that throws synchronously, and a reporter that throws, still give a 500", async () => {
    const scheduler = {
      list: () => {
        throw new TypeError("not a promise");
      },
      book: () => Promise.resolve(null),
    } as unknown as Scheduler;
    const api = createAppointmentsHttpApi(scheduler, {
      onServerError: () => {
        throw new Error("the logger is down");
      },
    });
    await expect(api.list("1")).resolves.toMatchObject({ status: 500, body: { code: "INTERNAL_ERROR" } });
  });

  it("answers 404 for any other path, and 405 with Allow for the route", () => {
    expect(api().unmatched("/nope")).toMatchObject({ status: 404, body: { code: "ROUTE_NOT_FOUND" } });
    expect(api().unmatched("/api/appointments/1?x")).toEqual({
      status: 405,
      headers: { Allow: "GET, HEAD, POST" },
      body: { code: "METHOD_NOT_ALLOWED", message: "Method not allowed" },
    } satisfies HttpResponse);
  });

  it.each([
    ["no scheduler", undefined, undefined, "scheduler"],
    ["a scheduler without book", { list: () => {} }, undefined, "scheduler"],
    ["deadlineMs 0", createScheduler(), { deadlineMs: 0 }, "options.deadlineMs"],
    ["deadlineMs 1.5", createScheduler(), { deadlineMs: 1.5 }, "options.deadlineMs"],
    ["deadlineMs as a string", createScheduler(), { deadlineMs: "5000" }, "options.deadlineMs"],
    ["deadlineMs past a timer's range", createScheduler(), { deadlineMs: 2 ** 31 }, "options.deadlineMs"],
    ["bodyLimitBytes -1", createScheduler(), { bodyLimitBytes: -1 }, "options.bodyLimitBytes"],
    ["onServerError not a function", createScheduler(), { onServerError: "log" }, "options.onServerError"],
  ])("throws InvalidArgumentError for %s", (_, scheduler, options, argument) => {
    const create = () => createAppointmentsHttpApi(scheduler as Scheduler, options as never);
    expect(create).toThrow(InvalidArgumentError);
    expect(catchError(create)).toMatchObject({ argument });
  });
});

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

/** An error as another loaded copy of the library makes it: not our class, but carrying the brand. */
function brandedError(code: string) {
  const error = Object.assign(new Error(`a ${code} message`), { code });
  Object.defineProperty(error, Symbol.for("appointment-scheduler.error"), { value: true });
  return error;
}

async function* chunks(parts: (string | Uint8Array)[]) {
  for (const part of parts) yield part;
}
