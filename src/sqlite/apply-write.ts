/**
 * The SQLite store's write, step by step: the contract's `write` (the key, the state of the record, the
 * occupancy, the resource claim, the change and its event) as statements on the store's tables, run inside
 * the transaction and savepoint `SqliteStore` opens for it. Nothing here waits: from the first check to the
 * last statement the write is one synchronous run under the database's write lock, so no other write, of
 * this process or another, comes in between.
 *
 * The checks count what SQL finds with the very functions `MemoryStore` runs (`occupancyConflict`,
 * `firstFreeClaim`, `resourceConflict`), judging holds at the write's `atMs`; the SQL only narrows the
 * candidates, through the indexes, to a superset of the records those functions count.
 *
 * @module
 */
import type { JsonObject } from "../model/json.js";
import type {
  AppointmentRecord,
  AppointmentTimes,
  BookChange,
  HoldChange,
  Occupancy,
  ResourceClaim,
  WriteResult,
} from "../store/appointment-store.js";
import { bookedRecord, cancelledRecord, confirmedRecord, movedRecord, releasedRecord } from "../store/booked-record.js";
import { occupancyConflict } from "../store/occupancy.js";
import { type RecordRow, recordFromRow } from "../store/record-row.js";
import { firstFreeClaim, resourceConflict } from "../store/resource-capacity.js";
import { compareRecords } from "../store/user-ledger.js";
import {
  type CheckedBook,
  type CheckedCancel,
  type CheckedHoldChange,
  type CheckedMove,
  type CheckedRequest,
  lowerBound,
  upperBound,
  windowBounds,
} from "./checked-arguments.js";
import { changesOf } from "./driver-adapter.js";
import { currentEventType, keptOutcome, replayedOutcome } from "./record-rows.js";
import type { Statements } from "./statements.js";

/** What a write did in its transaction: its result, and whether it wrote anything (else it is undone). */
export interface Applied {
  readonly result: WriteResult;
  readonly wrote: boolean;
}

/** An appointment's row with its current event's position. */
interface CurrentRow extends RecordRow {
  change_id: number;
}

/** A key's row. */
interface KeyRow {
  fingerprint: string;
  outcome: string;
  expires_ms: number;
}

/** Steps 1 to 4 of the contract's write, inside the transaction (see the module's comment). */
export function applyWrite(statements: Statements, request: CheckedRequest): Applied {
  const { userId, idempotency: claim } = request;
  if (claim !== undefined) {
    const kept = statements.key.get(userId, claim.key) as KeyRow | undefined;
    if (kept !== undefined && kept.expires_ms > request.atMs) {
      if (kept.fingerprint !== claim.fingerprint) return { result: { status: "key-reused" }, wrote: false };
      return { result: replayedOutcome(kept.outcome), wrote: false };
    }
  }
  const { change } = request;
  let applied: Applied;
  switch (change.type) {
    case "book":
    case "hold":
      applied = writeNew(statements, request, change);
      break;
    case "confirm":
    case "release":
      applied = changeHold(statements, request, change);
      break;
    default:
      applied = changeBooked(statements, request, change);
  }
  if (claim === undefined) return applied;
  // The outcome of steps 2 to 4, kept under the key (an expired row of the same key is overwritten).
  statements.keepKey.run(userId, claim.key, claim.fingerprint, keptOutcome(applied.result), claim.expiresAtMs);
  return { result: applied.result, wrote: true };
}

/**
 * A `book` or `hold`: the occupancy, then the first claim whose resource is not full (for a single claim,
 * that one), then the row. A taken id comes first, by the contract: looked up only when a check refuses
 * (without a refusal, the insert finds it).
 */
function writeNew(statements: Statements, request: CheckedRequest, change: CheckedBook): Applied {
  const { userId, atMs } = request;
  let conflict: WriteResult | undefined = occupancyRefusal(statements, request, change.id, change);
  let claim: ResourceClaim | null = null;
  if (conflict === undefined) {
    const choice = firstFreeClaim(change.claims, (each) => resourceCandidates(statements, each, atMs, null), atMs);
    if (choice.conflicting) conflict = { status: "resource-full", conflicting: choice.conflicting, replayed: false };
    else claim = choice.claim;
  }
  if (conflict !== undefined) {
    if (statements.idTaken.get(userId, change.id) !== undefined)
      return refused({ status: "id-taken", replayed: false });
    return refused(conflict);
  }
  const { times, metadataJson, appointmentType } = change;
  const inserted = statements.insert.run(
    userId,
    change.id,
    change.type === "hold" ? "held" : "booked",
    times.startMs,
    times.endMs,
    times.localStartMs,
    times.localEndMs,
    atMs,
    atMs,
    metadataJson,
    claim?.resourceId ?? null,
    claim?.fromMs ?? null,
    claim?.toMs ?? null,
    appointmentType,
    change.holdExpiresAtMs,
    request.idempotency?.key ?? null,
    request.changeExpiresAtMs,
  );
  if (changesOf(inserted) === 0) return refused({ status: "id-taken", replayed: false });
  // The record as a read gives it back: metadata as JSON reads it, in a copy of the store's own.
  const metadata = metadataJson === null ? null : (JSON.parse(metadataJson) as JsonObject);
  const base = { id: change.id, times, metadata, occupancy: change.occupancy, resource: claim, appointmentType };
  const written: BookChange | HoldChange =
    change.type === "hold" ? { ...base, type: "hold", expiresAtMs: change.holdExpiresAtMs } : { ...base, type: "book" };
  const record = bookedRecord(userId, written, atMs, metadata, claim);
  return { result: { status: "written", record, replayed: false }, wrote: true };
}

/** A move or cancel: the state check, for a move the occupancy and the resource, then the change. */
function changeBooked(statements: Statements, request: CheckedRequest, change: CheckedMove | CheckedCancel): Applied {
  const { userId, atMs } = request;
  const row = statements.current.get(userId, change.id) as CurrentRow | undefined;
  if (row === undefined) return refused({ status: "not-found", replayed: false });
  const current = recordFromRow(row);
  // A hold, or a hold given up, is not booked: it is confirmed or released, never moved or cancelled.
  if (current.status !== "booked") return refused({ status: "not-booked", record: current, replayed: false });
  if (change.earliestStartMs !== null && current.startMs < change.earliestStartMs) {
    return refused({ status: "too-late", record: current, replayed: false });
  }
  const key = request.idempotency?.key ?? null;
  if (change.type === "cancel") {
    archive(statements, row, current);
    statements.cancel.run(atMs, atMs, change.reason, key, request.changeExpiresAtMs, row.change_id);
    return written(cancelledRecord(current, change.reason, atMs));
  }

  if (change.expectedVersion !== null && current.version !== change.expectedVersion) {
    return refused({ status: "stale", record: current, replayed: false });
  }
  const refusal = occupancyRefusal(statements, request, change.id, change);
  if (refusal !== undefined) return refused(refusal);
  const claim = change.resource;
  const conflicting =
    claim && resourceConflict(resourceCandidates(statements, claim, atMs, row.change_id), claim, atMs);
  if (conflicting) return refused({ status: "resource-full", conflicting, replayed: false });
  archive(statements, row, current);
  const record = movedRecord(current, change.times, atMs, claim);
  statements.move.run(
    record.startMs,
    record.endMs,
    record.localStartMs,
    record.localEndMs,
    atMs,
    JSON.stringify(record.previousTimes),
    record.resource?.resourceId ?? null,
    record.resource?.fromMs ?? null,
    record.resource?.toMs ?? null,
    key,
    request.changeExpiresAtMs,
    row.change_id,
  );
  return written(record);
}

/**
 * A `confirm` or `release`: the record must be held (`not-held`), and a confirmed hold must not have expired
 * at the write's `atMs` (`hold-expired`; a release gives a hold up whether or not it has). Nothing is
 * counted again: a hold that has not expired has counted since it was written.
 */
function changeHold(statements: Statements, request: CheckedRequest, change: CheckedHoldChange): Applied {
  const { atMs } = request;
  const row = statements.current.get(request.userId, change.id) as CurrentRow | undefined;
  if (row === undefined) return refused({ status: "not-found", replayed: false });
  const current = recordFromRow(row);
  if (current.status !== "held") return refused({ status: "not-held", record: current, replayed: false });
  if (change.type === "confirm" && (current.holdExpiresAtMs ?? Number.NEGATIVE_INFINITY) <= atMs) {
    return refused({ status: "hold-expired", record: current, replayed: false });
  }
  archive(statements, row, current);
  const record = change.type === "confirm" ? confirmedRecord(current, atMs) : releasedRecord(current, atMs);
  const key = request.idempotency?.key ?? null;
  statements.changeHold.run(record.status, atMs, key, request.changeExpiresAtMs, row.change_id);
  return written(record);
}

/** Moves the event of the row's current version to the changes table, as it is, at its position. */
function archive(statements: Statements, row: CurrentRow, current: AppointmentRecord): void {
  const type = currentEventType(row);
  const last = type === "rescheduled" ? current.previousTimes.at(-1) : undefined;
  statements.archive.run(type, last?.startMs ?? null, last?.endMs ?? null, row.change_id);
}

/**
 * The contract's occupancy check at the write's `atMs`: the user's records that hold periods then, within
 * the candidates' windows (through the index in list order), narrowed in SQL to those that hold the span of
 * the periods or, when overlap is refused, overlap the new times; most writes find none. The few found are
 * counted per period by the very function `MemoryStore` runs, in the contract's order. `id` is the record
 * written (a booking's new id, or the one moved, which never conflicts with itself).
 */
function occupancyRefusal(
  statements: Statements,
  request: CheckedRequest,
  id: string,
  change: { readonly times: AppointmentTimes; readonly occupancy: Occupancy },
): Extract<WriteResult, { status: "limit-reached" | "overlap" }> | undefined {
  const { times, occupancy } = change;
  const { atMs } = request;
  const [startFrom, startTo] = windowBounds(occupancy.candidatesStartWithin);
  const [endFrom, endTo] = windowBounds(occupancy.candidatesEndWithin);
  let spanFrom = Number.POSITIVE_INFINITY;
  let spanTo = Number.NEGATIVE_INFINITY;
  for (const period of occupancy.periods) {
    spanFrom = Math.min(spanFrom, lowerBound(period.fromMs));
    spanTo = Math.max(spanTo, upperBound(period.toMs));
  }
  const rows = statements.candidates.all(
    request.userId,
    startFrom,
    startTo,
    endFrom,
    endTo,
    id,
    atMs,
    // No period: an empty span, which nothing holds.
    Number.isFinite(spanTo) ? spanTo : lowerBound(undefined),
    Number.isFinite(spanFrom) ? spanFrom : upperBound(undefined),
    occupancy.noOverlap ? 1 : 0,
    atMs,
    times.endMs,
    times.startMs,
  ) as RecordRow[];
  if (rows.length === 0) return undefined;
  // In the contract's order (ids by code units, where SQLite's BINARY order is by code points).
  return occupancyConflict(rows.map(recordFromRow).sort(compareRecords), times, occupancy, atMs);
}

/**
 * A resource claim's candidates, across users: the records of the claimed resource that occupy it at `atMs`
 * (booked, or held until after it) whose span starts within the claim's window and overlaps its span
 * (through the resource index), but the record moved (its row's `change_id`, `null` for a new record).
 * `resourceConflict` counts them per instant. The whole write holds the database's write lock, so no other
 * write, of any user or process, changes the resource meanwhile.
 */
function resourceCandidates(
  statements: Statements,
  claim: ResourceClaim,
  atMs: number,
  movedChangeId: number | null,
): AppointmentRecord[] {
  const rows = statements.resourceCandidates.all(
    claim.resourceId,
    claim.candidatesStartWithin.fromMs,
    claim.candidatesStartWithin.toMs,
    claim.toMs,
    claim.fromMs,
    atMs,
    movedChangeId,
  ) as RecordRow[];
  // Fewer than the capacity cannot fill it: no record needs building.
  return rows.length < claim.capacity ? [] : rows.map(recordFromRow);
}

/** A refusal: nothing written (a key, if any, keeps it). */
function refused(result: WriteResult): Applied {
  return { result, wrote: false };
}

/** A change written: its record. */
function written(record: AppointmentRecord): Applied {
  return { result: { status: "written", record, replayed: false }, wrote: true };
}
