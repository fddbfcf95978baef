/**
 * Request deadlines as shared signals. A signal and a timer per request cost more than the rest of a simple
 * request; requests that start within the same short slice of time can share one instead. Each deadline
 * fires after at least `deadlineMs`, and at most one slice later.
 *
 * @module
 */
import { setMaxListeners } from "node:events";

/** Returns a function that gives the deadline signal for a request starting now. */
export function deadlineSignals(deadlineMs: number): () => AbortSignal {
  // A twentieth of the deadline (250 ms at most): 5 s deadlines fire between 5 and 5.25 s.
  const sliceMs = Math.min(250, Math.max(1, Math.floor(deadlineMs / 20)));
  let current: { signal: AbortSignal; sliceEnds: number } | undefined;
  return () => {
    const now = performance.now();
    if (current && now < current.sliceEnds && !current.signal.aborted) return current.signal;
    const controller = new AbortController();
    // The library's waits share one listener (abort-waiters.ts), but a store may add one per operation (the
    // PostgreSQL store does) for every request in flight in the slice: not a leak, so no warning past 10.
    setMaxListeners(0, controller.signal);
    const timer = setTimeout(
      () => controller.abort(new DOMException("The request timed out", "TimeoutError")),
      deadlineMs + sliceMs,
    );
    timer.unref();
    current = { signal: controller.signal, sliceEnds: now + sliceMs };
    return controller.signal;
  };
}
