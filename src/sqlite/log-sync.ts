/**
 * Durable commits without blocking the event loop. With `PRAGMA synchronous = FULL`, SQLite syncs the
 * write-ahead log to the disk inside every `COMMIT`, and since both drivers are synchronous, the event loop
 * waits out each `fsync` (about a tenth of a millisecond on a fast disk, far more on most): a server answers
 * nothing meanwhile. Instead, the store commits with `synchronous = NORMAL` (the log reaches the operating
 * system, not yet the disk) and syncs the log itself, on libuv's thread pool, before any answer that depends
 * on a commit is given. The event loop serves other requests while the disk works, and one sync serves every
 * commit made before it started.
 *
 * Why this is as durable as `FULL`: in WAL mode, `NORMAL` differs from `FULL` only in that it does not sync
 * the log at each commit; it still syncs the log before a checkpoint copies it into the database, so a
 * commit is durable once the log holding it has been synced, by a checkpoint or by us. A commit can be seen
 * by other connections before it is durable (a process that read it may act on it); in this process nothing
 * is answered before the commits it depends on are synced: a write waits for every commit before it (its
 * checks read the whole database), a read of one user's records for the commits that changed that user's
 * records (nothing else can change what it answers), any other read for every commit.
 *
 * A lone write is the exception (see {@link LogSync.durableAfterBatch}): when its batch held only it, no sync
 * is under way and syncs have been fast, its commit is synced at once, on the event loop, as `FULL` would.
 *
 * @module
 */
import { closeSync, fdatasync, fdatasyncSync, fsync, fsyncSync, openSync } from "node:fs";
import { dirname } from "node:path";
import { promisify } from "node:util";

const fdatasyncAsync = promisify(fdatasync);
const fsyncAsync = promisify(fsync);

/**
 * How long the log's file descriptor stays open after its last sync. Opening and closing it cost more than a
 * fifth of a sync's time, so a busy store keeps it; an idle one gives it back, since the store has no close
 * of its own (it does not own the database) to give it back at.
 */
const IDLE_CLOSE_MS = 2_000;

/**
 * How long a sync may have taken for the next lone write's sync to run on the event loop (see
 * {@link LogSync.durableAfterBatch}). Handing a sync to the thread pool and being woken at its end cost a lone
 * booking 50–100 µs more than syncing in place on the machine of docs/benchmarks.md, as much as a fast disk's
 * sync itself; once a sync takes a millisecond, that is a small share, and blocking the loop for it is not.
 */
const IN_PLACE_SYNC_MAX_MS = 1;

interface Waiter {
  readonly commit: number;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/** Syncs a database's write-ahead log, once for all the commits made before each sync. */
export class LogSync {
  readonly #logFile: string;
  #committed = 0;
  #synced = 0;
  /** The last commit that changed each user's records, while it may not be synced yet. */
  #userCommits = new Map<string, number>();
  /** The last commit that may have changed any user's records (a purge, a migration). */
  #commitOfAll = 0;
  #running = false;
  #directorySynced = false;
  #waiters: Waiter[] = [];
  /** The log's descriptor while syncs keep coming (see {@link IDLE_CLOSE_MS}), and when it was last used. */
  #fd: number | undefined;
  #lastSyncMs = 0;
  /** How long the last sync took (from its start until it was seen done); `Infinity` before the first. */
  #lastSyncTookMs = Number.POSITIVE_INFINITY;
  #idleCheck: NodeJS.Timeout | undefined;

  /** `databaseFile`: the main database file's path (its log is `<databaseFile>-wal`). */
  constructor(databaseFile: string) {
    this.#logFile = `${databaseFile}-wal`;
  }

  /**
   * Records that the connection has just committed: the next {@link durable} waits for a sync. `users`: the
   * users whose records the commit changed; without it, it may have changed anyone's.
   */
  committed(users?: Iterable<string>): void {
    this.#committed += 1;
    if (users === undefined) this.#commitOfAll = this.#committed;
    else for (const user of users) this.#userCommits.set(user, this.#committed);
  }

  /**
   * Resolves once every commit recorded so far is on the disk, or with `userId`, every one that changed that
   * user's records (or may have: see {@link committed}); at once when none is waiting for a sync. Rejects with
   * the sync's error when it failed (the commits are then of unknown durability).
   */
  durable(userId?: string): Promise<void> {
    const commit =
      userId === undefined ? this.#committed : Math.max(this.#commitOfAll, this.#userCommits.get(userId) ?? 0);
    if (this.#synced >= commit) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.#waiters.push({ commit, resolve, reject });
      void this.#run();
    });
  }

  /**
   * {@link durable} for every commit, after a batch of `writes` writes has committed. A lone write (a batch of
   * one) whose commit nothing else waits on, while no sync is under way, is synced here, on the event loop,
   * when the last sync took under {@link IN_PLACE_SYNC_MAX_MS}: the promise is settled when this returns. A
   * request that arrives meanwhile waits out that one fast sync, and finds the next batch holding more than
   * one write, which syncs off the loop again: so a busy server keeps gathering commits into each sync, and a
   * lone caller gets the latency of `FULL`.
   */
  durableAfterBatch(writes: number): Promise<void> {
    const inPlace =
      writes === 1 &&
      !this.#running &&
      this.#waiters.length === 0 &&
      this.#synced < this.#committed &&
      this.#lastSyncTookMs < IN_PLACE_SYNC_MAX_MS;
    if (!inPlace) return this.durable();
    const target = this.#committed;
    try {
      this.#syncLogInPlace();
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error);
    } finally {
      this.#markSynced(target); // synced, or of unknown durability: nothing later waits for it (as in #run)
    }
  }

  /** Syncs until no waiter is left; one sync at a time, each covering every commit made before it began. */
  async #run(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    try {
      while (this.#waiters.length > 0) {
        const target = this.#committed;
        let failure: { error: unknown } | undefined;
        try {
          await this.#syncLog();
        } catch (error) {
          failure = { error };
        }
        this.#markSynced(target);
        const settled = this.#waiters.filter((waiter) => waiter.commit <= target);
        this.#waiters = this.#waiters.filter((waiter) => waiter.commit > target);
        for (const waiter of settled) {
          if (failure) waiter.reject(failure.error);
          else waiter.resolve();
        }
      }
    } finally {
      this.#running = false;
    }
  }

  /**
   * Records that every commit up to `target` has been synced: or, when the sync failed, that it is of unknown
   * durability, which its waiters were told; nothing later waits for it.
   */
  #markSynced(target: number): void {
    this.#synced = target;
    for (const [user, commit] of this.#userCommits) if (commit <= target) this.#userCommits.delete(user);
  }

  /**
   * `fdatasync` of the log, and once, of its directory (the log's entry in it must survive too, as SQLite
   * ensures for a new log). No log file means nothing is waiting in one: SQLite removes it only after a
   * checkpoint copied it all into the database and synced that, and never while this store's connection has
   * the database open (a log open here is the log the connection writes).
   */
  async #syncLog(): Promise<void> {
    const fd = this.#openLog();
    if (fd === undefined) return;
    const started = performance.now();
    this.#lastSyncMs = started;
    try {
      await fdatasyncAsync(fd);
    } catch (error) {
      // Not used again: after a failed sync, Linux may answer the next one on it as if all were well.
      this.#dropLog();
      throw error;
    }
    if (this.#mustSyncDirectory()) {
      const directory = openSync(dirname(this.#logFile), "r");
      try {
        await fsyncAsync(directory);
      } finally {
        closeSync(directory);
      }
      this.#directorySynced = true;
    }
    this.#lastSyncTookMs = performance.now() - started;
  }

  /** {@link #syncLog} on this thread: the same syncs, each blocking until it is done. */
  #syncLogInPlace(): void {
    const fd = this.#openLog();
    if (fd === undefined) return;
    const started = performance.now();
    this.#lastSyncMs = started;
    try {
      fdatasyncSync(fd);
    } catch (error) {
      this.#dropLog(); // as in #syncLog
      throw error;
    }
    if (this.#mustSyncDirectory()) {
      const directory = openSync(dirname(this.#logFile), "r");
      try {
        fsyncSync(directory);
      } finally {
        closeSync(directory);
      }
      this.#directorySynced = true;
    }
    this.#lastSyncTookMs = performance.now() - started;
  }

  /** Whether the log's directory still needs its one sync (not on Windows, where a directory cannot be opened). */
  #mustSyncDirectory(): boolean {
    return !this.#directorySynced && process.platform !== "win32";
  }

  /** The log's descriptor, opened when none is (`undefined`: no log file), kept until the store is idle. */
  #openLog(): number | undefined {
    if (this.#fd !== undefined) return this.#fd;
    try {
      this.#fd = openSync(this.#logFile, "r+");
    } catch (error) {
      if ((error as { code?: unknown }).code === "ENOENT") return undefined;
      throw error;
    }
    if (this.#idleCheck === undefined) this.#checkIdleIn(IDLE_CLOSE_MS);
    return this.#fd;
  }

  /** Looks, after `delayMs`, whether the descriptor has gone unused for {@link IDLE_CLOSE_MS}. */
  #checkIdleIn(delayMs: number): void {
    this.#idleCheck = setTimeout(() => this.#closeWhenIdle(), Math.max(1, delayMs)).unref();
  }

  /** Closes the log's descriptor when no sync has used it for {@link IDLE_CLOSE_MS}; else looks again later. */
  #closeWhenIdle(): void {
    this.#idleCheck = undefined;
    if (this.#fd === undefined) return;
    // A sync under way is use; else, the time left until the last one is IDLE_CLOSE_MS old.
    const leftMs = this.#running ? IDLE_CLOSE_MS : IDLE_CLOSE_MS - (performance.now() - this.#lastSyncMs);
    if (leftMs > 0) this.#checkIdleIn(leftMs);
    else this.#dropLog();
  }

  /** Closes the log's descriptor, if open: the next sync opens it again. */
  #dropLog(): void {
    const fd = this.#fd;
    this.#fd = undefined;
    if (fd !== undefined) closeSync(fd);
  }
}
