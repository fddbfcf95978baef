/**
 * Appointment ids, and the strings every store keeps exactly. An id names an appointment in every store
 * alike, so it may hold only what each of them stores unchanged: PostgreSQL's `text` cannot hold U+0000 at
 * all, and UTF-8 cannot hold a lone surrogate (`"\ud800"` and `"\udc00"` would both come back as U+FFFD, one
 * id for two). Such strings are refused here, before any store call, rather than failing on one store and
 * colliding on another.
 *
 * @module
 */
import { InvalidArgumentError } from "../errors/scheduler-errors.js";

/** The longest appointment id, in UTF-16 code units. */
export const MAX_ID_LENGTH = 255;

/**
 * Whether every store keeps `text` exactly: well-formed Unicode (no lone surrogate) without U+0000. For ids,
 * keys and reasons; metadata checks the same of its strings.
 */
export function storesExactly(text: string): boolean {
  return text.isWellFormed() && !text.includes("\u0000");
}

/** An appointment id given to `get`, `cancel` or `reschedule`, or {@link InvalidArgumentError} for `id`. */
export function appointmentIdOf(id: unknown): string {
  return idOf(id, "id", "Appointment id must be");
}

/**
 * What the scheduler's `generateId` returned, as a new appointment's id, or {@link InvalidArgumentError}
 * for `options.generateId` (thrown before the store is asked, so nothing is written).
 */
export function generatedIdOf(id: unknown): string {
  return idOf(id, "options.generateId", "generateId must return");
}

/** `id` if every store keeps it exactly as an id; otherwise {@link InvalidArgumentError} for `argument`. */
function idOf(id: unknown, argument: string, subject: string): string {
  if (typeof id !== "string" || id.length === 0 || id.length > MAX_ID_LENGTH || !storesExactly(id)) {
    throw new InvalidArgumentError(
      argument,
      `${subject} a non-empty string of at most ${MAX_ID_LENGTH} characters (well-formed Unicode, no NUL)`,
    );
  }
  return id;
}
