/**
 * User ids: the seed used integers, a production system often UUIDs. Both are accepted and stored in one
 * canonical string form, so `42` and `"42"` name the same user in every store.
 *
 * @module
 */
import { InvalidUserIdError } from "../errors/scheduler-errors.js";

/**
 * A user id as callers give it: a non-empty string of at most 255 characters (well-formed Unicode, without
 * U+0000), or a safe integer.
 */
export type UserId = string | number;

const MAX_LENGTH = 255;

/** Returns the canonical string form of a user id, or throws {@link InvalidUserIdError}. */
export function normalizeUserId(userId: unknown): string {
  if (typeof userId === "string") {
    // A user id must mean the same in every store. PostgreSQL's `text` cannot hold U+0000, and UTF-8 cannot
    // hold a lone surrogate: "\ud800" and "\udc00" would both be stored as U+FFFD, two users on one calendar.
    if (userId.length > 0 && userId.length <= MAX_LENGTH && userId.isWellFormed() && !userId.includes("\u0000")) {
      return userId;
    }
    throw new InvalidUserIdError();
  }
  // `String(-0)` is "0", so -0 and 0 are one user, as they are one number.
  if (typeof userId === "number" && Number.isSafeInteger(userId)) return String(userId);
  throw new InvalidUserIdError();
}
