/**
 * A request the HTTP layer rejects before the scheduler sees it (a body that is not JSON, a path id that is
 * not a user id, …). Internal: it only travels from the request readers to {@link errorResponse}.
 *
 * @module
 */
import type { ResponseErrorCode } from "./status-table.js";

/** A rejected request, with the code (hence the status) and message to answer. */
export class HttpRequestError extends Error {
  readonly code: ResponseErrorCode;
  /** Headers the answer carries (`WWW-Authenticate` on a 401, `Retry-After` on a key in flight). */
  readonly headers: Readonly<Record<string, string>> | undefined;
  constructor(
    code: ResponseErrorCode,
    message: string,
    options?: { cause?: unknown; headers?: Readonly<Record<string, string>> },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.headers = options?.headers;
    this.name = "HttpRequestError";
  }
}
