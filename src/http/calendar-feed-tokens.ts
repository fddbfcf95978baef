/**
 * Secret feed URLs for calendar clients. A calendar app subscribes to a URL and polls it; it cannot send a
 * bearer header, so the URL itself carries the credential (`…/calendar.ics?token=…`), as the secret
 * addresses of the large calendar services do. The token is an HMAC of the user id and the user's feed
 * version under the server's secret: nothing is stored per token, and changing the version (or the secret)
 * revokes it.
 *
 * @module
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { InvalidArgumentError } from "../errors/scheduler-errors.js";

/** Options of {@link createCalendarFeedTokens}. */
export interface CalendarFeedTokenOptions {
  /**
   * The key the tokens are signed with: at least 32 bytes (a string is read as UTF-8). Keep it out of the
   * code; a new secret revokes every feed URL at once.
   */
  readonly secret: string | Uint8Array;
  /**
   * The user's current feed version, from the caller's own user records: a counter the user (or staff) bumps
   * to revoke the URLs given out so far, e.g. after sharing a link by mistake. Asked on every issue and check;
   * may be async. Default: every user's version is `0` (revoke by changing the secret).
   */
  readonly version?: (userId: string, context: { readonly signal: AbortSignal }) => FeedVersion | Promise<FeedVersion>;
}

/** A user's feed version: any number or string; a token is valid for one version only. */
export type FeedVersion = string | number;

/** Issues and checks the tokens of per-user calendar feed URLs; see {@link createCalendarFeedTokens}. */
export interface CalendarFeedTokens {
  /** The token for `userId`'s feed at the user's current version. */
  tokenFor(userId: string, context?: { readonly signal?: AbortSignal }): Promise<string>;
  /** Whether `token` is `userId`'s token at the user's current version (compared in constant time). */
  verify(userId: string, token: string, context?: { readonly signal?: AbortSignal }): Promise<boolean>;
}

/** Below this a secret is guessable offline from one leaked token. */
const MIN_SECRET_BYTES = 32;
/** Names what the HMAC signs, so the secret can be shared with another use (a JWT key) without confusion. */
const PURPOSE = "appointment-scheduler calendar feed v1";

/**
 * Creates the token issuer and checker for calendar feed URLs. Pass it to
 * `createAppointmentsHttpApi(scheduler, { calendar: { tokens } })`: the feed route then accepts `?token=`,
 * and `GET /api/appointments/:userId/calendar-link` gives an authenticated user the URL to subscribe to.
 *
 * @throws InvalidArgumentError for a missing or short secret, or a `version` that is not a function.
 * @example
 * ```ts
 * import { createCalendarFeedTokens } from "appointment-scheduler/http";
 *
 * const feedVersions = new Map<string, number>(); // the caller's user records
 * const tokens = createCalendarFeedTokens({
 *   secret: "a secret of at least thirty-two bytes, from the environment",
 *   version: (userId) => feedVersions.get(userId) ?? 0,
 * });
 * const token = await tokens.tokenFor("42");
 * console.log(await tokens.verify("42", token)); // true
 * feedVersions.set("42", 1); // the patient asked for a new link: the old one stops working
 * console.log(await tokens.verify("42", token)); // false
 * ```
 */
export function createCalendarFeedTokens(options: CalendarFeedTokenOptions): CalendarFeedTokens {
  const secret = options?.secret;
  const key = typeof secret === "string" ? Buffer.from(secret, "utf8") : secret instanceof Uint8Array ? secret : null;
  if (key === null || key.byteLength < MIN_SECRET_BYTES) {
    throw new InvalidArgumentError(
      "options.secret",
      `options.secret must be a string or bytes of at least ${MIN_SECRET_BYTES} bytes`,
    );
  }
  const version = options.version ?? (() => 0);
  if (typeof version !== "function") {
    throw new InvalidArgumentError("options.version", "options.version must be a function");
  }
  const digest = async (userId: string, signal: AbortSignal): Promise<Buffer> => {
    const current = await version(userId, { signal });
    if (typeof current !== "string" && typeof current !== "number") {
      throw new TypeError(`calendar feed version of user ${userId} must be a string or a number`);
    }
    // Lengths first, so that no user id and version can run into another pair's bytes.
    const versionText = String(current);
    return createHmac("sha256", key)
      .update(`${PURPOSE}\n${userId.length}:${userId}\n${versionText.length}:${versionText}`)
      .digest();
  };
  const signalOf = (context?: { readonly signal?: AbortSignal }) => context?.signal ?? new AbortController().signal;
  return {
    async tokenFor(userId, context) {
      return (await digest(userId, signalOf(context))).toString("base64url");
    },
    async verify(userId, token, context) {
      if (typeof token !== "string") return false;
      const given = Buffer.from(token, "base64url");
      const expected = await digest(userId, signalOf(context));
      // Re-encoding catches a token with characters base64url decoding would skip.
      return (
        given.length === expected.length && given.toString("base64url") === token && timingSafeEqual(given, expected)
      );
    },
  };
}
