/**
 * Keeps the HTTP documentation true: docs/http-api.md's status table and docs/openapi.yaml's codes agree
 * with HTTP_STATUS_BY_CODE, every `$ref` of the OpenAPI document resolves and every schema compiles, and
 * the curl session in docs/http-api.md gives, against the default example (`npm start`), the answers shown.
 */
import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import { createScheduler, ERROR_CODES } from "appointment-scheduler";
import { HTTP_ERROR_CODES, HTTP_STATUS_BY_CODE } from "appointment-scheduler/http";
import { describe, expect, it } from "vitest";
import { startFastifyServer } from "../../examples/fastify.js";
import { readOpenApiDocument } from "./openapi-checker.js";
import { send } from "./support.js";

const doc = readFileSync(new URL("../../docs/http-api.md", import.meta.url), "utf8");
const openApi = readOpenApiDocument();
const ALL_CODES = [...Object.keys(ERROR_CODES), ...Object.keys(HTTP_ERROR_CODES)];
const statusOf = (code: string) => (HTTP_STATUS_BY_CODE as Record<string, number>)[code];
const codesWithStatus = (status: number) => ALL_CODES.filter((code) => statusOf(code) === status).sort();

describe("docs/http-api.md", () => {
  it("lists every code once, with the status of HTTP_STATUS_BY_CODE", () => {
    const rows = [...doc.matchAll(/^\| (\d{3}) +\| `([A-Z_]+)` +\|/gm)].map(([, status, code]) => [
      code,
      Number(status),
    ]);
    expect(rows.map(([code]) => code).sort()).toEqual([...ALL_CODES].sort());
    expect(Object.fromEntries(rows)).toEqual({ ...HTTP_STATUS_BY_CODE });
  });

  it("quotes the seed's three messages", () => {
    expect(doc).toContain("Seed message: `Appointments must be a valid datetime`");
    expect(doc).toContain("Seed message: `Appointments must start on the hour or half hour`");
    expect(doc).toContain("Seed message: `User already has an appointment scheduled for this calendar date`");
  });

  it("lists the deviations from the seed", () => {
    const deviations = doc.split(/^## Deviations from the seed$/m)[1] ?? "";
    for (const deviation of [
      "Stricter date-time parsing",
      "4xx instead of 500",
      "Sorted lists",
      "408 and 503",
      "`code`",
      "`Idempotency-Key`",
      "504 OUTCOME_UNKNOWN",
    ]) {
      expect(deviations).toContain(deviation);
    }
  });

  it("gives, for its curl session against `npm start`'s example, the answers shown", async () => {
    const exchanges = curlSession(doc);
    expect(exchanges.length).toBeGreaterThanOrEqual(8);
    // The session shows a retry with the same Idempotency-Key, and the key reused for another request.
    expect(exchanges.filter(({ command }) => command.includes("Idempotency-Key")).length).toBeGreaterThanOrEqual(3);
    await expectAnswersAsShown(exchanges);
  });

  it("documents the Idempotency-Key header and the statuses of a retry", () => {
    for (const text of ["Idempotency-Key", "422 IDEMPOTENCY_KEY_REUSED", "504 OUTCOME_UNKNOWN"]) {
      expect(doc).toContain(text);
    }
  });
});

describe("README.md", () => {
  it("gives, for its curl session against `npm start`'s example, the answers shown", async () => {
    const exchanges = curlSession(readFileSync(new URL("../../README.md", import.meta.url), "utf8"));
    expect(exchanges.length).toBeGreaterThanOrEqual(3);
    await expectAnswersAsShown(exchanges);
  });
});

describe("docs/openapi.yaml", () => {
  it("is OpenAPI 3.1 and its ErrorCode lists exactly the codes of both catalogues", () => {
    expect(openApi.openapi).toMatch(/^3\.1\./);
    expect(openApi.components.schemas.ErrorCode?.enum).toEqual(ALL_CODES);
  });

  it.each([
    ["BadRequest", 400],
    ["Unauthorized", 401],
    ["Forbidden", 403],
    ["NotFound", 404],
    ["MethodNotAllowed", 405],
    ["RequestTimeout", 408],
    ["Conflict", 409],
    ["ContentTooLarge", 413],
    ["UnsupportedMediaType", 415],
    ["UnprocessableContent", 422],
    ["RequestHeaderFieldsTooLarge", 431],
    ["InternalServerError", 500],
    ["ServiceUnavailable", 503],
    ["GatewayTimeout", 504],
  ])("response %s allows exactly the codes answered with %i", (name, status) => {
    const schema = openApi.components.responses[name]?.content?.["application/json"]?.schema as {
      allOf: { properties?: { code?: { enum?: string[]; const?: string } } }[];
    };
    const code = schema.allOf[1]?.properties?.code;
    expect((code?.enum ?? [code?.const]).slice().sort()).toEqual(codesWithStatus(status));
  });

  it("documents, for each operation, the statuses the API can answer", () => {
    // Every route: credentials (401, 403), a deadline (408), malformed HTTP and headers too large before
    // any route (400, 431), a bug (500), the store (503). Writes add conflicts, keys and unknown outcomes;
    // those with a JSON body add its limit and media type.
    const common = ["400", "401", "403", "408", "431", "500", "503"];
    const write = [...common, "409", "422", "504"];
    const withBody = [...write, "413", "415"];
    const expected: Record<string, string[]> = {
      listAppointments: ["200", ...common, "404"],
      bookAppointment: ["201", ...withBody, "404"],
      holdAppointment: ["201", ...withBody, "404"],
      calendarFeed: ["200", ...common, "404"],
      calendarLink: ["200", ...common, "404"],
      getAppointment: ["200", ...common, "404"],
      cancelAppointment: ["200", ...withBody, "404"],
      rescheduleAppointment: ["200", ...withBody, "404"],
      confirmHold: ["200", ...write, "404"],
      releaseHold: ["200", ...write, "404"],
      availability: ["200", ...common, "404", "409"],
      resourceAppointments: ["200", ...common, "404"],
      changes: ["200", ...common],
    };
    const documented = Object.fromEntries(
      operationsOf(openApi).map(({ operation }) => [
        operation.operationId,
        Object.keys(operation.responses ?? {}).sort(),
      ]),
    );
    expect(documented).toEqual(
      Object.fromEntries(Object.entries(expected).map(([name, statuses]) => [name, [...statuses].sort()])),
    );
  });

  it("documents the Idempotency-Key header of every write, up to 255 characters, and no header on reads", () => {
    const parameter = resolvePointer(openApi, "#/components/parameters/IdempotencyKey") as {
      name: string;
      in: string;
      required: boolean;
      schema: { maxLength: number };
    };
    expect(parameter).toMatchObject({ name: "Idempotency-Key", in: "header", required: false });
    expect(parameter.schema.maxLength).toBe(255);
    for (const { method, operation } of operationsOf(openApi)) {
      const headers = (operation.parameters ?? [])
        .map((p) => ((p as { $ref?: string }).$ref ? resolvePointer(openApi, (p as { $ref: string }).$ref) : p))
        .filter((p) => (p as { in?: string }).in === "header")
        .map((p) => (p as { name: string }).name);
      // A read takes its page in the query, never a key: it writes nothing.
      expect(headers, operation.operationId).toEqual(method === "get" ? [] : ["Idempotency-Key"]);
    }
    const list = openApi.paths["/api/appointments/{userId}"]?.get as { parameters?: { name?: string; in?: string }[] };
    expect((list.parameters ?? []).map((p) => `${p.in} ${p.name}`)).toEqual([
      "query from",
      "query to",
      "query status",
      "query limit",
      "query cursor",
      "query after",
    ]);
  });

  it("resolves every $ref, and every schema compiles as JSON Schema 2020-12", () => {
    const refs: string[] = [];
    const schemas: unknown[] = [];
    const walk = (node: unknown, key?: string) => {
      if (typeof node !== "object" || node === null) return;
      if (key === "schema") schemas.push(node);
      for (const [childKey, child] of Object.entries(node)) {
        if (childKey === "$ref" && typeof child === "string") refs.push(child);
        walk(child, childKey);
      }
    };
    walk(openApi);
    for (const ref of refs) expect(resolvePointer(openApi, ref), ref).toBeDefined();
    const ajv = new Ajv2020({ strict: false });
    ajv.addSchema({ ...openApi, $id: "https://appointment-scheduler.local/openapi.json" });
    for (const name of Object.keys(openApi.components.schemas)) {
      expect(() =>
        ajv.getSchema(`https://appointment-scheduler.local/openapi.json#/components/schemas/${name}`),
      ).not.toThrow();
    }
    expect(schemas.length).toBeGreaterThan(10);
  });
});

/** The request of a `curl` command line as the docs write them: `-s`, `-X`, `-H '…'`, `-d '…'`, a URL. */
function parseCurl(command: string) {
  const words = [...command.matchAll(/'([^']*)'|(\S+)/g)].map(([, quoted, bare]) => quoted ?? bare ?? "");
  let method: string | undefined;
  let body: string | undefined;
  let url = "";
  const headers: Record<string, string> = {};
  for (let i = 1; i < words.length; i++) {
    const word = words[i] ?? "";
    if (word === "-s") continue;
    if (word === "-X") method = words[++i];
    else if (word === "-H") {
      const [name = "", ...value] = (words[++i] ?? "").split(":");
      headers[name.trim()] = value.join(":").trim();
    } else if (word === "-d") body = words[++i];
    else url = word;
  }
  const { pathname, search } = new URL(`http://${url}`);
  return { method: method ?? (body === undefined ? "GET" : "POST"), path: `${pathname}${search}`, headers, body };
}

/** Every operation of the document, with its method. */
function operationsOf(document: typeof openApi) {
  return Object.values(document.paths).flatMap((item) =>
    Object.entries(item)
      .filter(([method]) => ["get", "post", "put", "patch", "delete"].includes(method))
      .map(([method, operation]) => ({
        method,
        operation: operation as { operationId?: string; parameters?: unknown[]; responses?: object },
      })),
  );
}

function resolvePointer(document: unknown, ref: string): unknown {
  let node: unknown = document;
  for (const token of ref.replace(/^#\//, "").split("/")) {
    node = (node as Record<string, unknown> | undefined)?.[token.replace(/~1/g, "/").replace(/~0/g, "~")];
  }
  return node;
}

/** The `$ curl …` lines of a document's first console block, each with the output shown under it. */
function curlSession(markdown: string): { command: string; output: string }[] {
  const session = /```console\n([\s\S]*?)```/.exec(markdown)?.[1] ?? "";
  return [...session.matchAll(/^\$ (curl .*)\n((?:(?!\$ ).*\n)*)/gm)].map(([, command = "", output = ""]) => ({
    command,
    output: output.trim(),
  }));
}

/** An appointment id as the default scheduler makes them. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const UUIDS = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/**
 * Runs the exchanges in order against a fresh default example server (`npm start`'s) and compares every
 * answer. Ids are new in every run: each id the document shows stands for the id the server answered in
 * the same place, the same one wherever the document repeats it (in a later command's URL too), and no two
 * ids of the document stand for one of the server's.
 */
async function expectAnswersAsShown(exchanges: { command: string; output: string }[]): Promise<void> {
  const server = await startFastifyServer({ scheduler: createScheduler() });
  const served = new Map<string, string>(); // the document's id → the server's
  const shown = new Map<string, string>(); // the server's id → the document's
  const match = (actual: unknown, expected: unknown): unknown => {
    if (typeof expected === "string" && UUID.test(expected) && typeof actual === "string" && UUID.test(actual)) {
      if (!served.has(expected) && !shown.has(actual)) {
        served.set(expected, actual);
        shown.set(actual, expected);
      }
      return shown.get(actual) ?? actual;
    }
    if (Array.isArray(actual)) return actual.map((item, index) => match(item, (expected as unknown[])?.[index]));
    if (typeof actual === "object" && actual !== null) {
      return Object.fromEntries(
        Object.entries(actual).map(([key, value]) => [key, match(value, (expected as Record<string, unknown>)?.[key])]),
      );
    }
    return actual;
  };
  try {
    for (const { command, output } of exchanges) {
      const { method, path, headers, body } = parseCurl(command.replace(UUIDS, (id) => served.get(id) ?? id));
      const response = await send(server.url, { method, path, headers, ...(body === undefined ? {} : { body }) });
      const expected = JSON.parse(output) as unknown;
      expect(match(response.json, expected), command).toEqual(expected);
    }
  } finally {
    await server.close();
  }
}
