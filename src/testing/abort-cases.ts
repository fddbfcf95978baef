/**
 * "Durable when it says so", as examples: a write given a signal that has already fired either commits (and
 * resolves) or rejects; when it rejects with a `SchedulerError`, nothing was written, not even its key.
 *
 * @module
 */
import assert from "node:assert/strict";
import { isSchedulerError } from "../errors/scheduler-errors.js";
import type { AppointmentStore, WriteRequest, WriteResult } from "../store/appointment-store.js";
import type { StoreContractCase } from "./contract-case.js";
import { changesOf, recordOf, writeOk } from "./expectations.js";
import { plainRecord } from "./records.js";
import {
  AT,
  bookRequest,
  cancelRequest,
  claim,
  HOUR,
  MINUTE,
  moveRequest,
  retriedAt,
  T0,
  timesAt,
} from "./requests.js";

/** The codes a store may reject a write with, each meaning that it did not commit. */
export const NOT_COMMITTED_CODES: readonly string[] = ["STORE_UNAVAILABLE", "TIMED_OUT", "ABORTED"];

/** How a write ended: its outcome, or what it rejected with. */
export type Settled = { readonly result: WriteResult } | { readonly error: unknown };

/** Runs a write to its end, whichever way it goes. */
export async function settle(store: AppointmentStore, request: WriteRequest, signal?: AbortSignal): Promise<Settled> {
  try {
    return { result: await store.write(request, { signal }) };
  } catch (error) {
    return { error };
  }
}

/** Whether a rejection claims that the write did not commit; asserts that it uses a code that may say so. */
export function claimsNotCommitted(settled: Settled, what: string): boolean {
  if (!("error" in settled) || !isSchedulerError(settled.error)) return false;
  assert.ok(
    NOT_COMMITTED_CODES.includes(settled.error.code),
    `${what}: a store rejects a write with ${NOT_COMMITTED_CODES.join(", ")}, got ${settled.error.code}`,
  );
  return true;
}

const firedSignals = (): [string, AbortSignal][] => [
  ["an aborted signal", AbortSignal.abort()],
  ["a timed-out signal", AbortSignal.abort(new DOMException("The operation timed out.", "TimeoutError"))],
];

export const abortCases: StoreContractCase[] = [
  {
    group: "semantics",
    name: "a write with a fired signal commits and resolves, or rejects having written nothing, not even its key",
    async run(store, c) {
      for (const [signalName, signal] of firedSignals()) {
        for (const type of ["book", "move", "cancel"] as const) {
          const what = `a ${type} with ${signalName}`;
          const user = c.newUser();
          const existing = await writeOk(store, bookRequest(user, c.newId(), timesAt(T0)), "the booking to change");
          const idempotency = claim(c.newId("key"));
          const options = { idempotency, atMs: AT + MINUTE };
          const request =
            type === "book"
              ? bookRequest(user, c.newId(), timesAt(T0 + HOUR), options)
              : type === "move"
                ? moveRequest(user, existing.id, timesAt(T0 + HOUR), options)
                : cancelRequest(user, existing.id, null, options);
          const settled = await settle(store, request, signal);
          const events = (await changesOf(store, user)).length;
          if ("result" in settled) {
            // Resolved: committed, and visible at once.
            assert.equal(settled.result.status, "written", `${what}: resolved with ${JSON.stringify(settled.result)}`);
            if (settled.result.status === "written") {
              const record = plainRecord(settled.result.record);
              assert.deepEqual(
                await recordOf(store, user, record.id),
                record,
                `${what}: resolved, so its record is stored`,
              );
            }
            assert.equal(events, 2, `${what}: resolved, so its event is in the feed`);
          } else if (claimsNotCommitted(settled, what)) {
            // Rejected as not committed: nothing of it is kept, not even the key's outcome.
            assert.equal(events, 1, `${what}: rejected as not committed, yet its event is in the feed`);
            assert.deepEqual(
              await recordOf(store, user, existing.id),
              existing,
              `${what}: rejected as not committed, yet the record changed`,
            );
            if (type === "book")
              assert.equal(
                await store.getAppointment(user, request.change.id),
                null,
                `${what}: rejected as not committed, yet booked`,
              );
            const retry = await store.write(retriedAt(request, AT + 2 * MINUTE));
            assert.ok(
              retry.status === "written" && !retry.replayed,
              `${what}: rejected as not committed, so a retry with its key is a first write, got ${JSON.stringify(retry)}`,
            );
          }
          // Any other error: the store cannot tell, and neither can the kit.
        }
      }
    },
  },
];
