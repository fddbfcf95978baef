/**
 * Assertions the cases share: an outcome, a user's records, a user's events, each compared as plain copies
 * with a message that names the promise being checked.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { AppointmentRecord, AppointmentStore, WriteRequest, WriteResult } from "../store/appointment-store.js";
import { readAllChanges } from "./feed.js";
import { type ChangeFacts, plainChange, plainRecord, plainResult } from "./records.js";

/** Writes `request` and asserts that it was written (not replayed); returns the record as a plain copy. */
export async function writeOk(
  store: AppointmentStore,
  request: WriteRequest,
  what: string,
): Promise<AppointmentRecord> {
  const result = await store.write(request);
  assert.equal(result.status, "written", `${what}: expected written, got ${JSON.stringify(result)}`);
  assert.ok(result.status === "written");
  assert.equal(result.replayed, false, `${what}: a first write is not replayed`);
  return plainRecord(result.record);
}

/** Writes `request` and asserts its whole outcome. */
export async function expectOutcome(
  store: AppointmentStore,
  request: WriteRequest,
  expected: WriteResult,
  what: string,
): Promise<WriteResult> {
  const result = await store.write(request);
  assert.deepEqual(plainResult(result), expected, what);
  return result;
}

/** Asserts the user's records, cancelled ones included, in the list's order. */
export async function expectRecords(
  store: AppointmentStore,
  userId: string,
  expected: readonly AppointmentRecord[],
  what: string,
): Promise<void> {
  const listed = await store.listAppointments(userId, { status: "all" });
  assert.deepEqual(listed.map(plainRecord), expected, `${what}: the user's records`);
}

/** Asserts the user's events, oldest first, positions aside. */
export async function expectChanges(
  store: AppointmentStore,
  userId: string,
  expected: readonly ChangeFacts[],
  what: string,
): Promise<void> {
  const changes = await readAllChanges(store, { userId });
  assert.deepEqual(changes.map(plainChange), expected, `${what}: the user's events`);
}

/** The user's events, oldest first, as plain facts. */
export async function changesOf(store: AppointmentStore, userId: string): Promise<ChangeFacts[]> {
  return (await readAllChanges(store, { userId })).map(plainChange);
}

/** The user's record with this id as a plain copy, or null. */
export async function recordOf(store: AppointmentStore, userId: string, id: string): Promise<AppointmentRecord | null> {
  const record = await store.getAppointment(userId, id);
  return record && plainRecord(record);
}
