/**
 * The booking page's files (issue 16: examples/booking-page/), for an example server to serve: a fixed
 * allowlist of three files, read once when this module loads, each at its own URL path. A server registers
 * `GET` (and so `HEAD`) for each {@link BOOKING_PAGE_FILES} entry's `path` and sends what `respond` answers;
 * no part of a request's path is ever turned into a file name, so there is nothing to traverse.
 *
 * The page is plain HTML, CSS and one ES module: no build step, no framework, nothing from another origin.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";

/** What to send for a request of a page file: a status, its headers and the text (empty for a 304). */
export interface PageResponse {
  readonly status: 200 | 304;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** One file of the page, loaded. */
export interface PageFile {
  /** The URL path it is served at: `/` for the page itself, `/booking-page/…` for its assets. */
  readonly path: string;
  /** With its charset: `text/html; charset=utf-8`. */
  readonly contentType: string;
  /** The file's text, as read at start. */
  readonly text: string;
  /** A strong validator of the text, quoted: a browser's `If-None-Match` revalidates with it. */
  readonly etag: string;
  /** The answer to a `GET` or `HEAD` with these request headers (a `304` when `If-None-Match` names the file). */
  respond(requestHeaders: Readonly<Record<string, string | string[] | undefined>>): PageResponse;
}

/**
 * Only what the page needs: its own script, style sheet and API calls (`'self'`), no inline script or style,
 * no plugins, no frames of it anywhere (`frame-ancestors`), no `<base>` and no form posted elsewhere (its
 * forms are handled by the script and never submitted). The API's own answers are JSON and need none.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

const SECURITY_HEADERS = {
  "Content-Security-Policy": CONTENT_SECURITY_POLICY,
  "X-Content-Type-Options": "nosniff",
  // Older browsers that ignore `frame-ancestors`.
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "no-referrer",
  "Cross-Origin-Opener-Policy": "same-origin",
} as const;

/**
 * The files' names are not versioned (no build step to add a hash), so a browser may keep a copy but must ask
 * before using it (`no-cache`); the `ETag` makes that question a `304` without a body.
 */
const CACHE_CONTROL = "no-cache";

/** The allowlist: URL path, file name in this folder, and its media type. */
const FILES = [
  { path: "/", name: "index.html", contentType: "text/html; charset=utf-8" },
  { path: "/booking-page/app.js", name: "app.js", contentType: "text/javascript; charset=utf-8" },
  { path: "/booking-page/style.css", name: "style.css", contentType: "text/css; charset=utf-8" },
] as const;

function loadFile({ path, name, contentType }: (typeof FILES)[number]): PageFile {
  const text = readFileSync(new URL(name, import.meta.url), "utf8");
  const etag = `"${createHash("sha256").update(text).digest("base64url").slice(0, 27)}"`;
  const headers = {
    "Content-Type": contentType,
    "Cache-Control": CACHE_CONTROL,
    ETag: etag,
    ...SECURITY_HEADERS,
  };
  return {
    path,
    contentType,
    text,
    etag,
    respond(requestHeaders) {
      const fresh = matchesEtag(requestHeaders["if-none-match"], etag);
      return fresh ? { status: 304, headers, body: "" } : { status: 200, headers, body: text };
    },
  };
}

/** Whether an `If-None-Match` header names `etag` (or is `*`): RFC 9110's weak comparison, as for a GET. */
function matchesEtag(header: string | string[] | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const values = (Array.isArray(header) ? header.join(",") : header).split(",").map((value) => value.trim());
  return values.some((value) => value === "*" || value.replace(/^W\//, "") === etag);
}

/** The page's files, read once: `/` (the page), its script and its style sheet. */
export const BOOKING_PAGE_FILES: readonly PageFile[] = FILES.map(loadFile);
