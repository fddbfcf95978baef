/**
 * The error codes the HTTP layer adds to the library's own (`ERROR_CODES`): failures that only exist on the
 * wire (a body that is not JSON, an unknown route, …). A response's `code` is always one of the two
 * catalogues, so clients branch on one closed set.
 *
 * @module
 */

/** Every HTTP-only error code, with a one-line description of when it is answered. */
export const HTTP_ERROR_CODES = {
  ROUTE_NOT_FOUND: "No route matches the request path (or the path cannot be decoded).",
  METHOD_NOT_ALLOWED: "The path exists but not with this method; the `Allow` header lists the methods it has.",
  UNSUPPORTED_MEDIA_TYPE: "A request body's `Content-Type` is missing, or is not JSON in UTF-8.",
  PAYLOAD_TOO_LARGE: "The request body is larger than the configured limit (16 KiB by default).",
  INVALID_JSON: "The request body is not valid JSON in UTF-8 (an empty body included).",
  INVALID_BODY: 'The request body is JSON, but not an object whose "appointment" is a string.',
  BAD_REQUEST: "The request is malformed HTTP (a bad request line, header or chunk), rejected before any route ran.",
  HEADERS_TOO_LARGE: "The request's headers are larger than the server accepts (Node.js: 16 KiB by default).",
  AUTHENTICATION_REQUIRED:
    "The request has no valid credentials (missing, malformed, forged or expired), or the route needs a credential the API was not given a way to check.",
  FORBIDDEN:
    "The credentials are valid but may not act on this path's user (or on this staff or service route). Decided from the path alone, before anything is read.",
  IDEMPOTENCY_KEY_IN_FLIGHT:
    "A request with the same `Idempotency-Key` for this user is still being processed; retry after it has been answered.",
  INTERNAL_ERROR: "An unexpected failure (a bug). Details go to the server's log, never to the client.",
} as const;

/** An HTTP-only error code; see {@link HTTP_ERROR_CODES}. */
export type HttpErrorCode = keyof typeof HTTP_ERROR_CODES;
