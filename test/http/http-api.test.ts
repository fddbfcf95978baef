/**
 * The framework-agnostic helper on its own, without a server: the status table, the error mapping, the
 * path parameter, the content type, the body forms frameworks hand over, and option validation.
 */
import {
  createScheduler,
  ERROR_CODES,
  type ErrorCode,
  InvalidArgumentError,
  type Scheduler,
  SchedulerError,
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
    expect(Object.fromEntries(serverSide)).toEqual({ STORE_UNAVAILABLE: 503, ABORTED: 503, INTERNAL_ERROR: 500 });
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
    expect(response).toEqual({
      status: 201,
      headers: {},
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
      expect(await api.book("7", { headers: jsonHeaders, body: '{"appointment":"2021-11-07 01:30"}' })).toEqual({
        status: 201,
        headers: {},
        body: { start_time: "2021-11-07 01:30", end_time: "2021-11-07 01:00" },
      });
      expect((await api.list("7")).body).toEqual({
        appointments: [{ start_time: "2021-11-07 01:30", end_time: "2021-11-07 01:00" }],
      });
    }
    expect(calls).toEqual(["book", "list"]);
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
