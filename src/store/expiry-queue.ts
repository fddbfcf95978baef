/**
 * Items by the time they expire, for {@link MemoryStore}: a binary min-heap, so that removing what has
 * expired costs O(log n) per removed item and never looks at a live one.
 *
 * @module
 */

const NONE: readonly never[] = Object.freeze([]);

/** A min-heap of items keyed by their expiry (epoch milliseconds). */
export class ExpiryQueue<T> {
  readonly #heap: { expiresAtMs: number; item: T }[] = [];

  get size(): number {
    return this.#heap.length;
  }

  push(expiresAtMs: number, item: T): void {
    const heap = this.#heap;
    heap.push({ expiresAtMs, item });
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((heap[parent] as { expiresAtMs: number }).expiresAtMs <= expiresAtMs) break;
      [heap[i], heap[parent]] = [heap[parent] as (typeof heap)[number], heap[i] as (typeof heap)[number]];
      i = parent;
    }
  }

  /** Removes and returns the items that expired at or before `nowMs`, earliest first. */
  popExpired(nowMs: number): readonly T[] {
    const heap = this.#heap;
    // The common case, on every write: nothing has expired, and nothing is allocated.
    if (heap.length === 0 || (heap[0] as { expiresAtMs: number }).expiresAtMs > nowMs) return NONE;
    const expired: T[] = [];
    while (heap.length > 0 && (heap[0] as { expiresAtMs: number }).expiresAtMs <= nowMs) {
      expired.push((heap[0] as { item: T }).item);
      const last = heap.pop() as (typeof heap)[number];
      if (heap.length === 0) break;
      heap[0] = last;
      this.#siftDown();
    }
    return expired;
  }

  #siftDown(): void {
    const heap = this.#heap;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < heap.length && (heap[left]?.expiresAtMs ?? 0) < (heap[smallest]?.expiresAtMs ?? 0)) smallest = left;
      if (right < heap.length && (heap[right]?.expiresAtMs ?? 0) < (heap[smallest]?.expiresAtMs ?? 0)) smallest = right;
      if (smallest === i) return;
      [heap[i], heap[smallest]] = [heap[smallest] as (typeof heap)[number], heap[i] as (typeof heap)[number]];
      i = smallest;
    }
  }
}
