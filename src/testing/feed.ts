/**
 * Reading the feed as a consumer does: page after page from a saved position. The store may hold other
 * cases' and other runs' events (it is shared), so unfiltered reads start after an anchor: an event the
 * case wrote itself before anything it checks.
 *
 * A store may show an event some time after its write resolved (PostgreSQL shows it once every transaction
 * that started before it has finished, and other activity on the database delays that), but never out of
 * commit order. So before it reads, a case waits for the feed to settle: it writes a fence (a booking of a
 * fresh user) and waits until the fence's event is readable. By the feed's order, every event committed
 * before the fence is readable then too.
 *
 * @module
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
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
  await feedSettled(store);
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
  return (await eventOf(store, user, "the anchor's booking")).position;
}

/** When the fence is written: before every clock the kit's cases use. */
const FENCE_AT = Date.UTC(2000, 0, 1);

/** How long a committed event may take to become readable before the kit calls it lost. */
const SETTLE_TIMEOUT_MS = 10_000;

/**
 * Waits until every event committed before the call is readable: see the module's comment. Fails when the
 * fence's own event has not appeared within 10 seconds.
 */
export async function feedSettled(store: AppointmentStore): Promise<void> {
  const fence = `fence-${randomUUID()}`;
  // Written at a time before any case's clock: a store that removes expired keys and events as it writes
  // (by the write's `atMs`) must not remove, for the fence, what the case still reads.
  const result = await store.write(bookRequest(fence, randomUUID(), timesAt(T0), { atMs: FENCE_AT }));
  assert.equal(result.status, "written", "the fence's booking is written");
  await eventOf(store, fence, "the fence's booking");
}

/** The first event of `userId`, waiting (up to the settle timeout) until it is readable. */
async function eventOf(store: AppointmentStore, userId: string, what: string): Promise<ChangeRecord> {
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  for (let wait = 1; ; wait = Math.min(wait * 2, 50)) {
    const [event] = await store.readChanges({ userId, limit: 1 });
    if (event) return event;
    assert.ok(
      Date.now() < deadline,
      `${what} has no event in the feed ${SETTLE_TIMEOUT_MS / 1000} s after it was written`,
    );
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

/** The events among `changes` of the users named, in feed order. */
export function ofUsers(changes: readonly ChangeRecord[], users: readonly string[]): ChangeRecord[] {
  return changes.filter((change) => users.includes(change.record.userId));
}
