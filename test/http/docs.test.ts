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
import { startExpressServer } from "../../examples/express.js";
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
    ["NotFound", 404],
    ["MethodNotAllowed", 405],
    ["RequestTimeout", 408],
    ["Conflict", 409],
    ["ContentTooLarge", 413],
    ["UnsupportedMediaType", 415],
    ["UnprocessableContent", 422],
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
    const operations = openApi.paths["/api/appointments/{userId}"] as Record<string, { responses: object }>;
    expect(Object.keys(operations.get?.responses ?? {})).toEqual(["200", "400", "404", "408", "500", "503"]);
    expect(Object.keys(operations.post?.responses ?? {})).toEqual([
      "201",
      "400",
      "404",
      "408",
      "409",
      "413",
      "415",
      "422",
      "500",
      "503",
      "504",
    ]);
  });

  it("documents the Idempotency-Key header of a booking, up to 255 characters", () => {
    const operations = openApi.paths["/api/appointments/{userId}"] as Record<string, { parameters?: unknown[] }>;
    const refs = (operations.post?.parameters ?? []) as { $ref?: string }[];
    expect(refs.map((parameter) => parameter.$ref)).toEqual(["#/components/parameters/IdempotencyKey"]);
    const parameter = resolvePointer(openApi, "#/components/parameters/IdempotencyKey") as {
      name: string;
      in: string;
      required: boolean;
      schema: { maxLength: number };
    };
    expect(parameter).toMatchObject({ name: "Idempotency-Key", in: "header", required: false });
    expect(parameter.schema.maxLength).toBe(255);
    // A list takes its page in the query, never a key: it writes nothing.
    const listParameters = (operations.get?.parameters ?? []) as { name?: string; in?: string }[];
    expect(listParameters.map((p) => `${p.in} ${p.name}`)).toEqual(["query limit", "query after"]);
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
  return {
    method: method ?? (body === undefined ? "GET" : "POST"),
    path: new URL(`http://${url}`).pathname,
    headers,
    body,
  };
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

/** Runs the exchanges in order against a fresh default example server and compares every answer. */
async function expectAnswersAsShown(exchanges: { command: string; output: string }[]): Promise<void> {
  const server = await startExpressServer({ scheduler: createScheduler() });
  try {
    for (const { command, output } of exchanges) {
      const { method, path, headers, body } = parseCurl(command);
      const response = await send(server.url, { method, path, headers, ...(body === undefined ? {} : { body }) });
      expect(response.json, command).toEqual(JSON.parse(output));
    }
  } finally {
    await server.close();
  }
}
