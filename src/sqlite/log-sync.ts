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
 * is answered before the commits it saw are synced.
 *
 * @module
 */
import { closeSync, fdatasync, fsync, openSync } from "node:fs";
import { dirname } from "node:path";
import { promisify } from "node:util";

const fdatasyncAsync = promisify(fdatasync);
const fsyncAsync = promisify(fsync);

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
  #running = false;
  #directorySynced = false;
  #waiters: Waiter[] = [];

  /** `databaseFile`: the main database file's path (its log is `<databaseFile>-wal`). */
  constructor(databaseFile: string) {
    this.#logFile = `${databaseFile}-wal`;
  }

  /** Records that the connection has just committed: the next {@link durable} waits for a sync. */
  committed(): void {
    this.#committed += 1;
  }

  /**
   * Resolves once every commit recorded so far is on the disk: at once when none is waiting for a sync.
   * Rejects with the sync's error when it failed (the commits are then of unknown durability).
   */
  durable(): Promise<void> {
    const commit = this.#committed;
    if (this.#synced >= commit) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.#waiters.push({ commit, resolve, reject });
      void this.#run();
    });
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
        this.#synced = target;
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
   * `fdatasync` of the log, and once, of its directory (the log's entry in it must survive too, as SQLite
   * ensures for a new log). No log file means nothing is waiting in one: SQLite removes it only after a
   * checkpoint copied it all into the database and synced that.
   */
  async #syncLog(): Promise<void> {
    // Opening and closing a file take microseconds: done here, so that only the sync waits in the pool.
    let fd: number;
    try {
      fd = openSync(this.#logFile, "r+");
    } catch (error) {
      if ((error as { code?: unknown }).code === "ENOENT") return;
      throw error;
    }
    try {
      await fdatasyncAsync(fd);
    } finally {
      closeSync(fd);
    }
    if (!this.#directorySynced && process.platform !== "win32") {
      const directory = openSync(dirname(this.#logFile), "r");
      try {
        await fsyncAsync(directory);
      } finally {
        closeSync(directory);
      }
      this.#directorySynced = true;
    }
  }
}
