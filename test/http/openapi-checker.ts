/**
 * Checks real responses against docs/openapi.yaml: the status must be documented for the operation, the
 * body must validate against the documented schema (JSON Schema 2020-12, as OpenAPI 3.1 specifies), and
 * documented headers must carry their documented values. Requests no operation takes are checked against
 * the document's `NotFound` and `MethodNotAllowed` responses.
 */
import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import { parse } from "yaml";
import type { RawRequest, RawResponse } from "./support.js";

/** The parts of an OpenAPI document this checker reads. */
export interface OpenApiDocument {
  readonly openapi: string;
  readonly paths: Record<string, Record<string, unknown>>;
  readonly components: {
    readonly schemas: Record<string, { enum?: string[] } & Record<string, unknown>>;
    readonly responses: Record<string, OpenApiResponse>;
  };
}

interface OpenApiResponse {
  readonly $ref?: string;
  readonly headers?: Record<string, { $ref?: string; schema?: unknown }>;
  readonly content?: Record<string, { schema?: unknown }>;
}

const DOCUMENT_ID = "https://appointment-scheduler.local/openapi.json";
const ROUTE = "/api/appointments/{userId}";
const ROUTE_PATTERN = /^\/api\/appointments\/([^/]+)$/;

/**
 * True for the appointments route's paths. A segment that is not valid percent-encoding names nothing, nor
 * does a dot segment (URL parsers remove it): those paths are not the route's.
 */
function isRoutePath(path: string): boolean {
  const segment = ROUTE_PATTERN.exec(path)?.[1];
  if (segment === undefined) return false;
  try {
    return ![".", ".."].includes(decodeURIComponent(segment));
  } catch {
    return false;
  }
}

/** Reads and parses docs/openapi.yaml. */
export function readOpenApiDocument(): OpenApiDocument {
  return parse(readFileSync(new URL("../../docs/openapi.yaml", import.meta.url), "utf8")) as OpenApiDocument;
}

/** A checker for one loaded document; `check` throws an error that says what did not match. */
export function createOpenApiChecker(document: OpenApiDocument = readOpenApiDocument()) {
  // OpenAPI's own keywords (`example`, …) are not JSON Schema's: not strict.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addSchema({ ...document, $id: DOCUMENT_ID });
  const validators = new Map<string, ReturnType<typeof ajv.compile>>();
  const validatorAt = (pointer: string) => {
    let validate = validators.get(pointer);
    if (!validate) {
      validate = ajv.compile({ $ref: `${DOCUMENT_ID}${pointer}` });
      validators.set(pointer, validate);
    }
    return validate;
  };

  /** The documented response for this request and status, with the JSON pointer to it. */
  const documentedResponse = (request: RawRequest, status: number): { pointer: string; response: OpenApiResponse } => {
    const path = request.path.split(/[?#]/)[0] ?? "";
    const method = request.method === "HEAD" ? "get" : request.method.toLowerCase();
    const operation = isRoutePath(path)
      ? (document.paths[ROUTE]?.[method] as { responses?: Record<string, OpenApiResponse> } | undefined)
      : undefined;
    let pointer: string;
    if (operation) {
      if (!operation.responses?.[String(status)]) {
        throw new Error(`${request.method} ${ROUTE}: status ${status} is not documented`);
      }
      pointer = toPointer(["paths", ROUTE, method, "responses", String(status)]);
    } else {
      // No operation takes the request: the route with another method is 405, any other path 404.
      const name = isRoutePath(path) ? "MethodNotAllowed" : "NotFound";
      const expected = name === "MethodNotAllowed" ? 405 : 404;
      if (status !== expected)
        throw new Error(`${request.method} ${request.path}: expected ${expected}, got ${status}`);
      pointer = toPointer(["components", "responses", name]);
    }
    let response = resolve(document, pointer) as OpenApiResponse;
    if (response.$ref) {
      pointer = response.$ref.slice(1);
      response = resolve(document, pointer) as OpenApiResponse;
    }
    return { pointer, response };
  };

  return {
    check(request: RawRequest, received: RawResponse): void {
      const { pointer, response } = documentedResponse(request, received.status);
      const where = `${request.method} ${request.path} → ${received.status}`;
      for (const [name, header] of Object.entries(response.headers ?? {})) {
        const headerPointer = header.$ref ? header.$ref.slice(1) : `${pointer}/headers/${escapeToken(name)}`;
        const value = received.headers[name.toLowerCase()];
        const validate = validatorAt(`#${headerPointer}/schema`);
        if (!validate(value)) {
          throw new Error(`${where}: header ${name}: ${JSON.stringify(value)} ${ajv.errorsText(validate.errors)}`);
        }
      }
      if (request.method === "HEAD") {
        if (received.text !== "") throw new Error(`${where}: a HEAD response has a body`);
        return;
      }
      const contentType = String(received.headers["content-type"] ?? "");
      if (!/^application\/json(;|$)/.test(contentType) || !response.content?.["application/json"]) {
        throw new Error(`${where}: Content-Type ${contentType} is not the documented application/json`);
      }
      const validate = validatorAt(`#${pointer}/content/application~1json/schema`);
      if (!validate(received.json)) {
        throw new Error(`${where}: ${received.text} does not match the document: ${ajv.errorsText(validate.errors)}`);
      }
    },
  };
}

function escapeToken(token: string): string {
  return encodeURIComponent(token.replace(/~/g, "~0").replace(/\//g, "~1"));
}

function toPointer(tokens: readonly string[]): string {
  return tokens.map((token) => `/${escapeToken(token)}`).join("");
}

function resolve(document: unknown, pointer: string): unknown {
  let node: unknown = document;
  for (const token of pointer.split("/").slice(1)) {
    const key = decodeURIComponent(token).replace(/~1/g, "/").replace(/~0/g, "~");
    node = (node as Record<string, unknown> | undefined)?.[key];
    if (node === undefined) throw new Error(`docs/openapi.yaml has nothing at ${pointer}`);
  }
  return node;
}
