/**
 * The write function: one PL/pgSQL function that makes one change of the store contract (`book`, `hold`,
 * `move`, `cancel`, `confirm` or `release`), with every check, in the statement that calls it. One round
 * trip, one transaction.
 *
 * It answers the outcome as `jsonb`, `{ "status": …, "record" | "conflicting": {…} }` in the contract's
 * field names, which is also what it keeps under an idempotency key, so a replay answers the very same
 * value. It returns a single value rather than a table because a set-returning function is materialised
 * in a tuplestore at every call, and because Citus delegates only a plain `SELECT f(…)` to the node that
 * owns the user.
 *
 * This is the function of migration step 5 (whose probe of the longest span states its index's own term).
 * Step 4's is the same text but for that probe's predicate: {@link writeFunctionStatement} builds both.
 * Step 3's, frozen, is in `write-function-v3.ts`, and step 2's in `write-function-v2.ts`. Changing the
 * function's text changes what steps 4 and 5 create (test/postgres/migrations.test.ts holds step 4's
 * digest): first freeze the text of the released steps, as `write-function-v3.ts` is, then add a step.
 *
 * @module
 */
import { codeUnitOrder } from "./code-unit-order.js";
import { currentEventType, currentPreviousAt } from "./record-rows.js";
import { instantFromMs, localFromMs, msOf } from "./sql-time.js";
import type { TableNames } from "./table-names.js";

/** The function's argument types in order: its signature for `DROP FUNCTION` and Citus. */
export const WRITE_FUNCTION_ARGUMENTS = [
  "text", // p_user_id
  "text", // p_type: book, hold, move, cancel, confirm or release
  "text", // p_id
  "bigint", // p_start_ms
  "bigint", // p_end_ms
  "bigint", // p_local_start_ms
  "bigint", // p_local_end_ms
  "jsonb", // p_metadata
  "text", // p_reason
  "bigint", // p_earliest_start_ms
  "bigint[]", // p_period_from_ms
  "bigint[]", // p_period_to_ms
  "integer", // p_limit
  "boolean", // p_no_overlap
  "bigint", // p_candidates_from_ms
  "bigint", // p_candidates_to_ms
  "bigint", // p_candidates_end_from_ms
  "bigint", // p_candidates_end_to_ms
  "bigint", // p_at_ms
  "bigint", // p_change_expires_ms
  "text", // p_key
  "text", // p_fingerprint
  "bigint", // p_key_expires_ms
  "text[]", // p_resource_ids: the claims in the order to try them (one for a single claim), or NULL for none
  "bigint[]", // p_resource_from_ms: each claim's span
  "bigint[]", // p_resource_to_ms
  "integer[]", // p_capacities
  "bigint[]", // p_resource_candidates_from_ms: where the spans that can overlap each claim start
  "bigint[]", // p_resource_candidates_to_ms
  "text", // p_appointment_type: a booking's or hold's
  "integer", // p_expected_version: a move's, or NULL
  "bigint", // p_hold_expires_ms: a hold's expiry, or NULL
] as const;

/** `name.column`, or the bare column without a row name. */
function columnOf(row: string | undefined): (name: string) => string {
  return (name) => (row ? `${row}.${name}` : name);
}

/**
 * Whether the appointments row `row` (bare columns without it) can hold the limit periods it lies in at some
 * instant: booked, held (whatever its expiry) or cancelled at or after its start; the store contract's
 * `canHoldPeriods`. The predicate of the partial index the occupancy check searches (a partial index cannot
 * depend on the write's instant, so it keeps every hold until `purgeExpired` removes it), and of a
 * `"holding"` list. Written as three plain comparisons, so that PostgreSQL proves that
 * {@link holdsPeriodsSql} implies it, arm by arm, and uses the index.
 */
export function canHoldPeriodsSql(row?: string): string {
  const column = columnOf(row);
  return `${column("status")} = 'booked' OR ${column("status")} = 'held' OR ${column("cancelled_at")} >= ${column("start_at")}`;
}

/**
 * Whether the appointments row `row` occupies its time at the instant `at` (a `timestamptz` expression): booked,
 * or held by a hold that has not expired (`hold_expires_at > at`); the store contract's `occupiesTime`.
 */
export function occupiesTimeSql(row: string, at: string): string {
  return `${row}.status = 'booked' OR (${row}.status = 'held' AND ${row}.hold_expires_at > ${at})`;
}

/**
 * Whether the appointments row `row` holds the limit periods it lies in at the instant `at`: it occupies its
 * time then, or was cancelled at or after its start; the store contract's `holdsPeriods`.
 */
export function holdsPeriodsSql(row: string, at: string): string {
  return `${occupiesTimeSql(row, at)} OR ${row}.cancelled_at >= ${row}.start_at`;
}

/**
 * Whether the appointments row `row` (bare columns without it) can occupy a resource at some instant: it has
 * one and is booked or held (whatever its expiry). What `listResourceAppointments` lists, and the first part
 * of both indexes' predicates of resource spans (step 4 built them with this one alone).
 */
export function mayOccupyResourceSql(row?: string): string {
  const column = columnOf(row);
  return `${column("resource_id")} IS NOT NULL AND (${column("status")} = 'booked' OR ${column("status")} = 'held')`;
}

/** `name(type, …)`: the function's signature. */
export function writeFunctionSignature(names: TableNames): string {
  return `${names.writeFunction}(${WRITE_FUNCTION_ARGUMENTS.join(", ")})`;
}

/**
 * A `jsonb` object of the appointments row `row` (a PL/pgSQL row variable or a table alias) in the
 * contract's field names, times in epoch or local milliseconds.
 */
export function recordJson(row: string): string {
  return `jsonb_build_object(
      'id', ${row}.id, 'userId', ${row}.user_id, 'status', ${row}.status,
      'startMs', ${msOf(`${row}.start_at`)}, 'endMs', ${msOf(`${row}.end_at`)},
      'localStartMs', ${msOf(`${row}.local_start`)}, 'localEndMs', ${msOf(`${row}.local_end`)},
      'version', ${row}.version, 'createdAtMs', ${msOf(`${row}.created_at`)}, 'updatedAtMs', ${msOf(`${row}.updated_at`)},
      'cancelledAtMs', ${msOf(`${row}.cancelled_at`)}, 'cancellationReason', ${row}.cancellation_reason,
      'previousTimes', ${row}.previous_times, 'metadata', ${row}.metadata,
      'resource', CASE WHEN ${row}.resource_id IS NOT NULL THEN jsonb_build_object('resourceId', ${row}.resource_id,
        'fromMs', ${msOf(`${row}.resource_from`)}, 'toMs', ${msOf(`${row}.resource_to`)}) END,
      'appointmentType', ${row}.appointment_type, 'holdExpiresAtMs', ${msOf(`${row}.hold_expires_at`)})`;
}

/**
 * The predicate of the spans index (by resource and start), for the row `row` (bare columns without it):
 * it may occupy its resource ({@link mayOccupyResourceSql}), and its span has an end. Each of the two
 * indexes of resource spans has a term that only its own queries imply, so the planner can use each for
 * its queries only, whatever the statistics say: on a table not yet analysed both look alike to it, and it
 * took either (measured: a capacity check's count on the index of longest spans, which reads every span
 * the resource ever had; the longest-span probe on this one, reading and sorting them all). Every span
 * has an end, so this term leaves nothing out; every search of spans by start implies it (each bounds the
 * spans' ends, `resource_to > …`), and the probe of {@link longestSpanSql} does not (it never compares
 * `resource_to`).
 */
export function resourceSpansPredicateSql(row?: string): string {
  return `${mayOccupyResourceSql(row)} AND ${columnOf(row)("resource_to")} IS NOT NULL`;
}

/**
 * The predicate of the index of longest spans, for the row `row` (bare columns without it): it may occupy
 * its resource, and it ends after it starts, as every appointment does (a `CHECK` constraint). Only the
 * probe of {@link longestSpanSql} states that last term, so no search of spans by start can be planned on
 * this index (see {@link resourceSpansPredicateSql}).
 */
export function longestSpansPredicateSql(row?: string): string {
  const column = columnOf(row);
  return `${mayOccupyResourceSql(row)} AND ${column("end_at")} > ${column("start_at")}`;
}

/**
 * The longest span (an `interval`) of the records that may occupy the resource `resourceId` (an SQL
 * expression), or zero when there are none: one probe of the partial index on `(resource_id, resource_to -
 * resource_from, resource_from)`. A span that overlaps a range starting at `t` starts after `t` minus it, so a
 * search of the resource's spans by start looks back only that far, not by the longest span there could ever
 * be (days of a practitioner's history). Only a write that holds the resource's lock can lengthen it, so read
 * under that lock it bounds every span the write's later statements can see.
 */
export function longestSpanSql(
  appointments: string,
  resourceId: string,
  predicate: string = longestSpansPredicateSql("l"),
): string {
  return `coalesce((SELECT l.resource_to - l.resource_from FROM ${appointments} AS l
            WHERE l.resource_id = ${resourceId} AND ${predicate}
            ORDER BY l.resource_to - l.resource_from DESC LIMIT 1), interval '0')`;
}

/**
 * The predicate of {@link longestSpanSql}'s probe (row `l`) as migration step 4 wrote it, frozen: step 4's
 * indexes had this one predicate both, so that the planner could take either for the other's queries.
 */
export const LONGEST_SPANS_PREDICATE_V4 = "(l.resource_id IS NOT NULL AND (l.status = 'booked' OR l.status = 'held'))";

/**
 * The key of a resource's lock (a `bigint`), for a transaction-scoped advisory lock on a 64-bit key: the hash
 * of the resource id seeded with the store's. PostgreSQL keeps 64-bit keys apart from the pairs of 32-bit
 * keys the user locks take, so a resource's lock is never a user's, whatever the hashes. The same key as
 * step 3's lock, so that the order of keys is the one fixed order in which a write takes several.
 */
export function resourceLockKeySql(names: TableNames, resourceId: string): string {
  return `hashtextextended(${resourceId}, hashtext('${names.lockKey}'))`;
}

/**
 * The order of a resource's records by the appointments row `row` (an alias): span start, then user id,
 * then id, both in code-unit order.
 */
export function resourceOrderSql(row: string): string {
  return `${row}.resource_from, ${codeUnitOrder(`${row}.user_id`)}, ${codeUnitOrder(`${row}.id`)}`;
}

/** The columns of the changes table that an archived event fills, in the order of {@link archivedEventValues}. */
export const ARCHIVED_EVENT_COLUMNS = `user_id, id, xid, type, appointment_id, status, start_at, end_at, local_start,
          local_end, version, created_at, updated_at, cancelled_at, cancellation_reason, previous_times, metadata,
          previous_start_at, previous_end_at, idempotency_key, changed_at, expires_at, resource_id, resource_from,
          resource_to, appointment_type, hold_expires_at`;

/**
 * The event of the current version of the appointments row `row` (a PL/pgSQL row variable or an alias), as
 * the changes table keeps it once archived: its own position, type, key, time and expiry, and the whole
 * appointment as it was then. For an `INSERT INTO changes (ARCHIVED_EVENT_COLUMNS) SELECT …`.
 */
export function archivedEventValues(row: string): string {
  return `${row}.user_id, ${row}.change_id, ${row}.change_xid, ${currentEventType(row)}, ${row}.id,
          ${row}.status, ${row}.start_at, ${row}.end_at, ${row}.local_start, ${row}.local_end,
          ${row}.version, ${row}.created_at, ${row}.updated_at, ${row}.cancelled_at,
          ${row}.cancellation_reason, ${row}.previous_times, ${row}.metadata,
          ${currentPreviousAt(row, "startMs")},
          ${currentPreviousAt(row, "endMs")},
          ${row}.change_key, ${row}.updated_at, ${row}.change_expires_at, ${row}.resource_id,
          ${row}.resource_from, ${row}.resource_to, ${row}.appointment_type, ${row}.hold_expires_at`;
}

/**
 * The `CREATE OR REPLACE FUNCTION` of the write function: step 5's, or with `longestSpansPredicate` step 4's
 * ({@link LONGEST_SPANS_PREDICATE_V4}), the only difference between the two.
 */
export function writeFunctionStatement(
  names: TableNames,
  longestSpansPredicate: string = longestSpansPredicateSql("l"),
): string {
  const { appointments, idempotencyKeys: keys, changes, changeIds, writeFunction, lockKey } = names;
  // The user's appointments that can collide with the change: those that hold periods at the write's instant
  // (booked, held and not expired, or cancelled at or after their start; all within the predicate of the
  // partial index on end times) and lie within the windows the scheduler gives, never the appointment being
  // moved. Only those that occupy their time (booked, or held and not expired) block an overlap.
  // A record of the claimed resource (claim v_i) that occupies it at the write's instant and whose span
  // starts within the claim's window and overlaps the claimed span, never the record being moved.
  const claimCandidate = (alias: string) =>
    `${alias}.resource_id = p_resource_ids[v_i] AND (${occupiesTimeSql(alias, "v_at")})
          AND ${alias}.resource_from >= v_resource_candidates_from AND ${alias}.resource_from < v_resource_candidates_to
          AND ${alias}.resource_from < v_resource_to AND ${alias}.resource_to > v_resource_from
          AND NOT (${alias}.user_id = p_user_id AND ${alias}.id = p_id)`;
  // Fewer records than the capacity overlap the claimed span at all (claim v_i): room at every instant of
  // it. The write statement's quick test of a claim; true without one, or when the claim was searched.
  const roomForClaim = `(NOT v_quick_claim OR (
          SELECT count(*) FROM (SELECT FROM ${appointments} AS r WHERE ${claimCandidate("r")} LIMIT p_capacities[v_i]) AS q
        ) < p_capacities[v_i])`;
  // The exact search of the claims in the order given: sets v_claim to the first with room, or leaves it
  // NULL (and v_resource_row the first claim's conflict) when every one is full.
  const claimSearch = `    -- Then each claim in the order given, under READ COMMITTED as of every claim committed before: the
    -- resource's records that occupy it at the write's instant (booked, or held and not expired) whose span
    -- starts within the claim's window and overlaps the claimed span (through the partial index on
    -- (resource_id, resource_from)), never the record being moved. The count only rises at the claim's
    -- start and at those spans' starts: at the first of these instants where the capacity's records occupy
    -- the resource, the claim is full, and the earliest of them (span start, user id, id) is named. The
    -- first claim not full is taken; when every one is, the first claim's record is the conflict.
    FOR v_i IN 1 .. v_claims LOOP
      -- (The first claim's times were converted with the others above.)
      IF v_i > 1 THEN
        SELECT c.from_at, c.to_at, greatest(c.candidates_from, c.from_at - ${longestSpanSql(appointments, "p_resource_ids[v_i]", longestSpansPredicate)}),
          c.candidates_to
        INTO v_resource_from, v_resource_to, v_resource_candidates_from, v_resource_candidates_to
        FROM (SELECT ${instantFromMs("p_resource_from_ms[v_i]")} AS from_at, ${instantFromMs("p_resource_to_ms[v_i]")} AS to_at,
          ${instantFromMs("p_resource_candidates_from_ms[v_i]")} AS candidates_from,
          ${instantFromMs("p_resource_candidates_to_ms[v_i]")} AS candidates_to) AS c;
      END IF;
      -- The quick test, enough for most claims: fewer records than the capacity overlap the span at all, so
      -- there is room at every instant of it, and no instant needs counting.
      SELECT count(*) INTO v_overlapping FROM (
        SELECT FROM ${appointments} AS r
        WHERE ${claimCandidate("r")}
        LIMIT p_capacities[v_i]
      ) AS q;
      IF v_overlapping < p_capacities[v_i] THEN
        v_claim := v_i;
        EXIT;
      END IF;
      WITH occupying AS MATERIALIZED (
        SELECT r.* FROM ${appointments} AS r
        WHERE ${claimCandidate("r")}
      ), first_full AS (
        SELECT i.instant FROM (
          SELECT v_resource_from AS instant
          UNION
          SELECT o.resource_from FROM occupying AS o WHERE o.resource_from > v_resource_from
        ) AS i
        WHERE (SELECT count(*) FROM occupying AS o WHERE o.resource_from <= i.instant AND o.resource_to > i.instant)
          >= p_capacities[v_i]
        ORDER BY i.instant
        LIMIT 1
      )
      SELECT o.* INTO v_row FROM occupying AS o, first_full AS f
      WHERE o.resource_from <= f.instant AND o.resource_to > f.instant
      ORDER BY ${resourceOrderSql("o")}
      LIMIT 1;
      IF NOT FOUND THEN
        v_claim := v_i;
        EXIT;
      END IF;
      IF v_i = 1 THEN
        v_resource_row := v_row;
      END IF;
    END LOOP;`;
  const candidate = (alias: string) =>
    `${alias}.user_id = p_user_id AND (${holdsPeriodsSql(alias, "v_at")}) AND ${alias}.id <> p_id
          AND ${alias}.end_at >= v_candidates_end_from AND ${alias}.end_at < v_candidates_end_to
          AND ${alias}.start_at >= v_candidates_from AND ${alias}.start_at < v_candidates_to`;
  // A candidate that may hold a period or overlaps: the quick test of the write statements.
  const mayCollide = `NOT EXISTS (
          SELECT FROM ${appointments} AS h
          WHERE ${candidate("h")}
            AND (h.local_start < v_periods_to AND h.local_end > v_periods_from
              OR p_no_overlap AND (${occupiesTimeSql("h", "v_at")}) AND h.start_at < v_end AND h.end_at > v_start))`;
  // A change of an existing appointment first archives its current version in the changes table, as the
  // event it is, in the statement that writes the new version: at any snapshot each event is in exactly one
  // of the two tables.
  const archive = `INSERT INTO ${changes} (${ARCHIVED_EVENT_COLUMNS})
        SELECT ${archivedEventValues("v_current")}
        FROM w`;
  // The new version's event: its position (this transaction, a new id), key and expiry.
  const newEvent = `change_xid = pg_current_xact_id(), change_id = nextval('${changeIds}'::regclass),
            change_key = p_key, change_expires_at = v_change_expires`;
  return `CREATE OR REPLACE FUNCTION ${writeFunction}(
  p_user_id text, p_type text, p_id text,
  p_start_ms bigint, p_end_ms bigint, p_local_start_ms bigint, p_local_end_ms bigint,
  p_metadata jsonb, p_reason text, p_earliest_start_ms bigint,
  p_period_from_ms bigint[], p_period_to_ms bigint[], p_limit integer, p_no_overlap boolean,
  p_candidates_from_ms bigint, p_candidates_to_ms bigint,
  p_candidates_end_from_ms bigint, p_candidates_end_to_ms bigint,
  p_at_ms bigint, p_change_expires_ms bigint,
  p_key text, p_fingerprint text, p_key_expires_ms bigint,
  p_resource_ids text[], p_resource_from_ms bigint[], p_resource_to_ms bigint[], p_capacities integer[],
  p_resource_candidates_from_ms bigint[], p_resource_candidates_to_ms bigint[],
  p_appointment_type text, p_expected_version integer, p_hold_expires_ms bigint
) RETURNS jsonb LANGUAGE plpgsql AS $fn$
DECLARE
  -- The times of the change, converted once below.
  v_at timestamptz;
  v_change_expires timestamptz;
  v_start timestamptz;
  v_end timestamptz;
  v_local_start timestamp;
  v_local_end timestamp;
  v_candidates_from timestamptz;
  v_candidates_to timestamptz;
  v_candidates_end_from timestamptz;
  v_candidates_end_to timestamptz;
  v_hold_expires timestamptz;
  -- The span of the periods, for the quick test (exact for one period, the usual case).
  v_periods_from timestamp;
  v_periods_to timestamp;
  -- The resource claims: how many, the locks they take in ascending order, and the one being checked.
  v_claims integer;
  v_lock_keys bigint[];
  v_lock_key bigint;
  v_i integer;
  -- The span of the claim being checked (in the end: the claim taken), and where the spans that can
  -- overlap it start.
  v_resource_from timestamptz;
  v_resource_to timestamptz;
  v_resource_candidates_from timestamptz;
  v_resource_candidates_to timestamptz;
  -- The claim taken (its index in the arrays), NULL while none is; whether every claim's resource is full,
  -- and the record named for the first claim then.
  v_claim integer;
  v_resource_full boolean := false;
  -- What the user's lock answers (nothing: it is taken in the conversions' statement).
  v_locked text;
  -- How many records overlap the claimed span (counted up to the capacity), for the quick test.
  v_overlapping integer;
  -- Whether the write statement tries the one claim with the quick test (searched only if it fails).
  v_quick_claim boolean := false;
  v_resource_row ${appointments}%ROWTYPE;
  -- Whether the exact search has found no conflict: then the write goes without the quick test.
  v_searched boolean := false;
  v_current ${appointments}%ROWTYPE;
  v_row ${appointments}%ROWTYPE;
  v_stored ${keys}%ROWTYPE;
  v_outcome jsonb;
BEGIN
  IF p_type IS NULL OR p_type NOT IN ('book', 'hold', 'move', 'cancel', 'confirm', 'release') THEN
    RAISE EXCEPTION 'unknown change type %', p_type USING ERRCODE = 'invalid_parameter_value';
  END IF;
  -- Every conversion in one statement: PL/pgSQL sets up each expression it evaluates anew in every
  -- transaction, and a dozen defaults in DECLARE cost more per call than one query (measured). The same
  -- statement serialises this user's writes: each waits in it until the previous one has committed. Under
  -- READ COMMITTED every statement below (each with a snapshot of its own, taken after this one) then sees
  -- that commit, so no check can be stale. (A lock in memory: no row to write. Two users whose ids hash alike
  -- merely take turns.) Nothing has been written before it, so this transaction's id (xid) is assigned after
  -- the lock: one user's events are in xid order. It reads no table, so nothing it sees can be stale.
  SELECT ${instantFromMs("p_at_ms")}, ${instantFromMs("p_change_expires_ms")}, ${instantFromMs("p_start_ms")},
    ${instantFromMs("p_end_ms")}, ${localFromMs("p_local_start_ms")}, ${localFromMs("p_local_end_ms")},
    ${instantFromMs("p_candidates_from_ms")}, ${instantFromMs("p_candidates_to_ms")},
    ${instantFromMs("p_candidates_end_from_ms")}, ${instantFromMs("p_candidates_end_to_ms")},
    ${localFromMs("p_period_from_ms[1]")}, ${localFromMs("p_period_to_ms[1]")},
    ${instantFromMs("p_hold_expires_ms")}, coalesce(cardinality(p_resource_ids), 0),
    ${instantFromMs("p_resource_from_ms[1]")}, ${instantFromMs("p_resource_to_ms[1]")},
    ${instantFromMs("p_resource_candidates_from_ms[1]")}, ${instantFromMs("p_resource_candidates_to_ms[1]")},
    pg_advisory_xact_lock(hashtext('${lockKey}'), hashtext(p_user_id))::text
  INTO v_at, v_change_expires, v_start, v_end, v_local_start, v_local_end, v_candidates_from, v_candidates_to,
    v_candidates_end_from, v_candidates_end_to, v_periods_from, v_periods_to, v_hold_expires, v_claims,
    v_resource_from, v_resource_to, v_resource_candidates_from, v_resource_candidates_to, v_locked;

  -- 1. The idempotency key. This user's expired keys go first, found through the primary key's user_id
  -- prefix (never a scan of other users' keys); rows that purgeExpired is deleting right now are skipped
  -- rather than waited for, hence the expiry test again below.
  IF p_key IS NOT NULL THEN
    DELETE FROM ${keys} AS k
    WHERE (k.user_id, k.key) IN (
      SELECT e.user_id, e.key FROM ${keys} AS e
      WHERE e.user_id = p_user_id AND e.expires_at <= v_at
      FOR UPDATE SKIP LOCKED);
    SELECT * INTO v_stored FROM ${keys} AS k
    WHERE k.user_id = p_user_id AND k.key = p_key AND k.expires_at > v_at;
    IF FOUND THEN
      IF v_stored.fingerprint = p_fingerprint THEN
        RETURN v_stored.outcome || '{"replayed": true}';
      END IF;
      RETURN '{"status": "key-reused"}';
    END IF;
  END IF;

  -- 2. The appointment that a move, cancel, confirm or release changes. (A new id is tested by its insert.)
  IF p_type NOT IN ('book', 'hold') THEN
    SELECT * INTO v_current FROM ${appointments} AS a WHERE a.user_id = p_user_id AND a.id = p_id;
    IF NOT FOUND THEN
      v_outcome := '{"status": "not-found"}';
    ELSIF p_type IN ('confirm', 'release') THEN
      IF v_current.status <> 'held' THEN
        v_outcome := jsonb_build_object('status', 'not-held', 'record', ${recordJson("v_current")});
      ELSIF p_type = 'confirm' AND v_current.hold_expires_at <= v_at THEN
        -- Judged at the write's instant, the scheduler's clock: an expired hold has counted for nothing since.
        v_outcome := jsonb_build_object('status', 'hold-expired', 'record', ${recordJson("v_current")});
      END IF;
    ELSIF v_current.status <> 'booked' THEN
      v_outcome := jsonb_build_object('status', 'not-booked', 'record', ${recordJson("v_current")});
    ELSIF p_earliest_start_ms IS NOT NULL AND v_current.start_at < ${instantFromMs("p_earliest_start_ms")} THEN
      v_outcome := jsonb_build_object('status', 'too-late', 'record', ${recordJson("v_current")});
    ELSIF p_type = 'move' AND p_expected_version IS NOT NULL AND v_current.version <> p_expected_version THEN
      -- The move was computed from another version of the record (its type, its resource).
      v_outcome := jsonb_build_object('status', 'stale', 'record', ${recordJson("v_current")});
    END IF;
  END IF;

  -- 3 and 4. A booking, hold or move is written with its event in one statement unless a candidate may
  -- collide with it, a quick test on the span of the periods that counts no holders. Most changes collide
  -- with nothing, and this statement is all they cost. When the test finds a candidate, the exact search
  -- decides, and if it finds no conflict after all (a limit above one, several periods), the write is
  -- made without the test.
  IF v_outcome IS NULL AND p_type IN ('book', 'hold', 'move') THEN
    IF cardinality(p_period_from_ms) > 1 THEN
      SELECT ${localFromMs("min(u.from_ms)")}, ${localFromMs("max(u.to_ms)")} INTO v_periods_from, v_periods_to
      FROM unnest(p_period_from_ms, p_period_to_ms) AS u(from_ms, to_ms);
    END IF;
    -- Resource claims: serialise the claims of each resource, of every user, as the user's lock does the
    -- user's writes. Always the user's lock first, then the lock of every resource the change may take, all
    -- of them before any is counted, in ascending order of their keys whatever the order of the choice: one
    -- fixed order for every write, so no two writes wait for each other in a cycle. (Locking only the
    -- resource taken would need the lock of a later claim after counting an earlier one, in the choice's
    -- order.) Freeing a resource (a cancel, a release, a move elsewhere) takes no lock: it can only make room.
    IF v_claims = 1 THEN
      PERFORM pg_advisory_xact_lock(${resourceLockKeySql(names, "p_resource_ids[1]")});
    ELSIF v_claims > 1 THEN
      SELECT array_agg(d.key ORDER BY d.key) INTO v_lock_keys
      FROM (SELECT DISTINCT ${resourceLockKeySql(names, "u.id")} AS key FROM unnest(p_resource_ids) AS u(id)) AS d;
      FOREACH v_lock_key IN ARRAY v_lock_keys LOOP
        PERFORM pg_advisory_xact_lock(v_lock_key);
      END LOOP;
    END IF;
    -- One claim is tried by the write itself, with the quick test below, as the user's occupancy is: most
    -- claims find room, and that statement is all they cost. Several (a choice) are searched first, since
    -- the write must know which one it takes.
    -- A claim's spans are searched by start from its span's start minus the resource's longest span (read
    -- now, under the resource's lock, so that no longer one can come before the write), or from the
    -- caller's window when that is later: a few spans, not the days of history the caller's window allows.
    IF v_claims > 0 THEN
      v_resource_candidates_from := greatest(v_resource_candidates_from,
        v_resource_from - ${longestSpanSql(appointments, "p_resource_ids[1]", longestSpansPredicate)});
    END IF;
    IF v_claims = 1 THEN
      v_i := 1;
      v_claim := 1;
      v_quick_claim := true;
    ELSE
${claimSearch}
      v_resource_full := v_claims > 0 AND v_claim IS NULL;
    END IF;
    LOOP
      -- Every resource full: no write to try, only the conflicts that the contract answers before it to find.
      IF NOT v_resource_full THEN
        IF p_type IN ('book', 'hold') THEN
          -- The row is its own event (change_xid and change_id by default): no second row to write.
          INSERT INTO ${appointments} AS a (user_id, id, status, start_at, end_at, local_start, local_end, version,
            created_at, updated_at, metadata, change_key, change_expires_at, resource_id, resource_from, resource_to,
            appointment_type, hold_expires_at)
          SELECT p_user_id, p_id, CASE WHEN p_type = 'hold' THEN 'held' ELSE 'booked' END, v_start, v_end,
            v_local_start, v_local_end, 1, v_at, v_at, p_metadata, p_key, v_change_expires,
            p_resource_ids[v_claim], v_resource_from, v_resource_to, p_appointment_type,
            CASE WHEN p_type = 'hold' THEN v_hold_expires END
          WHERE v_searched OR ${mayCollide} AND ${roomForClaim}
          ON CONFLICT DO NOTHING;
        ELSE
          WITH w AS (
            UPDATE ${appointments} AS a
            SET start_at = v_start, end_at = v_end, local_start = v_local_start, local_end = v_local_end,
              resource_id = p_resource_ids[v_claim], resource_from = v_resource_from, resource_to = v_resource_to,
              version = a.version + 1, updated_at = v_at,
              previous_times = a.previous_times || jsonb_build_array(jsonb_build_object(
                'startMs', ${msOf("a.start_at")}, 'endMs', ${msOf("a.end_at")}, 'movedAtMs', p_at_ms)),
              ${newEvent}
            WHERE a.user_id = p_user_id AND a.id = p_id AND (v_searched OR ${mayCollide} AND ${roomForClaim})
            RETURNING 1
          )
          ${archive};
        END IF;
        EXIT WHEN FOUND;
      END IF;
      -- Not written. A new id taken comes first, by the contract.
      IF p_type IN ('book', 'hold')
        AND EXISTS (SELECT FROM ${appointments} AS a WHERE a.user_id = p_user_id AND a.id = p_id) THEN
        v_outcome := '{"status": "id-taken"}';
        EXIT;
      END IF;
      -- The earliest candidate (start, then id in code-point order) holding a period that p_limit
      -- candidates already hold...
      WITH candidates AS MATERIALIZED (
        SELECT h.* FROM ${appointments} AS h WHERE ${candidate("h")}
      ), full_periods AS (
        SELECT p.from_at, p.to_at
        FROM (
          SELECT ${localFromMs("u.from_ms")} AS from_at, ${localFromMs("u.to_ms")} AS to_at
          FROM unnest(p_period_from_ms, p_period_to_ms) AS u(from_ms, to_ms)
        ) AS p
        WHERE (SELECT count(*) FROM candidates AS c WHERE c.local_start < p.to_at AND c.local_end > p.from_at) >= p_limit
      )
      SELECT c.* INTO v_row FROM candidates AS c
      WHERE EXISTS (SELECT FROM full_periods AS p WHERE c.local_start < p.to_at AND c.local_end > p.from_at)
      ORDER BY c.start_at, c.id COLLATE "C"
      LIMIT 1;
      IF FOUND THEN
        v_outcome := jsonb_build_object('status', 'limit-reached', 'conflicting', ${recordJson("v_row")});
        EXIT;
      END IF;
      -- ...then the earliest overlapping one.
      IF p_no_overlap THEN
        SELECT h.* INTO v_row FROM ${appointments} AS h
        WHERE ${candidate("h")} AND (${occupiesTimeSql("h", "v_at")}) AND h.start_at < v_end AND h.end_at > v_start
        ORDER BY h.start_at, h.id COLLATE "C"
        LIMIT 1;
        IF FOUND THEN
          v_outcome := jsonb_build_object('status', 'overlap', 'conflicting', ${recordJson("v_row")});
          EXIT;
        END IF;
      END IF;
      -- ...then the resource: a claim tried by the write is searched now.
      IF v_quick_claim THEN
        v_quick_claim := false;
        v_claim := NULL;
${claimSearch}
        v_resource_full := v_claim IS NULL;
      END IF;
      IF v_resource_full THEN
        v_outcome := jsonb_build_object('status', 'resource-full', 'conflicting', ${recordJson("v_resource_row")});
        EXIT;
      END IF;
      IF v_searched THEN
        RAISE EXCEPTION 'write of % % refused without a conflict', p_type, p_id;
      END IF;
      v_searched := true;
    END LOOP;
  ELSIF v_outcome IS NULL THEN
    -- A cancel, confirm or release: a new status, nothing to check (a confirmed hold has counted since it was
    -- written). The row can be gone only if purgeExpired removed it, an expired hold, since it was read.
    WITH w AS (
      UPDATE ${appointments} AS a
      SET status = CASE p_type WHEN 'cancel' THEN 'cancelled' WHEN 'confirm' THEN 'booked' ELSE 'released' END,
        version = a.version + 1, updated_at = v_at,
        cancelled_at = CASE WHEN p_type = 'cancel' THEN v_at END,
        cancellation_reason = CASE WHEN p_type = 'cancel' THEN p_reason END,
        ${newEvent}
      WHERE a.user_id = p_user_id AND a.id = p_id
      RETURNING 1
    )
    ${archive};
    IF NOT FOUND THEN
      v_outcome := '{"status": "not-found"}';
    END IF;
  END IF;

  IF v_outcome IS NULL THEN
    -- Written. The caller has a new booking's or hold's record already (it sent it): not built, not sent
    -- back; only which claim of a choice was taken, when not the first.
    IF p_key IS NULL AND p_type IN ('book', 'hold') THEN
      IF v_claim IS NULL OR v_claim = 1 THEN
        RETURN '{"status": "written"}';
      END IF;
      RETURN jsonb_build_object('status', 'written', 'claim', v_claim);
    END IF;
    SELECT * INTO v_row FROM ${appointments} AS a WHERE a.user_id = p_user_id AND a.id = p_id;
    v_outcome := jsonb_build_object('status', 'written', 'record', ${recordJson("v_row")});
  END IF;

  -- The outcome of steps 2 to 4 is kept under the key. (An expired row of the same key that purgeExpired
  -- held above is simply overwritten.)
  IF p_key IS NOT NULL THEN
    INSERT INTO ${keys} AS k (user_id, key, fingerprint, outcome, expires_at)
    VALUES (p_user_id, p_key, p_fingerprint, v_outcome, ${instantFromMs("p_key_expires_ms")})
    ON CONFLICT (user_id, key) DO UPDATE
      SET fingerprint = excluded.fingerprint, outcome = excluded.outcome, expires_at = excluded.expires_at;
  END IF;
  RETURN v_outcome;
END
$fn$`;
}
