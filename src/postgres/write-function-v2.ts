/**
 * The write function of migration step 2, frozen: the text step 2 creates, exactly as it was released, so that
 * `postgresSchemaSql()` and `migrate()` run that step as they always did. Step 3 drops it and creates its
 * own (`write-function-v3.ts`, frozen in turn). Never edit this file: a change to the function is a new step.
 *
 * @module
 */
import { instantFromMs, localFromMs, msOf } from "./sql-time.js";
import type { TableNames } from "./table-names.js";
// Step 3's frozen helpers are the ones this function was built of (unchanged until step 4).
import {
  currentEventTypeV3 as currentEventType,
  currentPreviousAtV3 as currentPreviousAt,
  holdsPeriodsV3Sql as holdsPeriodsSql,
} from "./write-function-v3.js";

/** Step 2's function's argument types in order: its signature, for step 3's `DROP FUNCTION`. */
export const WRITE_FUNCTION_V2_ARGUMENTS = [
  "text", // p_user_id
  "text", // p_type: book, move or cancel
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
] as const;

/**
 * A `jsonb` object of the appointments row `row` (a PL/pgSQL row variable or a table alias) in the
 * contract's field names, times in epoch or local milliseconds.
 */
function recordJson(row: string): string {
  return `jsonb_build_object(
      'id', ${row}.id, 'userId', ${row}.user_id, 'status', ${row}.status,
      'startMs', ${msOf(`${row}.start_at`)}, 'endMs', ${msOf(`${row}.end_at`)},
      'localStartMs', ${msOf(`${row}.local_start`)}, 'localEndMs', ${msOf(`${row}.local_end`)},
      'version', ${row}.version, 'createdAtMs', ${msOf(`${row}.created_at`)}, 'updatedAtMs', ${msOf(`${row}.updated_at`)},
      'cancelledAtMs', ${msOf(`${row}.cancelled_at`)}, 'cancellationReason', ${row}.cancellation_reason,
      'previousTimes', ${row}.previous_times, 'metadata', ${row}.metadata)`;
}

/** The `CREATE OR REPLACE FUNCTION` of step 2's write function. */
export function writeFunctionV2Statement(names: TableNames): string {
  const { appointments, idempotencyKeys: keys, changes, changeIds, writeFunction, lockKey } = names;
  // The user's appointments that can collide with the change: those that hold periods (booked, or
  // cancelled at or after their start: the predicate of the partial index on end times) and lie within the
  // windows the scheduler gives, never the appointment being moved. Only booked ones block an overlap.
  const candidate = (alias: string) =>
    `${alias}.user_id = p_user_id AND (${holdsPeriodsSql(alias)}) AND ${alias}.id <> p_id
          AND ${alias}.end_at >= v_candidates_end_from AND ${alias}.end_at < v_candidates_end_to
          AND ${alias}.start_at >= v_candidates_from AND ${alias}.start_at < v_candidates_to`;
  // A candidate that may hold a period or overlaps: the quick test of the write statements.
  const mayCollide = `NOT EXISTS (
          SELECT FROM ${appointments} AS h
          WHERE ${candidate("h")}
            AND (h.local_start < v_periods_to AND h.local_end > v_periods_from
              OR p_no_overlap AND h.status = 'booked' AND h.start_at < v_end AND h.end_at > v_start))`;
  // A move or cancel first archives the appointment's current version in the changes table, as the event
  // it is (its own position, type, key, time and expiry, and the whole appointment as it was then), in the
  // statement that writes the new version: at any snapshot each event is in exactly one of the two tables.
  const archive = `INSERT INTO ${changes} (user_id, id, xid, type, appointment_id, status, start_at, end_at, local_start,
          local_end, version, created_at, updated_at, cancelled_at, cancellation_reason, previous_times, metadata,
          previous_start_at, previous_end_at, idempotency_key, changed_at, expires_at)
        SELECT p_user_id, v_current.change_id, v_current.change_xid, ${currentEventType("v_current")}, v_current.id,
          v_current.status, v_current.start_at, v_current.end_at, v_current.local_start, v_current.local_end,
          v_current.version, v_current.created_at, v_current.updated_at, v_current.cancelled_at,
          v_current.cancellation_reason, v_current.previous_times, v_current.metadata,
          ${currentPreviousAt("v_current", "startMs")},
          ${currentPreviousAt("v_current", "endMs")},
          v_current.change_key, v_current.updated_at, v_current.change_expires_at
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
  p_key text, p_fingerprint text, p_key_expires_ms bigint
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
  -- The span of the periods, for the quick test (exact for one period, the usual case).
  v_periods_from timestamp;
  v_periods_to timestamp;
  -- Whether the exact search has found no conflict: then the write goes without the quick test.
  v_searched boolean := false;
  v_current ${appointments}%ROWTYPE;
  v_row ${appointments}%ROWTYPE;
  v_stored ${keys}%ROWTYPE;
  v_outcome jsonb;
BEGIN
  IF p_type IS NULL OR p_type NOT IN ('book', 'move', 'cancel') THEN
    RAISE EXCEPTION 'unknown change type %', p_type USING ERRCODE = 'invalid_parameter_value';
  END IF;
  -- Every conversion in one statement: PL/pgSQL sets up each expression it evaluates anew in every
  -- transaction, and a dozen defaults in DECLARE cost more per call than one query (measured).
  SELECT ${instantFromMs("p_at_ms")}, ${instantFromMs("p_change_expires_ms")}, ${instantFromMs("p_start_ms")},
    ${instantFromMs("p_end_ms")}, ${localFromMs("p_local_start_ms")}, ${localFromMs("p_local_end_ms")},
    ${instantFromMs("p_candidates_from_ms")}, ${instantFromMs("p_candidates_to_ms")},
    ${instantFromMs("p_candidates_end_from_ms")}, ${instantFromMs("p_candidates_end_to_ms")},
    ${localFromMs("p_period_from_ms[1]")}, ${localFromMs("p_period_to_ms[1]")}
  INTO v_at, v_change_expires, v_start, v_end, v_local_start, v_local_end, v_candidates_from, v_candidates_to,
    v_candidates_end_from, v_candidates_end_to, v_periods_from, v_periods_to;
  -- Serialise this user's writes: each waits here until the previous one has committed. Under READ
  -- COMMITTED every statement below then sees that commit, so no check can be stale. (A lock in memory: no
  -- row to write. Two users whose ids hash alike merely take turns.) Nothing has been written before it,
  -- so this transaction's id (xid) is assigned after the lock: one user's events are in xid order.
  PERFORM pg_advisory_xact_lock(hashtext('${lockKey}'), hashtext(p_user_id));

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

  -- 2. The appointment that a move or cancel changes. (A booking's id is tested by its insert.)
  IF p_type <> 'book' THEN
    SELECT * INTO v_current FROM ${appointments} AS a WHERE a.user_id = p_user_id AND a.id = p_id;
    IF NOT FOUND THEN
      v_outcome := '{"status": "not-found"}';
    ELSIF v_current.status <> 'booked' THEN
      v_outcome := jsonb_build_object('status', 'not-booked', 'record', ${recordJson("v_current")});
    ELSIF p_earliest_start_ms IS NOT NULL AND v_current.start_at < ${instantFromMs("p_earliest_start_ms")} THEN
      v_outcome := jsonb_build_object('status', 'too-late', 'record', ${recordJson("v_current")});
    END IF;
  END IF;

  -- 3 and 4. A booking or a move is written with its event in one statement unless a candidate may
  -- collide with it, a quick test on the span of the periods that counts no holders. Most changes collide
  -- with nothing, and this statement is all they cost. When the test finds a candidate, the exact search
  -- decides, and if it finds no conflict after all (a limit above one, several periods), the write is
  -- made without the test.
  IF v_outcome IS NULL AND p_type <> 'cancel' THEN
    IF cardinality(p_period_from_ms) > 1 THEN
      SELECT ${localFromMs("min(u.from_ms)")}, ${localFromMs("max(u.to_ms)")} INTO v_periods_from, v_periods_to
      FROM unnest(p_period_from_ms, p_period_to_ms) AS u(from_ms, to_ms);
    END IF;
    LOOP
      IF p_type = 'book' THEN
        -- The row is its own event (change_xid and change_id by default): no second row to write.
        INSERT INTO ${appointments} AS a (user_id, id, status, start_at, end_at, local_start, local_end, version,
          created_at, updated_at, metadata, change_key, change_expires_at)
        SELECT p_user_id, p_id, 'booked', v_start, v_end, v_local_start, v_local_end, 1, v_at, v_at, p_metadata,
          p_key, v_change_expires
        WHERE v_searched OR ${mayCollide}
        ON CONFLICT DO NOTHING;
      ELSE
        WITH w AS (
          UPDATE ${appointments} AS a
          SET start_at = v_start, end_at = v_end, local_start = v_local_start, local_end = v_local_end,
            version = a.version + 1, updated_at = v_at,
            previous_times = a.previous_times || jsonb_build_array(jsonb_build_object(
              'startMs', ${msOf("a.start_at")}, 'endMs', ${msOf("a.end_at")}, 'movedAtMs', p_at_ms)),
            ${newEvent}
          WHERE a.user_id = p_user_id AND a.id = p_id AND (v_searched OR ${mayCollide})
          RETURNING 1
        )
        ${archive};
      END IF;
      EXIT WHEN FOUND;
      -- Not written. A booking's id taken comes first, by the contract.
      IF p_type = 'book' AND EXISTS (SELECT FROM ${appointments} AS a WHERE a.user_id = p_user_id AND a.id = p_id) THEN
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
        WHERE ${candidate("h")} AND h.status = 'booked' AND h.start_at < v_end AND h.end_at > v_start
        ORDER BY h.start_at, h.id COLLATE "C"
        LIMIT 1;
        IF FOUND THEN
          v_outcome := jsonb_build_object('status', 'overlap', 'conflicting', ${recordJson("v_row")});
          EXIT;
        END IF;
      END IF;
      IF v_searched THEN
        RAISE EXCEPTION 'write of % % refused without a conflict', p_type, p_id;
      END IF;
      v_searched := true;
    END LOOP;
  ELSIF v_outcome IS NULL THEN
    WITH w AS (
      UPDATE ${appointments} AS a
      SET status = 'cancelled', version = a.version + 1, updated_at = v_at, cancelled_at = v_at,
        cancellation_reason = p_reason,
        ${newEvent}
      WHERE a.user_id = p_user_id AND a.id = p_id
      RETURNING 1
    )
    ${archive};
  END IF;

  IF v_outcome IS NULL THEN
    -- Written. The caller has a new booking's record already (it sent it): not built, not sent back.
    IF p_key IS NULL AND p_type = 'book' THEN
      RETURN '{"status": "written"}';
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
