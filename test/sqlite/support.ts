/**
 * What the SQLite store's own tests share: write requests as the scheduler sends them, a database that fails
 * where a test says (a statement whose `run` throws SQLite's error) or counts the statements it runs, and
 * child processes running a fixture.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import type { BookChange, JsonObject, ResourceClaim, WriteRequest } from "appointment-scheduler";
import type { SqliteDatabase, SqliteStatement } from "../../src/sqlite/index.js";

export const DAY_MS = 86_400_000;

/**
 * A `book` write of 30 minutes at `startMs` (local times `localShiftMs` after the instants), for the seed's
 * day limit of one in UTC, with the candidates' windows the scheduler would give.
 */
export function booking(
  userId: string,
  id: string,
  startMs: number,
  extra: Partial<WriteRequest> = {},
  { localShiftMs = 0, metadata = null }: { localShiftMs?: number; metadata?: JsonObject | null } = {},
): WriteRequest {
  const day = Math.floor((startMs + localShiftMs) / DAY_MS) * DAY_MS;
  return {
    userId,
    change: {
      type: "book",
      id,
      times: {
        startMs,
        endMs: startMs + 1_800_000,
        localStartMs: startMs + localShiftMs,
        localEndMs: startMs + 1_800_000 + localShiftMs,
      },
      metadata,
      occupancy: {
        periods: [{ fromMs: day - 1, toMs: day + DAY_MS }],
        limit: 1,
        noOverlap: true,
        candidatesStartWithin: { fromMs: day - 12 * DAY_MS, toMs: day + 2 * DAY_MS },
        candidatesEndWithin: { fromMs: day - 2 * DAY_MS, toMs: day + 12 * DAY_MS },
      },
    },
    atMs: 1_000,
    changeExpiresAtMs: 2_000,
    ...extra,
  };
}

/** What {@link resourceBooking} and {@link resourceMove} claim: a resource, buffers and capacity. */
export interface ClaimOptions {
  readonly resourceId?: string;
  /** Default 30 minutes. */
  readonly durationMs?: number;
  /** Buffers before and after, occupying the resource (default 0). */
  readonly beforeMs?: number;
  readonly afterMs?: number;
  /** Default 1. */
  readonly capacity?: number;
  /** The longest span a record of the resource may have, for the candidates' window (default a day). */
  readonly maxSpanMs?: number;
}

/** The times of `durationMs` at `startMs` (local times as the instants), and the claim of `options` on them. */
function claimed(startMs: number, options: ClaimOptions) {
  const { resourceId = "room", durationMs = 1_800_000, beforeMs = 0, afterMs = 0, capacity = 1 } = options;
  const maxSpanMs = options.maxSpanMs ?? DAY_MS;
  const endMs = startMs + durationMs;
  const fromMs = startMs - beforeMs;
  const toMs = endMs + afterMs;
  return {
    times: { startMs, endMs, localStartMs: startMs, localEndMs: endMs },
    resource: { resourceId, fromMs, toMs, capacity, candidatesStartWithin: { fromMs: fromMs - maxSpanMs, toMs } },
  };
}

/** An occupancy that no record violates (no period, overlap allowed): only the resource counts. */
const FREE_OCCUPANCY = {
  periods: [],
  limit: 1,
  noOverlap: false,
  candidatesStartWithin: { fromMs: -DAY_MS * 1e6, toMs: DAY_MS * 1e6 },
  candidatesEndWithin: { fromMs: -DAY_MS * 1e6, toMs: DAY_MS * 1e6 },
};

/** A `book` write at `startMs` claiming a resource, under an occupancy that never refuses it. */
export function resourceBooking(
  userId: string,
  id: string,
  startMs: number,
  options: ClaimOptions & { appointmentType?: string | null } = {},
  extra: Partial<WriteRequest> = {},
): WriteRequest {
  const { times, resource } = claimed(startMs, options);
  return {
    userId,
    change: {
      type: "book",
      id,
      times,
      metadata: null,
      occupancy: FREE_OCCUPANCY,
      resource,
      appointmentType: options.appointmentType ?? null,
    },
    atMs: 1_000,
    changeExpiresAtMs: 2_000,
    ...extra,
  };
}

/** A `move` write of `id` to `startMs`, claiming a resource (or none, with `resource: null`). */
export function resourceMove(
  userId: string,
  id: string,
  startMs: number,
  options: ClaimOptions & { resource?: null; expectedVersion?: number | null; earliestStartMs?: number | null } = {},
  extra: Partial<WriteRequest> = {},
): WriteRequest {
  const { times, resource } = claimed(startMs, options);
  return {
    userId,
    change: {
      type: "move",
      id,
      times,
      occupancy: FREE_OCCUPANCY,
      earliestStartMs: options.earliestStartMs ?? null,
      resource: options.resource === null ? null : resource,
      expectedVersion: options.expectedVersion ?? null,
    },
    atMs: 1_200,
    changeExpiresAtMs: 2_000,
    ...extra,
  };
}

/** A `cancel` write of `id`. */
export function cancellation(userId: string, id: string, extra: Partial<WriteRequest> = {}): WriteRequest {
  return {
    userId,
    change: { type: "cancel", id, reason: null, earliestStartMs: null },
    atMs: 1_500,
    changeExpiresAtMs: 2_000,
    ...extra,
  };
}

/** `request` (a booking) as a hold until `expiresAtMs`: the same record, `held`. */
export function asHold(request: WriteRequest, expiresAtMs: number): WriteRequest {
  const change = request.change as BookChange;
  return { ...request, change: { ...change, type: "hold", expiresAtMs } };
}

/**
 * `request` (a booking or hold with one claim) claiming the first of `resourceIds` that is not full instead:
 * a choice of the same claim on each, in that order.
 */
export function onAnyOf(request: WriteRequest, resourceIds: readonly string[]): WriteRequest {
  const change = request.change as BookChange;
  const claim = change.resource as ResourceClaim;
  return {
    ...request,
    change: { ...change, resource: { anyOf: resourceIds.map((resourceId) => ({ ...claim, resourceId })) } },
  };
}

/** A `confirm` (or, with `type`, a `release`) of the hold `id`, at `atMs`. */
export function holdChange(
  userId: string,
  id: string,
  atMs: number,
  type: "confirm" | "release" = "confirm",
  extra: Partial<WriteRequest> = {},
): WriteRequest {
  return { userId, change: { type, id }, atMs, changeExpiresAtMs: 100_000, ...extra };
}

/** SQLite's error as the driver raises it: better-sqlite3's `SqliteError`, or `node:sqlite`'s. */
export function sqliteError(db: SqliteDatabase, message: string, code: string, errcode: number): Error {
  if (typeof (db as { pragma?: unknown }).pragma === "function") {
    return Object.assign(new Error(message), { name: "SqliteError", code });
  }
  return Object.assign(new Error(message), { code: "ERR_SQLITE_ERROR", errcode, errstr: message });
}

/** When a statement of {@link failingDatabase} fails: its SQL matches `sql`, and `after` says whether it ran first. */
export interface Fault {
  readonly sql: RegExp;
  /** Only when run with parameters for which this answers true (default: any). */
  readonly params?: (params: unknown[]) => boolean;
  /** Run the statement, then throw (as a commit that wrote and then failed to sync), or throw instead. */
  readonly after: boolean;
  readonly error: Error;
  /** Fail this many times (default: every time). */
  times?: number;
}

/**
 * `db` with the same shape (so the store takes it for the same driver), each of whose statements runs through
 * `around(sql, params, run)`: `run` runs it.
 */
export function wrappedDatabase(
  db: SqliteDatabase,
  around: (sql: string, params: unknown[], run: () => unknown) => unknown,
): SqliteDatabase {
  const prepare = (sql: string): SqliteStatement => {
    const statement = db.prepare(sql);
    return {
      run: (...params) => around(sql, params, () => statement.run(...params)),
      get: (...params) => around(sql, params, () => statement.get(...params)),
      all: (...params) => around(sql, params, () => statement.all(...params)) as unknown[],
    };
  };
  if (typeof (db as { pragma?: unknown }).pragma === "function") {
    const better = db as SqliteDatabase & {
      pragma: (...args: unknown[]) => unknown;
      open: boolean;
      inTransaction: boolean;
    };
    return {
      prepare,
      exec: (sql: string) => better.exec(sql),
      pragma: (...args: unknown[]) => better.pragma(...args),
      get open() {
        return better.open;
      },
      get inTransaction() {
        return better.inTransaction;
      },
    } as SqliteDatabase;
  }
  const node = db as SqliteDatabase & { open(): void; close(): void };
  return { prepare, exec: (sql: string) => node.exec(sql), open: () => node.open(), close: () => node.close() };
}

/** `db` whose statements matching a fault throw its error when run. `faults` may be changed while the store uses it. */
export function failingDatabase(db: SqliteDatabase, faults: Fault[]): SqliteDatabase {
  return wrappedDatabase(db, (sql, params, run) => {
    const fault = faults.find(
      (f) => f.sql.test(sql) && (f.params?.(params) ?? true) && (f.times === undefined || f.times > 0),
    );
    if (!fault) return run();
    if (fault.times !== undefined) fault.times--;
    if (fault.after) run();
    throw fault.error;
  });
}

/** `db`, counting the runs of each statement by its SQL: `runs("COMMIT")` is how many commits were run so far. */
export function countingDatabase(db: SqliteDatabase): { db: SqliteDatabase; runs(sql: string): number } {
  const counts = new Map<string, number>();
  const counted = wrappedDatabase(db, (sql, _params, run) => {
    counts.set(sql, (counts.get(sql) ?? 0) + 1);
    return run();
  });
  return { db: counted, runs: (sql) => counts.get(sql) ?? 0 };
}

/** A child process running a TypeScript fixture of this folder under tsx, from the repository's root. */
export interface Child {
  readonly child: ChildProcess;
  /** Resolves with what it printed to stdout, once it exits 0; rejects with its output otherwise. */
  readonly done: Promise<string>;
}

export function runFixture(name: string, args: string[]): Child {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url)), ...args],
    { cwd: fileURLToPath(new URL("../..", import.meta.url)), stdio: ["pipe", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const done = once(child, "exit").then(([code, signal]) => {
    if (code !== 0) throw new Error(`${name} exited ${code ?? signal}:\n${stderr}${stdout}`);
    return stdout;
  });
  return { child, done };
}

/** Resolves once the child has printed `line` on a line of its own. */
export function printed(child: ChildProcess, line: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = "";
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.split("\n").includes(line)) {
        child.stdout?.off("data", onData);
        resolve();
      }
    };
    child.stdout?.on("data", onData);
    child.once("exit", () => reject(new Error(`exited before printing ${line}: ${seen}`)));
  });
}
