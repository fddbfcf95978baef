/**
 * Reading the feed as a consumer does: page after page from a saved position. The store may hold other
 * cases' and other runs' events (it is shared), so unfiltered reads start after an anchor: an event the
 * case wrote itself before anything it checks.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { AppointmentStore, ChangeRecord } from "../store/appointment-store.js";
import type { CaseContext } from "./contract-case.js";
import { bookRequest, T0, timesAt } from "./requests.js";

/**
 * Every event after `after` (from the oldest kept when absent), of one user or all, page by page until an
 * empty page: a page may hold fewer than `limit` events without being the last.
 */
export async function readAllChanges(
  store: AppointmentStore,
  query: { readonly userId?: string; readonly after?: string | undefined },
  pageSize = 100,
): Promise<ChangeRecord[]> {
  const all: ChangeRecord[] = [];
  const seen = new Set<string>();
  let after = query.after;
  for (;;) {
    const page = await store.readChanges({ after, limit: pageSize, userId: query.userId });
    assert.ok(page.length <= pageSize, `readChanges returned ${page.length} events for limit ${pageSize}`);
    for (const change of page) {
      assert.equal(typeof change.position, "string", "every event's position is a string");
      // Checked page by page: a store that ignores `after` would otherwise be read forever.
      assert.ok(!seen.has(change.position), `the feed repeats the event at ${change.position} after ${after}`);
      seen.add(change.position);
    }
    const last = page.at(-1);
    if (!last) break;
    all.push(...page);
    after = last.position;
  }
  return all;
}

/**
 * Writes an event for a fresh user and returns its position: reading the whole feed after it returns the
 * events committed since, without paging through everything the store held before.
 */
export async function anchorPosition(store: AppointmentStore, context: CaseContext): Promise<string> {
  const user = context.newUser("anchor");
  const result = await store.write(bookRequest(user, context.newId("anchor"), timesAt(T0)));
  assert.equal(result.status, "written", "the anchor's booking is written");
  const [event] = await store.readChanges({ userId: user, limit: 1 });
  assert.ok(event, "the anchor's booking has an event");
  return event.position;
}

/** The events among `changes` of the users named, in feed order. */
export function ofUsers(changes: readonly ChangeRecord[], users: readonly string[]): ChangeRecord[] {
  return changes.filter((change) => users.includes(change.record.userId));
}
