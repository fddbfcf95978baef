/**
 * Waiting for a signal, cheaply, however many operations wait on it. Every operation with a signal (the
 * caller's, or an HTTP request's deadline, which the requests of a slice of time share) waits for it to fire
 * while the store works. An `EventTarget` listener added and removed per operation costs each of them more
 * than a `MemoryStore` write (Node.js validates the listener and its options, and searches its list to
 * remove it); here a signal gets one listener, the first time anything waits on it, and each operation only
 * enters and leaves a set.
 *
 * @module
 */

/** The callbacks waiting on each signal that has not fired yet. */
const waiting = new WeakMap<AbortSignal, Set<() => void>>();

/**
 * Calls `onAbort` once when `signal` fires, unless the returned function is called first. Like
 * `addEventListener("abort", onAbort, { once: true })`: nothing happens for a signal that has fired already,
 * and callbacks run in the order they started waiting.
 *
 * @throws whatever the signal's `addEventListener` throws, the first time anything waits on it (a look-alike
 *   that is not usable).
 */
export function whenAborted(signal: AbortSignal, onAbort: () => void): () => void {
  const callbacks = waiting.get(signal) ?? listenTo(signal);
  // An entry of its own: two operations that pass the same function are two waits (one listener, added
  // twice, would be called once).
  const entry = () => onAbort();
  callbacks.add(entry);
  return () => {
    callbacks.delete(entry);
  };
}

/**
 * Settles as `promise` does, or rejects with `abortReason()` as soon as `signal` fires while it is pending:
 * what every wait of an operation on the store (or on a resolver) comes down to.
 *
 * @throws whatever {@link whenAborted} throws (a look-alike signal that is not usable), before any waiting.
 */
export function settleUnlessAborted<T>(
  promise: Promise<T>,
  signal: AbortSignal,
  abortReason: () => unknown,
): Promise<T> {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const answer = new Promise<T>((settle, fail) => {
    resolve = settle;
    reject = fail;
  });
  const stopWaiting = whenAborted(signal, () => reject(abortReason()));
  promise.then(
    (value) => {
      stopWaiting();
      resolve(value);
    },
    (error: unknown) => {
      stopWaiting();
      reject(error);
    },
  );
  return answer;
}

/** The signal's one listener, added the first time anything waits on it; the set of callbacks it calls. */
function listenTo(signal: AbortSignal): Set<() => void> {
  const callbacks = new Set<() => void>();
  signal.addEventListener("abort", () => callEach(signal, callbacks), { once: true });
  waiting.set(signal, callbacks);
  return callbacks;
}

/**
 * Calls every callback waiting on `signal`, each whatever the others do, as separate listeners would be; the
 * first one's failure is thrown once all have run, for the platform to report as it reports a listener's.
 */
function callEach(signal: AbortSignal, callbacks: Set<() => void>): void {
  waiting.delete(signal);
  let failure: { error: unknown } | undefined;
  for (const callback of callbacks) {
    try {
      callback();
    } catch (error) {
      failure ??= { error };
    }
  }
  if (failure) throw failure.error;
}
