/**
 * The PostgreSQL store: appointments, idempotency keys and the change feed in a database shared by any
 * number of processes.
 *
 * Every operation is one SQL statement, so one round trip and one transaction. A write calls the schema's
 * write function, which takes the user's lock and then checks the key, the appointment and the occupancy
 * and writes the change, its event and the key's outcome: no other write of that user can slip between a
 * check and the write, whichever process or connection it comes from. A write that claims a resource, or
 * a choice of several, takes the lock of each of them too, after the user's and in one fixed order (so no
 * deadlock), and checks the resources' capacity across users under them. Otherwise writes of different
 * users never wait for each other. Holds are appointments rows with a status and an expiry of their own.
 *
 * @module
 */
import { InvalidArgumentError, OperationAbortedError, OperationTimedOutError } from "../errors/scheduler-errors.js";
import type {
  AppointmentChange,
  AppointmentRecord,
  AppointmentStore,
  BookChange,
  ChangeQuery,
  ChangeRecord,
  HoldChange,
  Occupancy,
  RecordQuery,
  ResourceChoice,
  ResourceClaim,
  ResourceRecordQuery,
  StoreOperationOptions,
  WriteRequest,
  WriteResult,
} from "../store/appointment-store.js";
import { bookedRecord } from "../store/booked-record.js";
import { type RecordRow, recordFromRow } from "../store/record-row.js";
import { fromDriverError } from "./driver-errors.js";
import { parseFeedPosition } from "./feed-position.js";
import { DEFAULT_LEGACY_TIME_ZONE, legacyTimeZoneLiteral, migrationStatement } from "./migrations.js";
import type { PostgresQueryable } from "./queryable.js";
import {
  EVENT_COLUMNS,
  type EventRow,
  eventFromRow,
  feedRows,
  RECORD_COLUMNS,
  resultFromOutcome,
} from "./record-rows.js";
import type { PostgresSchemaOptions } from "./schema.js";
import { instantFromMs, lowerBoundMs, MAX_BOUND_MS, MIN_BOUND_MS, upperBoundMs } from "./sql-time.js";
import { type TableNames, tableNames } from "./table-names.js";
import {
  ARCHIVED_EVENT_COLUMNS,
  archivedEventValues,
  canHoldPeriodsSql,
  mayOccupyResourceSql,
  resourceOrderSql,
  WRITE_FUNCTION_ARGUMENTS,
} from "./write-function.js";

/** Options of {@link PostgresStore}. */
export interface PostgresStoreOptions extends PostgresSchemaOptions {
  /**
   * Send the store's statements as named prepared statements, parsed and planned once per connection
   * instead of at every call. Needs a driver whose `query` also takes node-postgres' `{ name, text, values }`
   * form (a `pg.Pool` or `pg.Client`, not PGlite), and, behind PgBouncer in transaction mode, PgBouncer 1.21
   * or later with `max_prepared_statements` set. Default `false`.
   */
  readonly preparedStatements?: boolean;
}

/** Options of {@link PostgresStore.migrate}. */
export interface PostgresMigrateOptions extends StoreOperationOptions {
  /**
   * The time zone in which 0.1 booked the appointments of a database it created: converting them records
   * their wall-clock times in it. Default `"UTC"`, 0.1's default zone. Only read when that conversion runs.
   */
  readonly legacyTimeZone?: string;
}

/** One of the store's statements: its text, and its name when statements are prepared. */
interface Statement {
  readonly text: string;
  readonly name: string | undefined;
}

/**
 * An {@link AppointmentStore} in PostgreSQL 14 or later, over node-postgres (`pg.Pool`, `pg.Client`) or
 * PGlite. It does not own the connection: close your pool or PGlite instance yourself.
 *
 * Create the schema with {@link PostgresStore.migrate} (idempotent, safe to call at every start, also from
 * several processes at once) or with the SQL of `postgresSchemaSql()` in your own migration tool.
 *
 * Deadlines: a write cannot be abandoned from the client without the risk of reporting failure for a
 * change that committed, so bound writes on the server with `statement_timeout` (and `lock_timeout`) in
 * your pool's configuration; the store reports a statement the server cancelled as `OperationTimedOutError`.
 *
 * @example
 * ```ts
 * import pg from "pg";
 * import { createScheduler } from "appointment-scheduler";
 * import { PostgresStore } from "appointment-scheduler/postgres";
 *
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, statement_timeout: 5000 });
 * pool.on("error", (error) => console.error("idle PostgreSQL client failed", error));
 * const store = new PostgresStore(pool);
 * await store.migrate();
 * const scheduler = createScheduler({ store });
 * ```
 */
export class PostgresStore implements AppointmentStore {
  readonly #db: PostgresQueryable;
  readonly #names: TableNames;
  readonly #write: Statement;
  readonly #listBooked: Statement;
  readonly #listAll: Statement;
  readonly #listHolding: Statement;
  readonly #listResource: Statement;
  readonly #get: Statement;
  readonly #changes: Statement;
  readonly #userChanges: Statement;
  readonly #purge: Statement;

  constructor(db: PostgresQueryable, options: PostgresStoreOptions = {}) {
    this.#db = db;
    const names = tableNames(options.tablePrefix, options.schema);
    this.#names = names;
    const { appointments, changes, idempotencyKeys, writeFunction } = names;
    // Names are per connection: the prefix, and the schema's hash, keep two stores on one pool apart, and
    // stay within the 63 bytes PostgreSQL keeps of a statement's name.
    const namespace = names.schema === undefined ? names.prefix : `${names.prefix}${shortHash(names.schema)}_`;
    const statement = (name: string, text: string): Statement => ({
      text,
      name: options.preparedStatements ? `${namespace}${name}` : undefined,
    });

    // A plain `SELECT f(…)`: the form Citus delegates to the node that owns the user.
    const parameters = WRITE_FUNCTION_ARGUMENTS.map((type, i) => `$${i + 1}::${type}`);
    this.#write = statement("write", `SELECT ${writeFunction}(${parameters.join(", ")}) AS outcome`);

    // Bounds always given (the widest when the query has none), so that one generic plan serves all.
    const list = (where: string) =>
      `SELECT id, ${RECORD_COLUMNS} FROM ${appointments} AS a
      WHERE a.user_id = $1 AND ${where}
        AND a.end_at > ${instantFromMs("$2::bigint")} AND a.start_at < ${instantFromMs("$3::bigint")}
        AND (a.start_at, a.id COLLATE "C") > (${instantFromMs("$4::bigint")}, $5::text)
      ORDER BY a.start_at, a.id COLLATE "C"
      LIMIT $6::bigint`;
    // Each through the index in list order; the planner may take the one on ends for a narrow range.
    this.#listBooked = statement("list_booked", list("a.status = 'booked'"));
    this.#listAll = statement("list_all", list("true"));
    // Those that can hold periods (held ones whatever their expiry: the caller judges them at its clock), for
    // availability: through the partial index on (user_id, end_at), whose predicate this is.
    this.#listHolding = statement("list_holding", list(`(${canHoldPeriodsSql("a")})`));
    // A resource's booked and held records (held whatever their expiry), every user's, through the partial
    // index on (resource_id, resource_from), whose predicate this implies: spans that end after the range's
    // start and start before its end, in the contract's order.
    this.#listResource = statement(
      "list_resource",
      `SELECT id, ${RECORD_COLUMNS} FROM ${appointments} AS a
      WHERE a.resource_id = $1::text AND (${mayOccupyResourceSql("a")})
        AND a.resource_to > ${instantFromMs("$2::bigint")} AND a.resource_from < ${instantFromMs("$3::bigint")}
        AND a.resource_from >= ${instantFromMs("$5::bigint")}
      ORDER BY ${resourceOrderSql("a")}
      LIMIT $4::bigint`,
    );
    this.#get = statement("get", `SELECT id, ${RECORD_COLUMNS} FROM ${appointments} WHERE user_id = $1 AND id = $2`);

    // The feed, in (xid, id) order, only up to the oldest transaction still running: see readChanges. The
    // earlier versions' events and the current ones', merged through both tables' (xid, id) indexes.
    // Qualified: a bare ORDER BY name would mean the output column of that name (the xid as text, the
    // appointment's id).
    const feed = (userId?: string) =>
      `SELECT ${EVENT_COLUMNS} FROM (${feedRows(changes, appointments, userId)}) AS e
      WHERE (e.feed_xid, e.feed_id) > ($1::xid8, $2::bigint)
        AND e.feed_xid < pg_snapshot_xmin(pg_current_snapshot())
      ORDER BY e.feed_xid, e.feed_id
      LIMIT $3::bigint`;
    this.#changes = statement("changes", feed());
    this.#userChanges = statement("user_changes", feed("$4::text"));

    // Keys through their expiry index, skipping rows a write holds. Expired holds likewise, through the
    // index of holds by expiry; the event of a hold's version, the row itself, is archived first unless it
    // has expired too, so that it stays in the feed, at its position, until it does. Events in feed order up
    // to the first one still live (see purgeExpired): no index on their expiry to write at every change.
    // (All as of the statement's one snapshot: the events archived here are not among those removed.)
    const now = instantFromMs("$1::bigint");
    this.#purge = statement(
      "purge",
      `WITH keys_removed AS (
        DELETE FROM ${idempotencyKeys} AS k
        WHERE (k.user_id, k.key) IN (
          SELECT e.user_id, e.key FROM ${idempotencyKeys} AS e
          WHERE e.expires_at <= ${now}
          FOR UPDATE SKIP LOCKED)
        RETURNING 1
      ), holds_removed AS (
        DELETE FROM ${appointments} AS a
        WHERE (a.user_id, a.id) IN (
          SELECT h.user_id, h.id FROM ${appointments} AS h
          WHERE h.status = 'held' AND h.hold_expires_at <= ${now}
          FOR UPDATE SKIP LOCKED)
          AND a.status = 'held' AND a.hold_expires_at <= ${now}
        RETURNING a.*
      ), holds_archived AS (
        INSERT INTO ${changes} (${ARCHIVED_EVENT_COLUMNS})
        SELECT ${archivedEventValues("d")}
        FROM holds_removed AS d
        WHERE d.change_expires_at > ${now}
      ), bound AS (
        SELECT coalesce(live.xid, '18446744073709551615'::xid8) AS xid, coalesce(live.id, 9223372036854775807) AS id
        FROM (SELECT) AS one
        LEFT JOIN LATERAL (
          SELECT c.xid, c.id FROM ${changes} AS c
          WHERE c.expires_at > ${now}
          ORDER BY c.xid, c.id
          LIMIT 1
        ) AS live ON true
      ), changes_removed AS (
        DELETE FROM ${changes} AS c USING bound
        WHERE (c.xid, c.id) < (bound.xid, bound.id) AND c.expires_at <= ${now}
        RETURNING 1
      )
      SELECT (SELECT count(*) FROM keys_removed)::float8 + (SELECT count(*) FROM holds_removed)::float8
        + (SELECT count(*) FROM changes_removed)::float8 AS removed`,
    );
  }

  /**
   * Creates the store's schema, or brings it up to date: every migration step the database lacks runs, in
   * one transaction, under an advisory lock per schema and prefix. Idempotent, and safe when several
   * processes call it at once (they take turns). A database created by 0.1 is converted; its appointments
   * get their wall-clock times in `options.legacyTimeZone` (default `"UTC"`, 0.1's default zone).
   *
   * On Citus, run it on the coordinator only (see `docs/scaling.md`).
   */
  async migrate(options: PostgresMigrateOptions = {}): Promise<void> {
    const legacyTimeZone = options.legacyTimeZone ?? DEFAULT_LEGACY_TIME_ZONE;
    legacyTimeZoneLiteral(legacyTimeZone);
    if (options.legacyTimeZone !== undefined) {
      // PostgreSQL's own list of zones decides: an unknown zone is the caller's error, not the store's.
      try {
        await this.#db.query("SELECT now() AT TIME ZONE $1::text", [legacyTimeZone]);
      } catch (error) {
        if ((error as { code?: unknown }).code === "22023") {
          throw new InvalidArgumentError(
            "options.legacyTimeZone",
            `PostgreSQL does not know the time zone ${legacyTimeZone}`,
            { cause: error },
          );
        }
        throw fromDriverError(error);
      }
    }
    const text = migrationStatement(this.#names, { legacyTimeZone });
    await this.#query({ text, name: undefined }, [], options.signal, "write");
  }

  async write(request: WriteRequest, options: StoreOperationOptions = {}): Promise<WriteResult> {
    const { change } = request;
    if (!WRITE_TYPES.has(change.type)) {
      throw new InvalidArgumentError("change.type", "change.type must be book, hold, move, cancel, confirm or release");
    }
    const claim = request.idempotency;
    const created = change.type === "book" || change.type === "hold" ? change : undefined;
    // The changes that place an appointment: their times and occupancy are checked.
    const placed = created ?? (change.type === "move" ? change : undefined);
    const times = placed?.times;
    const metadata = created && created.metadata !== null ? JSON.stringify(created.metadata) : null;
    const claims = created
      ? claimsParameter(created.resource)
      : change.type === "move"
        ? moveClaim(change.resource)
        : [];
    const params = [
      request.userId,
      change.type,
      change.id,
      msParameter("times.startMs", times?.startMs),
      msParameter("times.endMs", times?.endMs),
      msParameter("times.localStartMs", times?.localStartMs),
      msParameter("times.localEndMs", times?.localEndMs),
      metadata,
      change.type === "cancel" ? change.reason : null,
      (change.type === "move" || change.type === "cancel") && change.earliestStartMs !== null
        ? msParameter("change.earliestStartMs", change.earliestStartMs)
        : null,
      ...occupancyParameters(placed?.occupancy),
      msParameter("atMs", request.atMs),
      msParameter("changeExpiresAtMs", request.changeExpiresAtMs),
      claim?.key ?? null,
      claim?.fingerprint ?? null,
      claim === undefined ? null : msParameter("idempotency.expiresAtMs", claim.expiresAtMs),
      ...resourceParameters(claims),
      created ? textParameter("change.appointmentType", created.appointmentType) : null,
      change.type === "move" ? expectedVersionParameter(change.expectedVersion) : null,
      change.type === "hold" ? msParameter("change.expiresAtMs", change.expiresAtMs) : null,
    ];
    if (placed && params[3] === null) {
      throw new InvalidArgumentError("change.times", "a book, hold or move change needs its times");
    }
    if (change.type === "hold" && params.at(-1) === null) {
      throw new InvalidArgumentError("change.expiresAtMs", "a hold needs its expiresAtMs");
    }
    const [row] = await this.#query<{ outcome: unknown }>(this.#write, params, options.signal, "write");
    const result = resultFromOutcome(row?.outcome);
    if (result.status === "written" && result.record === undefined) {
      // Built here from the request, not sent back, with the claim taken; metadata as the store keeps it
      // (JSON, as jsonb reads it).
      const kept = metadata === null ? null : JSON.parse(metadata);
      return {
        status: "written",
        record: bookedRecord(
          request.userId,
          created as BookChange | HoldChange,
          request.atMs,
          kept,
          claims[result.claim] ?? null,
        ),
        replayed: false,
      };
    }
    return result as WriteResult;
  }

  async listAppointments(
    userId: string,
    query: RecordQuery,
    options: StoreOperationOptions = {},
  ): Promise<AppointmentRecord[]> {
    const statement =
      query.status === "all" ? this.#listAll : query.status === "holding" ? this.#listHolding : this.#listBooked;
    const params = [
      userId,
      query.fromMs === undefined ? MIN_BOUND_MS : lowerBoundMs(query.fromMs),
      query.toMs === undefined ? MAX_BOUND_MS : upperBoundMs(query.toMs),
      // After (start, id): stored starts are whole milliseconds, so a fractional start is the next one with
      // the empty id, before every record starting then.
      query.after === undefined ? MIN_BOUND_MS : afterStartMs(query.after.startMs),
      query.after === undefined || !Number.isInteger(query.after.startMs) ? "" : query.after.id,
      query.limit ?? null,
    ];
    const rows = await this.#query<RecordRow>(statement, params, options.signal, "read");
    return rows.map(recordFromRow);
  }

  async listResourceAppointments(
    resourceId: string,
    query: ResourceRecordQuery,
    options: StoreOperationOptions = {},
  ): Promise<AppointmentRecord[]> {
    const params = [
      resourceId,
      query.fromMs === undefined ? MIN_BOUND_MS : lowerBoundMs(query.fromMs),
      query.toMs === undefined ? MAX_BOUND_MS : upperBoundMs(query.toMs),
      query.limit ?? null,
      // The scheduler's bound on span starts: the index scan starts there, not at the resource's first span.
      query.candidatesStartFrom === undefined ? MIN_BOUND_MS : lowerBoundMs(query.candidatesStartFrom),
    ];
    const rows = await this.#query<RecordRow>(this.#listResource, params, options.signal, "read");
    return rows.map(recordFromRow);
  }

  async getAppointment(
    userId: string,
    id: string,
    options: StoreOperationOptions = {},
  ): Promise<AppointmentRecord | null> {
    const [row] = await this.#query<RecordRow>(this.#get, [userId, id], options.signal, "read");
    return row ? recordFromRow(row) : null;
  }

  /**
   * Events in feed order after `query.after`: the order of (transaction id, event id), which is the order
   * of commit as far as any reader can tell. Transaction ids are taken before commit, so a transaction can
   * commit after one with a larger id; a read therefore returns only events whose transaction id is below
   * the oldest transaction still running (`pg_snapshot_xmin`), a set that no later commit can grow. A
   * change appears once every transaction that started before it has finished: a long transaction
   * elsewhere in the cluster delays the feed, never reorders it. One user's writes take turns on the
   * user's lock and take their transaction id after it, so one user's events are in the order of commit.
   */
  async readChanges(query: ChangeQuery, options: StoreOperationOptions = {}): Promise<ChangeRecord[]> {
    const after = parseFeedPosition(query.after);
    if (!Number.isSafeInteger(query.limit) || query.limit < 1) {
      throw new InvalidArgumentError("limit", "limit must be a positive integer");
    }
    const rows =
      query.userId === undefined
        ? await this.#query<EventRow>(this.#changes, [after.xid, after.id, query.limit], options.signal, "read")
        : await this.#query<EventRow>(
            this.#userChanges,
            [after.xid, after.id, query.limit, query.userId],
            options.signal,
            "read",
          );
    return rows.map(eventFromRow);
  }

  /**
   * Removes the idempotency keys that expired at or before `nowMs`, through their expiry index; the held
   * appointments whose holds did, through the index of holds by expiry (each hold's `held` event is moved to
   * the changes table, at its position, unless it has expired too: it stays in the feed until it does); and
   * the events that expired, in feed order up to the first event still kept: events are written in that
   * order with one retention per scheduler, so they expire in it; one kept longer only delays the removal of
   * those after it. None scans live rows, and none waits for a write (rows a write holds are skipped).
   * Returns how many keys, holds and events were removed.
   */
  async purgeExpired(nowMs: number, options: StoreOperationOptions = {}): Promise<number> {
    const [row] = await this.#query<{ removed: number }>(
      this.#purge,
      [msParameter("nowMs", nowMs)],
      options.signal,
      "write",
    );
    return row?.removed ?? 0;
  }

  /**
   * Runs one statement. A signal that has already fired stops it before it is sent (nothing written). Once
   * sent, a write runs to its answer (the scheduler decides what to tell its caller meanwhile); a read
   * stops waiting when the signal fires, and its answer is dropped.
   */
  async #query<Row>(
    statement: Statement,
    params: unknown[],
    signal: AbortSignal | undefined,
    kind: "read" | "write",
  ): Promise<Row[]> {
    if (signal?.aborted) throw signalError(signal);
    const sent = (
      statement.name === undefined
        ? this.#db.query(statement.text, params)
        : (this.#db as unknown as NamedQueryable).query({ name: statement.name, text: statement.text, values: params })
    ).then(
      ({ rows }) => rows as Row[],
      (error: unknown) => {
        throw fromDriverError(error);
      },
    );
    if (kind === "write" || signal === undefined) return sent;
    return abandonOnAbort(sent, signal);
  }
}

/** node-postgres' form of `query` for a named prepared statement. */
interface NamedQueryable {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

/** The occupancy's parameters: periods as two arrays of local ms, limit, overlap, the candidates' windows. */
function occupancyParameters(occupancy: Occupancy | undefined): unknown[] {
  if (occupancy === undefined) return [null, null, null, null, null, null, null, null];
  const from = occupancy.periods.map((period) => lowerBoundMs(period.fromMs));
  const to = occupancy.periods.map((period) => upperBoundMs(period.toMs));
  return [
    // Array literals written here, alike for both drivers.
    `{${from.join(",")}}`,
    `{${to.join(",")}}`,
    occupancy.limit,
    occupancy.noOverlap,
    lowerBoundMs(occupancy.candidatesStartWithin.fromMs),
    upperBoundMs(occupancy.candidatesStartWithin.toMs),
    lowerBoundMs(occupancy.candidatesEndWithin.fromMs),
    upperBoundMs(occupancy.candidatesEndWithin.toMs),
  ];
}

/** The change types the write function makes. */
const WRITE_TYPES: ReadonlySet<string> = new Set<AppointmentChange["type"]>([
  "book",
  "hold",
  "move",
  "cancel",
  "confirm",
  "release",
]);

/**
 * The claims of a booking's or hold's resource, in the order to try them: one, a choice's, or none. The
 * contract's choices name one to 100 resources; more are checked alike (each is one more lock).
 */
function claimsParameter(resource: ResourceClaim | ResourceChoice | null | undefined): readonly ResourceClaim[] {
  if (resource === undefined || resource === null) return [];
  if (typeof resource !== "object") {
    throw new InvalidArgumentError("change.resource", "change.resource must be a resource claim, a choice or null");
  }
  if (!("anyOf" in resource)) return [resource];
  if (!Array.isArray(resource.anyOf)) {
    throw new InvalidArgumentError(
      "change.resource.anyOf",
      "change.resource.anyOf must be an array of resource claims",
    );
  }
  return resource.anyOf;
}

/** A move's claim: one, or none. A move keeps its place or moves to one resource: it chooses none. */
function moveClaim(resource: ResourceClaim | null | undefined): readonly ResourceClaim[] {
  if (resource !== undefined && resource !== null && typeof resource === "object" && "anyOf" in resource) {
    throw new InvalidArgumentError("change.resource", "a move claims one resource, not a choice");
  }
  return claimsParameter(resource);
}

/**
 * The resource claims' parameters, one array each (in the claims' order): the resources, their spans, the
 * capacities and where the spans that can overlap each start; all `null` without a claim. Array literals
 * written here, alike for both drivers; resource ids quoted, so any text is kept exactly.
 */
function resourceParameters(claims: readonly ResourceClaim[]): unknown[] {
  if (claims.length === 0) return [null, null, null, null, null, null];
  const ids: string[] = [];
  const from: number[] = [];
  const to: number[] = [];
  const capacities: number[] = [];
  const withinFrom: number[] = [];
  const withinTo: number[] = [];
  for (const claim of claims) {
    if (typeof claim !== "object" || claim === null) {
      throw new InvalidArgumentError("change.resource", "change.resource must be a resource claim or null");
    }
    const { resourceId, fromMs, toMs, capacity, candidatesStartWithin: within } = claim;
    if (typeof resourceId !== "string") {
      throw new InvalidArgumentError("change.resource.resourceId", "change.resource.resourceId must be a string");
    }
    if (fromMs === undefined || toMs === undefined) {
      throw new InvalidArgumentError("change.resource", "a resource claim needs its span, fromMs and toMs");
    }
    if (!Number.isSafeInteger(capacity) || capacity < 1) {
      throw new InvalidArgumentError("change.resource.capacity", "change.resource.capacity must be a positive integer");
    }
    if (typeof within !== "object" || within === null) {
      throw new InvalidArgumentError(
        "change.resource.candidatesStartWithin",
        "change.resource.candidatesStartWithin must be a range",
      );
    }
    ids.push(arrayElement(resourceId));
    from.push(msParameter("change.resource.fromMs", fromMs) as number);
    to.push(msParameter("change.resource.toMs", toMs) as number);
    // An integer column: a capacity beyond it is never reached anyway.
    capacities.push(Math.min(capacity, 2_147_483_647));
    withinFrom.push(lowerBoundMs(within.fromMs));
    withinTo.push(upperBoundMs(within.toMs));
  }
  return [ids, from, to, capacities, withinFrom, withinTo].map((values) => `{${values.join(",")}}`);
}

/** `text` as an element of an array literal: double-quoted, with `"` and `\` escaped. */
function arrayElement(text: string): string {
  return `"${text.replaceAll(/["\\]/g, "\\$&")}"`;
}

/** A text of a change: a string, or `null` when absent or `null`. */
function textParameter(argument: string, text: unknown): string | null {
  if (text === undefined || text === null) return null;
  if (typeof text !== "string") throw new InvalidArgumentError(argument, `${argument} must be a string or null`);
  return text;
}

/**
 * A move's expected version: an integer or `null`. One beyond the version column's range is no record's
 * version, so it is sent as 0, which is none either: the move is `stale`.
 */
function expectedVersionParameter(version: unknown): number | null {
  if (version === undefined || version === null) return null;
  if (!Number.isSafeInteger(version)) {
    throw new InvalidArgumentError("change.expectedVersion", "change.expectedVersion must be an integer or null");
  }
  return (version as number) >= 1 && (version as number) <= 2_147_483_647 ? (version as number) : 0;
}

/** A time of a write: a whole number of milliseconds (`null` when absent). */
function msParameter(argument: string, ms: number | undefined): number | null {
  if (ms === undefined) return null;
  if (!Number.isSafeInteger(ms) || ms < MIN_BOUND_MS || ms > MAX_BOUND_MS) {
    throw new InvalidArgumentError(argument, `${argument} must be a whole number of milliseconds`);
  }
  return ms;
}

function afterStartMs(startMs: number): number {
  return Number.isInteger(startMs) ? lowerBoundMs(startMs) : upperBoundMs(startMs);
}

/** The typed error for a signal that fired: nothing was sent, so nothing was written. */
function signalError(signal: AbortSignal): Error {
  const reason = signal.reason as { name?: unknown } | undefined;
  return reason?.name === "TimeoutError"
    ? new OperationTimedOutError({ cause: signal.reason })
    : new OperationAbortedError({ cause: signal.reason });
}

/** `promise`, or the signal's typed error as soon as it fires; the dropped answer is still awaited quietly. */
function abandonOnAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signalError(signal));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/** A short, stable hash of `text` (FNV-1a, 32 bits, hex): distinct prepared statement names per schema. */
function shortHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, "0");
}
