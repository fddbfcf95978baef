/**
 * What Node.js answers before any route runs, in the API's own terms. A request that is not valid HTTP (a bad
 * request line, a header with characters a header may not have, a chunked body with a bad chunk size) or
 * whose headers are too large never reaches a framework: Node.js's parser rejects it and, by default, writes
 * a bare status line with no body (Fastify writes its own `{"error", "message", "statusCode"}`).
 * {@link answerClientError} answers those as every other error is answered, `{code, message}` in JSON.
 *
 * A request may also name its target in absolute form (`GET http://host/api/appointments/1 HTTP/1.1`, as
 * sent to a proxy), which a server must accept (RFC 9112 §3.2.2); frameworks route it differently, some not
 * at all. {@link originForm} turns it into the path and query they all route alike.
 *
 * @example
 * ```ts
 * import { createServer } from "node:http";
 * import { answerClientError, originForm } from "appointment-scheduler/http";
 *
 * const server = createServer(app);
 * server.removeAllListeners("clientError"); // a framework's own (Fastify's), if it installed one
 * server.on("clientError", answerClientError);
 * server.prependListener("request", (req) => {
 *   if (req.url !== undefined) req.url = originForm(req.url);
 * });
 * ```
 *
 * @module
 */
import { STATUS_CODES } from "node:http";
import { codeResponse } from "./error-response.js";
import type { ResponseErrorCode } from "./status-table.js";

/** The code and message answered for one of Node.js's client error codes. */
interface ClientErrorAnswer {
  readonly code: ResponseErrorCode;
  readonly message: string;
}

const MALFORMED: ClientErrorAnswer = { code: "BAD_REQUEST", message: "The request is not valid HTTP" };

/**
 * The answers other than {@link MALFORMED}, by Node.js's error code: llhttp's `HPE_…` codes and Node.js's
 * own. (llhttp has no timeout code: Node.js reports both `headersTimeout` and `requestTimeout` as
 * `ERR_HTTP_REQUEST_TIMEOUT`.)
 */
const ANSWERS: ReadonlyMap<string, ClientErrorAnswer> = new Map([
  // Past `--max-http-header-size` (16 KiB by default) or the server's `maxHeaderSize`.
  ["HPE_HEADER_OVERFLOW", { code: "HEADERS_TOO_LARGE", message: "The request's headers are too large" }],
  // Past Node.js's bound on a chunked body's chunk extensions; Node.js itself answers 413.
  [
    "HPE_CHUNK_EXTENSIONS_OVERFLOW",
    { code: "PAYLOAD_TOO_LARGE", message: "The request's chunk extensions are too large" },
  ],
  // The whole request (`requestTimeout`) or its headers (`headersTimeout`) took too long to arrive.
  ["ERR_HTTP_REQUEST_TIMEOUT", { code: "TIMED_OUT", message: "The request timed out" }],
]);

/** Errors of a connection that is gone already: there is no one to answer. */
const CONNECTION_GONE = new Set(["ECONNRESET", "EPIPE"]);

/**
 * What {@link answerClientError} uses of the connection (Node.js gives a `net.Socket`, a `Duplex`): written
 * structurally, so that the published declarations need no Node.js types. `_httpMessage` is the
 * connection's response in flight, as Node.js attaches it (private, but stable since 0.x).
 */
export interface ClientErrorSocket {
  readonly writable: boolean;
  readonly _httpMessage?: { readonly headersSent?: boolean; readonly _headerSent?: boolean } | null;
  end(chunk: Uint8Array, callback?: () => void): unknown;
  destroy(): unknown;
  once(event: "close", listener: () => void): unknown;
}

/**
 * A listener for a `node:http` (or `node:https`) server's `'clientError'` event: answers a request that
 * Node.js rejected before any route ran with the API's JSON error, then closes the connection.
 *
 * - headers too large (`HPE_HEADER_OVERFLOW`): 431 `HEADERS_TOO_LARGE`;
 * - too slow to arrive (`ERR_HTTP_REQUEST_TIMEOUT`, Node.js's `headersTimeout` and `requestTimeout`):
 *   408 `TIMED_OUT`;
 * - chunk extensions too large (`HPE_CHUNK_EXTENSIONS_OVERFLOW`): 413 `PAYLOAD_TOO_LARGE`, as Node.js;
 * - anything else that is not valid HTTP: 400 `BAD_REQUEST`.
 *
 * The answer is a complete HTTP/1.1 response (`Content-Type: application/json; charset=utf-8`,
 * `Content-Length`, `Connection: close`). As Node.js's default listener, it writes only when the socket is
 * still writable and no response on it has started (a second status line in the middle of a response would
 * corrupt it for the client); otherwise, and for a connection the client reset (`ECONNRESET`, `EPIPE`), it
 * only closes the connection. Installing a listener replaces Node.js's default answer; a framework that
 * installs its own (Fastify) keeps answering in its own shape unless that one is removed first.
 *
 * @example
 * ```ts
 * server.removeAllListeners("clientError");
 * server.on("clientError", answerClientError);
 * ```
 */
export function answerClientError(error: Error, socket: ClientErrorSocket): void {
  const nodeCode = (error as { code?: string }).code;
  if (nodeCode !== undefined && CONNECTION_GONE.has(nodeCode)) {
    socket.destroy();
    return;
  }
  const inFlight = socket._httpMessage;
  if (!socket.writable || inFlight?.headersSent === true || inFlight?._headerSent === true) {
    socket.destroy();
    return;
  }
  const { code, message } = (nodeCode === undefined ? undefined : ANSWERS.get(nodeCode)) ?? MALFORMED;
  answerAndClose(socket, clientErrorResponse(code, message));
}

/**
 * Writes `response` and closes the connection once it is written (not at once: a close with the answer still
 * queued would lose it), and in any case soon, should the client not read it.
 */
function answerAndClose(socket: ClientErrorSocket, response: Uint8Array): void {
  const cut = setTimeout(() => socket.destroy(), 1_000);
  cut.unref();
  socket.once("close", () => clearTimeout(cut));
  socket.end(response, () => socket.destroy());
}

/**
 * A listener for a `node:http` server's `'connect'` event: answers a `CONNECT` request (a proxy's method,
 * which Node.js hands to no route; without a listener it cuts the connection without a word) with 405
 * `METHOD_NOT_ALLOWED` and the methods the API has in `Allow`, then closes the connection.
 *
 * @example
 * ```ts
 * server.on("connect", answerConnect);
 * ```
 */
export function answerConnect(_request: unknown, socket: ClientErrorSocket): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  answerAndClose(
    socket,
    clientErrorResponse("METHOD_NOT_ALLOWED", "CONNECT is not supported: this server is not a proxy", {
      Allow: "GET, HEAD, POST, PATCH, DELETE",
    }),
  );
}

/** The bytes of a complete HTTP/1.1 response with the JSON error `code`. */
function clientErrorResponse(
  code: ResponseErrorCode,
  message: string,
  extraHeaders?: Readonly<Record<string, string>>,
): Uint8Array {
  const { status, headers, body } = codeResponse(code, message, extraHeaders);
  const json = JSON.stringify(body);
  const fields: Record<string, string> = {
    ...headers,
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": String(Buffer.byteLength(json)),
  };
  let head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ""}\r\n`;
  for (const [name, value] of Object.entries(fields)) {
    if (name.toLowerCase() !== "connection") head += `${name}: ${value}\r\n`;
  }
  return Buffer.from(`${head}Connection: close\r\n\r\n${json}`, "utf8");
}

/**
 * The authority of an absolute-form `http` or `https` target: a host name or IPv4 address (without
 * userinfo, which a server must treat as an error, RFC 9110 §4.2.4) or a bracketed IPv6 address, and an
 * optional port; then the end, or the path or query.
 */
const ABSOLUTE_FORM = /^https?:\/\/(?:\[[0-9A-Za-z:.]+\]|[A-Za-z0-9\-._~!$&'()*+,;=%]+)(?::[0-9]*)?(?=[/?]|$)/i;

/**
 * The request target `target` in origin form (path and query), the form every framework routes:
 *
 * - origin form (`/api/appointments/1?limit=5`) is returned as it is;
 * - absolute form with an `http` or `https` URI (`http://api.example/api/appointments/1?limit=5`), which a
 *   server must accept and route by its path (RFC 9112 §3.2.2), becomes its path and query
 *   (`/api/appointments/1?limit=5`; `/` when it has no path). The path is kept byte for byte, as in origin
 *   form: not normalised, not decoded;
 * - anything else that Node.js lets through (`*`, another scheme, an empty host, userinfo) becomes a path
 *   that no route has (the target after a `/`), so that every framework answers it 404 alike.
 *
 * @example
 * ```ts
 * originForm("http://other.example/api/appointments/1"); // "/api/appointments/1"
 * originForm("HTTPS://[::1]:8443?x=1"); // "/?x=1"
 * originForm("/api/appointments/1"); // "/api/appointments/1"
 * originForm("ftp://other.example/api/appointments/1"); // "/ftp://other.example/api/appointments/1"
 * ```
 */
export function originForm(target: string): string {
  if (target.startsWith("/")) return target;
  const authority = ABSOLUTE_FORM.exec(target);
  if (authority === null) return `/${target}`;
  const rest = target.slice(authority[0].length);
  return rest.startsWith("/") ? rest : `/${rest}`;
}
