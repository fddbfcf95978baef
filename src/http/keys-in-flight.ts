/**
 * The `Idempotency-Key`s of this process's requests still being answered. A second request with a key in
 * flight is refused with 409 (as the IETF httpapi draft asks) instead of waiting on the first: its answer
 * would be the first's anyway, and a client that sends both has lost track of its own retry. Requests on
 * other processes are not seen here; the store settles them (the second replays the first's outcome).
 *
 * @module
 */
import { HttpRequestError } from "./http-request-error.js";

/** Keys per user, as the store keeps them: two users may send the same key. */
export class KeysInFlight {
  readonly #keys = new Set<string>();

  /**
   * Runs `write` with `key` marked in flight for `userId`.
   *
   * @throws 409 `IDEMPOTENCY_KEY_IN_FLIGHT` (with `Retry-After: 1`) when it already is.
   */
  async run<T>(userId: string, key: string | undefined, write: () => Promise<T>): Promise<T> {
    if (key === undefined) return write();
    const entry = `${userId}\u0000${key}`;
    if (this.#keys.has(entry)) {
      throw new HttpRequestError(
        "IDEMPOTENCY_KEY_IN_FLIGHT",
        "A request with this Idempotency-Key is still being processed; retry once it has been answered",
        { headers: { "Retry-After": "1" } },
      );
    }
    this.#keys.add(entry);
    try {
      return await write();
    } finally {
      this.#keys.delete(entry);
    }
  }
}
