/**
 * Checks a response against docs/openapi.yaml: the request's path is matched against every path template
 * of the document, as the API's router matches its routes, the operation chosen by the method, and the
 * status, headers and JSON body checked against what the document says that operation answers. A request no
 * operation takes must be answered 405 (a template's path with another method, with the `Allow` its methods
 * make) or 404.
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
    readonly headers?: Record<string, OpenApiHeader>;
    readonly parameters?: Record<string, unknown>;
  };
}

/** An operation of the document: what the checker and the request tests read of it. */
export interface OpenApiOperation {
  readonly operationId?: string;
  readonly parameters?: readonly unknown[];
  readonly requestBody?: unknown;
  readonly security?: readonly Record<string, unknown>[];
  readonly responses?: Record<string, OpenApiResponse>;
}

export interface OpenApiResponse {
  readonly $ref?: string;
  readonly headers?: Record<string, OpenApiHeader>;
  readonly content?: Record<string, { schema?: unknown }>;
}

interface OpenApiHeader {
  readonly $ref?: string;
  readonly required?: boolean;
  readonly schema?: unknown;
}

/** The HTTP methods an OpenAPI path item may hold, lower case, in the order an `Allow` header lists them. */
export const OPERATION_METHODS = ["get", "head", "post", "put", "patch", "delete", "options", "trace"] as const;

/** One path template of the document, compiled. */
export interface PathTemplate {
  /** As the document writes it: `/api/appointments/{userId}/{id}`. */
  readonly template: string;
  /** The methods it has operations for, lower case. */
  readonly methods: readonly string[];
  /** How many of its segments are literal: a more literal template takes a path first (OpenAPI's rule). */
  readonly literals: number;
  /** The path parameters of `path` (percent-decoded), `undefined` when it is not this template's, `null` when it would be but a parameter names nothing. */
  match(path: string): Record<string, string> | null | undefined;
}

const DOCUMENT_ID = "https://appointment-scheduler.local/openapi.json";

/**
 * Statuses answered before any route runs (malformed HTTP, headers too large, a request too slow to
 * arrive, oversized chunk extensions), whatever the path: on a path no operation takes, the shared response.
 */
const PRE_ROUTE_RESPONSES: Readonly<Record<number, string>> = {
  400: "BadRequest",
  408: "RequestTimeout",
  413: "ContentTooLarge",
  431: "RequestHeaderFieldsTooLarge",
};

/** Reads and parses docs/openapi.yaml. */
export function readOpenApiDocument(): OpenApiDocument {
  return parse(readFileSync(new URL("../../docs/openapi.yaml", import.meta.url), "utf8")) as OpenApiDocument;
}

/** The document's path templates, compiled. */
export function pathTemplatesOf(document: OpenApiDocument): PathTemplate[] {
  return Object.entries(document.paths).map(([template, item]) => {
    const segments = template.split("/").slice(1);
    const names = segments.map((segment) => /^\{([^}]+)\}$/.exec(segment)?.[1]);
    return {
      template,
      methods: OPERATION_METHODS.filter((method) => item[method] !== undefined),
      literals: names.filter((name) => name === undefined).length,
      match(path: string) {
        const parts = path.split("/").slice(1);
        if (!path.startsWith("/") || parts.length !== segments.length) return undefined;
        const params: Record<string, string> = {};
        let nameless = false;
        for (const [index, part] of parts.entries()) {
          const name = names[index];
          if (name === undefined) {
            if (part !== segments[index]) return undefined;
            continue;
          }
          if (part === "") return undefined;
          const value = decodedSegment(part);
          if (value === undefined) nameless = true;
          else params[name] = value;
        }
        return nameless ? null : params;
      },
    };
  });
}

/** A path segment percent-decoded; `undefined` when it is not valid percent-encoding or is a dot segment. */
function decodedSegment(segment: string): string | undefined {
  try {
    const value = decodeURIComponent(segment);
    return value === "." || value === ".." ? undefined : value;
  } catch {
    return undefined;
  }
}

/** What a request is, for the document: the operation that takes it, or the answer none does. */
export type DocumentedRoute =
  | {
      readonly kind: "operation";
      readonly template: string;
      readonly method: string;
      readonly operation: OpenApiOperation;
      readonly params: Record<string, string>;
    }
  | { readonly kind: "method-not-allowed"; readonly allow: string }
  /**
   * No template has the path; `nameless` when one would, but a parameter segment names nothing (not valid
   * percent-encoding, or a dot segment).
   */
  | { readonly kind: "not-found"; readonly nameless: boolean };

/** The route of `method` and `pathOrUrl` (its query ignored) in the document. */
export function routeOf(
  document: OpenApiDocument,
  templates: readonly PathTemplate[],
  method: string,
  pathOrUrl: string,
): DocumentedRoute {
  const path = pathOrUrl.split(/[?#]/)[0] ?? "";
  const effective = method === "HEAD" ? "get" : method.toLowerCase();
  const matched: { template: PathTemplate; params: Record<string, string> }[] = [];
  for (const template of templates) {
    const params = template.match(path);
    if (params === null) return { kind: "not-found", nameless: true };
    if (params !== undefined) matched.push({ template, params });
  }
  const taking = matched
    .filter(({ template }) => template.methods.includes(effective))
    .sort((a, b) => b.template.literals - a.template.literals)[0];
  if (taking) {
    const operation = document.paths[taking.template.template]?.[effective] as OpenApiOperation;
    return {
      kind: "operation",
      template: taking.template.template,
      method: effective,
      operation,
      params: taking.params,
    };
  }
  if (matched.length === 0) return { kind: "not-found", nameless: false };
  const methods = new Set(matched.flatMap(({ template }) => template.methods));
  if (methods.has("get")) methods.add("head");
  const allow = OPERATION_METHODS.filter((name) => methods.has(name)).map((name) => name.toUpperCase());
  return { kind: "method-not-allowed", allow: allow.join(", ") };
}

/** A checker for one loaded document; `check` throws an error that says what did not match. */
export function createOpenApiChecker(document: OpenApiDocument = readOpenApiDocument()) {
  // OpenAPI's own keywords (`example`, …) are not JSON Schema's: not strict.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addSchema({ ...document, $id: DOCUMENT_ID });
  const templates = pathTemplatesOf(document);
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
  const documentedResponse = (
    request: RawRequest,
    received: RawResponse,
  ): { pointer: string; response: OpenApiResponse } => {
    const status = received.status;
    const route = routeOf(document, templates, request.method, request.path);
    let pointer: string;
    if (route.kind === "operation") {
      if (!route.operation.responses?.[String(status)]) {
        throw new Error(
          `${request.method} ${request.path} (${route.operation.operationId ?? route.template}): status ${status} is not documented`,
        );
      }
      pointer = toPointer(["paths", route.template, route.method, "responses", String(status)]);
    } else {
      // No operation takes the request: a template's path with another method is 405, any other path 404.
      // A path whose parameter names nothing is 404 too, but frameworks that decode parameters themselves
      // hand the segment to the route (Express reads `%2e%2e` as the user id ".."): any 404 code.
      const [name, expected] =
        route.kind === "method-not-allowed"
          ? ["MethodNotAllowed", 405]
          : route.nameless
            ? ["NotFound", 404]
            : ["RouteNotFound", 404];
      const preRoute = PRE_ROUTE_RESPONSES[status];
      if (status !== expected && preRoute === undefined) {
        throw new Error(`${request.method} ${request.path}: expected ${expected}, got ${status}`);
      }
      if (route.kind === "method-not-allowed" && status === 405 && received.headers.allow !== route.allow) {
        throw new Error(
          `${request.method} ${request.path} → 405: Allow ${JSON.stringify(received.headers.allow)}, expected the path's methods "${route.allow}"`,
        );
      }
      pointer = toPointer(["components", "responses", status === expected ? name : (preRoute as string)]);
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
      const { pointer, response } = documentedResponse(request, received);
      const where = `${request.method} ${request.path} → ${received.status}`;
      for (const [name, header] of Object.entries(response.headers ?? {})) {
        const headerPointer = header.$ref ? header.$ref.slice(1) : `${pointer}/headers/${escapeToken(name)}`;
        const resolved = resolve(document, headerPointer) as OpenApiHeader;
        const value = received.headers[name.toLowerCase()];
        if (value === undefined) {
          if (resolved.required) throw new Error(`${where}: header ${name} is documented as required, but missing`);
          continue;
        }
        const validate = validatorAt(`#${headerPointer}/schema`);
        if (!validate(value)) {
          throw new Error(`${where}: header ${name}: ${JSON.stringify(value)} ${ajv.errorsText(validate.errors)}`);
        }
      }
      if (request.method === "HEAD") {
        if (received.text !== "") throw new Error(`${where}: a HEAD response has a body`);
        return;
      }
      // The answer's media type (without parameters) must be one the document gives this response.
      const contentType = String(received.headers["content-type"] ?? "");
      const mediaType = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
      if (!response.content?.[mediaType]) {
        const documented = Object.keys(response.content ?? {}).join(", ") || "no body";
        throw new Error(`${where}: Content-Type ${contentType} is not the documented ${documented}`);
      }
      const validate = validatorAt(`#${pointer}/content/${escapeToken(mediaType)}/schema`);
      const body = mediaType === "application/json" ? received.json : received.text;
      if (!validate(body)) {
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

/** The node at a JSON pointer (its tokens percent-encoded, as in a `$ref`), or an error naming the pointer. */
export function resolve(document: unknown, pointer: string): unknown {
  let node: unknown = document;
  for (const token of pointer.replace(/^#/, "").split("/").slice(1)) {
    const key = decodeURIComponent(token).replace(/~1/g, "/").replace(/~0/g, "~");
    node = (node as Record<string, unknown> | undefined)?.[key];
    if (node === undefined) throw new Error(`docs/openapi.yaml has nothing at ${pointer}`);
  }
  return node;
}
