/**
 * One process at a time in a data directory: the lock the example servers take on `DATA_DIR` before PGlite
 * opens it. PGlite is PostgreSQL for one process; two processes on one directory both start, both answer, and
 * damage it (issue 13). With the lock, the second one stops at start, naming the first.
 *
 * The lock is the file `server.lock` in the directory, holding who made it: pid, host name, boot id and the
 * process's start (Linux), a random token. It is created by `link()` from a complete temporary file, so it
 * appears whole or not at all, and only if it did not exist (as `open(…, "wx")`, without a moment in which
 * it exists but is empty). A clean stop removes it.
 *
 * A lock left by a process that no longer runs (`kill -9`, a crash, a power cut) is stale, and the next
 * process takes it over. Stale means, on the host that wrote it: the machine has restarted since (another
 * boot id), no process has its pid (or only a zombie, which has exited), or the process with its pid
 * started at another time than the one that wrote it (the pid was reused). A lock from another host is
 * never judged stale: this process cannot see that host's processes. Where the start time cannot be read
 * (not Linux), a reused pid keeps the lock held, and the message says to remove the file.
 *
 * Two processes that find the same stale lock must not both take it over (each removing the other's new
 * lock). The one that replaces it first creates a claim named after the stale lock's token (`link()`, so
 * exactly one creates it), checks that the lock is still the stale one, and only then puts its own in place
 * by `rename()`; the lock file is never missing during a take-over. A claim whose maker died in between is
 * passed over by claiming the next number, so a crash at any point leaves nothing that blocks for ever.
 *
 * Not a library: `proper-lockfile` (mkdir plus an mtime refreshed every few seconds, stale after a timeout,
 * 10 s by default) keeps a restart after `kill -9` waiting for the timeout, records no pid to name, and takes
 * a process whose event loop stalls past the timeout (a long synchronous PGlite query, a laptop asleep) for
 * dead, letting a second one in. Locks by pid are exact on one host, the only place where one PGlite
 * directory is used anyway (not over a network file system).
 */
import { randomBytes } from "node:crypto";
import {
  closeSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  realpathSync,
  renameSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { hostname } from "node:os";
import { join, relative } from "node:path";

/** The lock's file name inside the directory. */
export const LOCK_FILE_NAME = "server.lock";

/** Who holds (or held) a lock: what its file says. */
export interface LockHolder {
  readonly pid: number;
  readonly hostname: string;
  /** Linux's `/proc/sys/kernel/random/boot_id`: another value means the machine restarted since. */
  readonly bootId?: string | undefined;
  /** Linux's start time of the process (`/proc/<pid>/stat`, ticks after boot): tells a reused pid. */
  readonly processStart?: string | undefined;
  /** When the process started, ISO 8601, for people. */
  readonly startedAt: string;
  /** The script it runs, for people: `examples/express.ts`. */
  readonly command: string;
  /** Random: tells this lock from any other with the same pid. */
  readonly token: string;
}

/** A held lock. */
export interface DataDirLock {
  readonly lockFile: string;
  readonly holder: LockHolder;
  /** Removes the lock file, if it is still this lock's. Safe to call twice. */
  release(): void;
}

export interface LockDataDirOptions {
  /** Called when a stale lock is taken over, with its holder and why it was judged stale. */
  readonly onStaleLock?: (holder: LockHolder, reason: string) => void;
}

/** The directory is locked by a process that runs, or may run: nothing in it was opened or changed. */
export class DataDirInUseError extends Error {
  override readonly name = "DataDirInUseError";
  constructor(
    readonly dataDir: string,
    readonly lockFile: string,
    /** `undefined` when the lock file could not be read. */
    readonly holder: LockHolder | undefined,
    why: "held" | "held-here" | "unreadable",
  ) {
    super(inUseMessage(dataDir, lockFile, holder, why));
  }
}

/** Lock files this process holds (by real path), kept on `globalThis` so that two copies of this module agree. */
const registry = globalThis as Record<symbol, Set<string> | undefined>;
const HELD_HERE = Symbol.for("appointment-scheduler.data-dir-locks");
registry[HELD_HERE] ??= new Set();
const heldHere: Set<string> = registry[HELD_HERE];

/** How often to look again while the lock file changes under us (a take-over by another process, in flight). */
const ATTEMPTS = 40;
const RETRY_DELAY_MS = 25;
/** Claims on one stale lock by processes that died in the middle of taking it over: a bound, not a wait. */
const MAX_CLAIMS = 100;

/**
 * Locks `dataDir` (created if missing) for this process, or throws {@link DataDirInUseError} naming the
 * process that holds it. Takes over a stale lock. Release the lock after closing what uses the directory.
 */
export async function lockDataDir(dataDir: string, options: LockDataDirOptions = {}): Promise<DataDirLock> {
  mkdirSync(dataDir, { recursive: true });
  const lockFile = join(dataDir, LOCK_FILE_NAME);
  const key = join(realpathSync(dataDir), LOCK_FILE_NAME);
  const me = ownRecord();
  let taker: LockHolder | undefined; // a live process seen taking over a stale lock
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    if (heldHere.has(key)) throw new DataDirInUseError(dataDir, lockFile, me, "held-here");
    const holder = readRecord(lockFile);
    let outcome: TakeOver;
    if (holder === "missing") {
      outcome = createExclusive(lockFile, me) ? "taken" : "changed";
    } else if (holder === "unreadable") {
      throw new DataDirInUseError(dataDir, lockFile, undefined, "unreadable");
    } else {
      const stale = staleness(holder, me);
      if (stale === null) throw new DataDirInUseError(dataDir, lockFile, holder, "held");
      outcome = takeOver(lockFile, holder, me);
      if (outcome === "taken") options.onStaleLock?.(holder, stale);
    }
    if (outcome === "taken") {
      heldHere.add(key);
      return {
        lockFile,
        holder: me,
        release: () => {
          if (!heldHere.delete(key)) return;
          const current = readRecord(lockFile);
          if (typeof current === "object" && current.token === me.token) unlinkSync(lockFile);
        },
      };
    }
    if (typeof outcome === "object") {
      taker = outcome.busy;
      await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS));
    }
  }
  // Still being taken over after every attempt: the taker runs, so it is the one that will hold the lock.
  if (taker) throw new DataDirInUseError(dataDir, lockFile, taker, "held");
  throw new Error(`Could not lock the data directory "${dataDir}": its lock file ${lockFile} kept changing`);
}

/**
 * What became of a take-over: "taken", "changed" (the lock is no longer the stale one: look again), or busy
 * (a live process, if it could be read, is taking it over: look again shortly).
 */
type TakeOver = "taken" | "changed" | { readonly busy: LockHolder | undefined };

/** Replaces the stale lock `stale` by `me`, if this process is the one to. */
function takeOver(lockFile: string, stale: LockHolder, me: LockHolder): TakeOver {
  const claimFile = (n: number) => `${lockFile}.takeover-${stale.token}.${n}`;
  for (let n = 1; n <= MAX_CLAIMS; n++) {
    if (createExclusive(claimFile(n), me)) {
      try {
        // Only a claim's maker replaces the lock, and only while it is still the stale one: the claims before
        // this one were made by processes that died, and a claim made after the replacement sees it.
        const current = readRecord(lockFile);
        if (typeof current !== "object" || current.token !== stale.token) return "changed";
        writeThenMove(lockFile, me);
        for (let m = 1; m < n; m++) removeIfPresent(claimFile(m));
        return "taken";
      } finally {
        removeIfPresent(claimFile(n));
      }
    }
    const claimant = readRecord(claimFile(n));
    if (claimant === "missing") return "changed"; // a take-over finished (or gave up) meanwhile
    if (claimant === "unreadable") return { busy: undefined };
    if (staleness(claimant, me) === null) return { busy: claimant };
  }
  return { busy: undefined };
}

/** Why `holder` no longer holds its lock, or `null` if it may still run. */
function staleness(holder: LockHolder, me: LockHolder): string | null {
  if (holder.hostname !== me.hostname) return null; // another machine's processes cannot be seen from here
  if (holder.bootId && me.bootId && holder.bootId !== me.bootId) return "this machine has restarted since";
  // This process holds no lock on the directory (checked first), so a lock with its pid was another process's.
  if (holder.pid === me.pid) return `its pid ${holder.pid} is now this process's`;
  if (!isRunning(holder.pid)) return `no process has pid ${holder.pid}`;
  const stat = processStat(holder.pid);
  // A zombie has exited (its files are closed) and waits for its parent to read its exit code.
  if (stat?.state === "Z" || stat?.state === "X") return `pid ${holder.pid} has exited`;
  if (holder.processStart && stat && stat.start !== holder.processStart) {
    return `pid ${holder.pid} is now another process`;
  }
  return null;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== "ESRCH"; // EPERM: it runs, as another user
  }
}

/**
 * Creates `file` holding `record` unless it exists: written whole to a temporary file (and flushed, so that
 * a power cut cannot leave an empty lock), then linked to its name, which fails if the name is taken.
 */
function createExclusive(file: string, record: LockHolder): boolean {
  const temporary = writeTemporary(file, record);
  try {
    linkSync(temporary, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  } finally {
    removeIfPresent(temporary);
  }
}

/** Puts `record` in `file` in one step, replacing what is there. */
function writeThenMove(file: string, record: LockHolder): void {
  const temporary = writeTemporary(file, record);
  try {
    renameSync(temporary, file);
  } catch (error) {
    removeIfPresent(temporary);
    throw error;
  }
}

function writeTemporary(file: string, record: LockHolder): string {
  const temporary = `${file}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  const fd = openSync(temporary, "wx", 0o644);
  try {
    writeSync(fd, `${JSON.stringify(record, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return temporary;
}

function removeIfPresent(file: string): void {
  try {
    unlinkSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}

/** What a lock (or claim) file says. */
function readRecord(file: string): LockHolder | "missing" | "unreadable" {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "missing";
    throw error;
  }
  try {
    const value = JSON.parse(text) as Partial<Record<keyof LockHolder, unknown>>;
    const optional = (field: unknown) => field === undefined || typeof field === "string";
    if (
      Number.isSafeInteger(value.pid) &&
      (value.pid as number) > 0 &&
      typeof value.hostname === "string" &&
      typeof value.startedAt === "string" &&
      typeof value.command === "string" &&
      typeof value.token === "string" &&
      /^[0-9a-f]{32}$/.test(value.token) &&
      optional(value.bootId) &&
      optional(value.processStart)
    ) {
      return value as LockHolder;
    }
  } catch {
    // not JSON: below
  }
  return "unreadable";
}

function ownRecord(): LockHolder {
  const script = process.argv[1];
  return {
    pid: process.pid,
    hostname: hostname(),
    bootId: readLinuxFile("/proc/sys/kernel/random/boot_id")?.trim(),
    processStart: processStat(process.pid)?.start,
    startedAt: new Date(Date.now() - process.uptime() * 1000).toISOString(),
    command: script ? relative(process.cwd(), script) || script : process.argv0,
    token: randomBytes(16).toString("hex"),
  };
}

/**
 * On Linux, the state of process `pid` (field 3 of `/proc/<pid>/stat`: `Z` for a zombie) and its start time
 * in ticks after boot (field 22).
 */
function processStat(pid: number): { state: string; start: string } | undefined {
  const stat = readLinuxFile(`/proc/${pid}/stat`);
  // The second field is the command in parentheses, which may hold spaces and parentheses itself.
  const fields = stat?.slice(stat.lastIndexOf(")") + 2).split(" ");
  const [state, start] = [fields?.[0], fields?.[19]];
  return state && start ? { state, start } : undefined;
}

function readLinuxFile(file: string): string | undefined {
  if (process.platform !== "linux") return undefined;
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

function inUseMessage(
  dataDir: string,
  lockFile: string,
  holder: LockHolder | undefined,
  why: "held" | "held-here" | "unreadable",
): string {
  if (why === "unreadable" || holder === undefined) {
    return (
      `The data directory "${dataDir}" may be in use by another process: its lock file ${lockFile} cannot be read. ` +
      `If no other process uses the directory, remove that file and start again.`
    );
  }
  if (why === "held-here") {
    return `The data directory "${dataDir}" is already open in this process (pid ${holder.pid}).`;
  }
  const who = `pid ${holder.pid} on host ${holder.hostname} (${holder.command}, started ${holder.startedAt})`;
  const sameHost = holder.hostname === hostname();
  return (
    `The data directory "${dataDir}" is in use by another process: ${who}. ` +
    "Only one process at a time may open it: stop that one, or give this one another directory. " +
    (sameHost
      ? `If no such process runs any more, remove ${lockFile}.`
      : `This host cannot tell whether that process still runs; if it does not, remove ${lockFile}.`)
  );
}
