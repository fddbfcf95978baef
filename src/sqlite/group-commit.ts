/**
 * Group commit: writes issued close together run as one batch, so that one transaction, and one sync of its
 * commit to the disk, serves them all. A write joins the queue when it is called; the queue is flushed once
 * the event loop has handled the I/O of its current turn (`setImmediate`), so that the writes of every
 * request that arrived in that turn (concurrent HTTP requests, say) share a batch, and a lone write waits
 * for no more than the rest of its turn. A batch holds at most `maxBatch` writes (so that a transaction
 * stays short); the writes beyond it make the next batch, on the next turn.
 *
 * This module only gathers writes and settles their promises: running a batch, in order, and answering
 * each write's own outcome is the caller's `runBatch` (see `SqliteStore`). A batch may answer once its
 * commit is durable (a promise): the next batch does not wait for that.
 *
 * @module
 */

/** What a batch answers for one of its writes: its value, or the error its promise rejects with. */
export type Settlement<R> = { readonly value: R } | { readonly error: unknown };

/** What running a batch answers: one settlement per write, now or once the batch's commit is durable. */
export type BatchOutcome<R> = readonly Settlement<R>[] | Promise<readonly Settlement<R>[]>;

/** The default of `maxBatch`: how many writes one transaction holds at most. */
export const DEFAULT_MAX_BATCH = 64;

/**
 * The event loop's next check phase, as it was when this module loaded: a test that fakes timers later
 * (`vi.useFakeTimers()`) does not hold the store's writes back.
 */
const nextTurn = globalThis.setImmediate;

interface Queued<W, R> {
  readonly write: W;
  readonly resolve: (value: R) => void;
  readonly reject: (error: unknown) => void;
}

/** Writes of type `W` gathered into batches, each run by `runBatch`, each write settled with its own `R`. */
export class GroupCommit<W, R> {
  readonly #runBatch: (batch: readonly W[]) => BatchOutcome<R>;
  readonly #maxBatch: number;
  readonly #queue: Queued<W, R>[] = [];
  #flushScheduled = false;

  /**
   * `runBatch` runs the writes of a batch, in order, synchronously, and answers one settlement per write,
   * in the same order, or a promise of them (when the answers wait for the commit to reach the disk: the
   * next batch runs meanwhile). If it throws or rejects, every write of the batch rejects with its error.
   */
  constructor(runBatch: (batch: readonly W[]) => BatchOutcome<R>, maxBatch = DEFAULT_MAX_BATCH) {
    this.#runBatch = runBatch;
    this.#maxBatch = maxBatch;
  }

  /** Queues `write`: settles with its own outcome once the batch it joined has run. */
  add(write: W): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.#queue.push({ write, resolve, reject });
      this.#scheduleFlush();
    });
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    nextTurn(() => this.#flush());
  }

  /** Runs the first `maxBatch` writes of the queue as one batch; the rest wait for the next turn. */
  #flush(): void {
    this.#flushScheduled = false;
    const batch = this.#queue.splice(0, this.#maxBatch);
    if (this.#queue.length > 0) this.#scheduleFlush();
    let outcome: BatchOutcome<R>;
    try {
      outcome = this.#runBatch(batch.map((queued) => queued.write));
    } catch (error) {
      for (const queued of batch) queued.reject(error);
      return;
    }
    if (Array.isArray(outcome)) settle(batch, outcome);
    else
      (outcome as Promise<readonly Settlement<R>[]>).then(
        (settlements) => settle(batch, settlements),
        (error: unknown) => {
          for (const queued of batch) queued.reject(error);
        },
      );
  }
}

/** Settles each write of `batch` with its settlement. */
function settle<W, R>(batch: readonly Queued<W, R>[], settlements: readonly Settlement<R>[]): void {
  for (const [i, queued] of batch.entries()) {
    const settlement = settlements[i] ?? { error: new Error("The batch answered no outcome for this write") };
    if ("error" in settlement) queued.reject(settlement.error);
    else queued.resolve(settlement.value);
  }
}
