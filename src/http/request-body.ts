/**
 * Reading a booking request's body the same way in every framework: the framework hands over the raw body
 * (a stream, bytes or text) and its headers, and this module checks the content type, enforces the size
 * limit and the deadline while reading, and parses the JSON. No framework's JSON parser is involved, so
 * their different errors never reach a client.
 *
 * @module
 */
import { isSchedulerError } from "../errors/scheduler-errors.js";
import { whenAborted } from "../scheduler/abort-waiters.js";
import { abortError, untilAborted } from "../scheduler/operation-options.js";
import { HttpRequestError } from "./http-request-error.js";

/**
 * Request headers as frameworks give them: a Node.js-style record with lower-case names (`req.headers` in
 * Express, Koa, Fastify and `node:http`), or a Fetch `Headers` (`c.req.raw.headers` in Hono).
 */
export type RequestHeaders =
  | Readonly<Record<string, string | readonly string[] | undefined>>
  | { get(name: string): string | null };

/**
 * A request body as frameworks give it: the request stream itself (Node.js `IncomingMessage`, a Fetch
 * `ReadableStream`, any async iterable of bytes), or a body already read, as bytes or text. Absent is empty.
 */
export type RequestBody = AsyncIterable<Uint8Array | string> | Uint8Array | string | null | undefined;

/** The value of header `name` (lower case), or `undefined`. */
export function headerValue(headers: RequestHeaders | undefined, name: string): string | undefined {
  if (headers === undefined || headers === null) return undefined;
  if (typeof (headers as { get?: unknown }).get === "function") {
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  }
  const value = (headers as Readonly<Record<string, string | readonly string[] | undefined>>)[name];
  return typeof value === "string" ? value : value?.[0];
}

/**
 * Checks that a body is declared as JSON in UTF-8: `application/json` or `application/<anything>+json` (the
 * media types Flask's `request.json` accepted), with no `charset` or `charset=utf-8`.
 *
 * @throws 415 `UNSUPPORTED_MEDIA_TYPE` otherwise, also when the header is missing.
 */
export function checkJsonContentType(contentType: string | undefined): void {
  // The forms clients send, accepted before any parsing (this runs on every booking).
  if (contentType === "application/json" || contentType === "application/json; charset=utf-8") return;
  const [mediaType = "", ...parameters] = (contentType ?? "").split(";");
  const type = mediaType.trim().toLowerCase();
  const isJson = type === "application/json" || /^application\/[^/\s]+\+json$/.test(type);
  const charset = parameters
    .map((parameter) => parameter.trim().toLowerCase())
    .find((parameter) => parameter.startsWith("charset="))
    ?.slice("charset=".length)
    .replace(/^"(.*)"$/, "$1");
  if (!isJson || (charset !== undefined && charset !== "utf-8" && charset !== "utf8")) {
    throw new HttpRequestError("UNSUPPORTED_MEDIA_TYPE", "Content-Type must be application/json");
  }
}

/**
 * Reads `body` as UTF-8 text, at most `limitBytes` bytes, stopping when `signal` fires.
 *
 * It does not cancel a stream it stops reading: destroying a Node.js request would close the connection
 * before the answer is sent. The answers for a body cut short (413, 408) carry `Connection: close`.
 *
 * @throws 413 `PAYLOAD_TOO_LARGE` past the limit (a declared `Content-Length` over it fails before reading),
 *   400 `INVALID_JSON` for bytes that are not UTF-8, 408 `TIMED_OUT` when the signal fires first.
 */
export async function readBodyText(
  body: RequestBody,
  options: { limitBytes: number; declaredLength?: string | undefined; signal: AbortSignal },
): Promise<string> {
  const { limitBytes, declaredLength, signal } = options;
  const tooLarge = () => new HttpRequestError("PAYLOAD_TOO_LARGE", `Request body must be at most ${limitBytes} bytes`);
  if (declaredLength !== undefined && /^\s*[0-9]+\s*$/.test(declaredLength) && Number(declaredLength) > limitBytes) {
    throw tooLarge();
  }
  if (body === undefined || body === null) return "";
  if (typeof body === "string") {
    // UTF-8 never takes fewer bytes than UTF-16 code units, so a long string fails before it is encoded.
    if (body.length > limitBytes || utf8Encoder.encode(body).byteLength > limitBytes) throw tooLarge();
    return body;
  }
  if (body instanceof Uint8Array) {
    if (body.byteLength > limitBytes) throw tooLarge();
    return decodeUtf8(body);
  }

  if (isNodeStream(body)) return decodeUtf8(await readNodeStream(body, limitBytes, signal, tooLarge));

  const iterator = body[Symbol.asyncIterator]();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const next = await nextChunk(iterator, signal);
    if (next.done) break;
    const chunk = typeof next.value === "string" ? utf8Encoder.encode(next.value) : next.value;
    size += chunk.byteLength;
    if (size > limitBytes) throw tooLarge();
    chunks.push(chunk);
  }
  return decodeUtf8(concat(chunks, size));
}

/** The part of a Node.js readable stream (`IncomingMessage`) that reading it by events needs. */
interface NodeStream {
  on(event: string, listener: (...args: never[]) => void): unknown;
  removeListener(event: string, listener: (...args: never[]) => void): unknown;
  readonly readableEnded?: boolean;
}

function isNodeStream(body: object): body is NodeStream & object {
  const candidate = body as Partial<NodeStream>;
  return typeof candidate.on === "function" && typeof candidate.removeListener === "function";
}

/**
 * Reads a Node.js stream by its events: several times cheaper per request than its async iterator, which
 * dominated the cost of a booking over HTTP. A stream that stops being read is left flowing, its data
 * dropped, so that the answer can still be sent on its connection.
 */
function readNodeStream(
  stream: NodeStream,
  limitBytes: number,
  signal: AbortSignal,
  tooLarge: () => Error,
): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    const onData = (chunk: Uint8Array | string) => {
      const bytes = typeof chunk === "string" ? utf8Encoder.encode(chunk) : chunk;
      size += bytes.byteLength;
      if (size > limitBytes) fail(tooLarge());
      else chunks.push(bytes);
    };
    const onEnd = () => {
      stop();
      resolve(concat(chunks, size));
    };
    const onError = (cause: unknown) =>
      fail(new HttpRequestError("BAD_REQUEST", "The request body could not be read", { cause }));
    // A client that goes away mid-body: the stream closes without ending.
    const onClose = () => onError(new Error("The request closed before its body ended"));
    let stopWaiting = () => {};
    const stop = () => {
      stream.removeListener("data", onData);
      stream.removeListener("end", onEnd);
      stream.removeListener("error", onError);
      stream.removeListener("close", onClose);
      stopWaiting();
    };
    const fail = (error: unknown) => {
      stop();
      reject(error);
    };
    if (signal.aborted) return fail(abortError(signal));
    if (stream.readableEnded) return resolve(new Uint8Array(0));
    stopWaiting = whenAborted(signal, () => fail(abortError(signal)));
    stream.on("data", onData);
    stream.on("end", onEnd);
    stream.on("error", onError);
    stream.on("close", onClose);
  });
}

/** The stream's next chunk; a stream that fails (a client that went away) is a request that cannot be read. */
async function nextChunk<T>(iterator: AsyncIterator<T>, signal: AbortSignal): Promise<IteratorResult<T>> {
  try {
    return await untilAborted(iterator.next(), signal);
  } catch (error) {
    if (isSchedulerError(error)) throw error; // the deadline
    throw new HttpRequestError("BAD_REQUEST", "The request body could not be read", { cause: error });
  }
}

const utf8Encoder = new TextEncoder();
const utf8 = new TextDecoder("utf-8", { fatal: true });

/** The chunks as one array of bytes: the only chunk itself (a booking's body comes in one), else a copy. */
function concat(chunks: readonly Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch (cause) {
    throw new HttpRequestError("INVALID_JSON", "Request body must be valid JSON in UTF-8", { cause });
  }
}
