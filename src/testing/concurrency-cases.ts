/**
 * Concurrency: many writes in flight at once against the store, where a store that checks and then writes
 * in two steps lets two of them pass, or loses one. Every outcome must be one that some serial order of the
 * same writes gives. Real parallelism for stores with connections of their own; see `race-cases.ts` for
 * fast-check's scheduler, which tries many interleavings of a store's answers.
 *
 * @module
 */
import assert from "node:assert/strict";
import { LimitReachedError } from "../errors/scheduler-errors.js";
import { createScheduler } from "../scheduler/scheduler.js";
import type { AppointmentRecord, WriteResult } from "../store/appointment-store.js";
import { claimsNotCommitted, settle } from "./abort-cases.js";
import { inGroup, type StoreContractCase } from "./contract-case.js";
import { changesOf, expectRecords, recordOf, writeOk } from "./expectations.js";
import { anchorPosition, feedSettled } from "./feed.js";
import { byStartThenId, plainRecord, plainResult } from "./records.js";
import {
  AT,
  bookRequest,
  cancelRequest,
  claim,
  HOUR,
  localDay,
  MINUTE,
  midnightOf,
  moveRequest,
  schedulerClock,
  T0,
  timesAt,
} from "./requests.js";

const concurrency = inGroup("concurrency");

const DAY_OF_T0 = localDay(midnightOf(T0));

/** The written records among `results`, as plain copies. */
const writtenRecords = (results: readonly WriteResult[]): AppointmentRecord[] =>
  results.flatMap((r) => (r.status === "written" ? [plainRecord(r.record)] : []));

/** Yields to timers, so that a loop of reads lets writes waiting on a timer go on. */
const nextTurn = () => new Promise((resolve) => setTimeout(resolve, 0));

export const concurrencyCases: StoreContractCase[] = [
  concurrency("lets exactly `limit` of many concurrent bookings into one period through", async (store, c) => {
    for (const limit of new Set([1, 3, Math.max(1, c.concurrency - 1)])) {
      const user = c.newUser();
      const requests = Array.from({ length: c.concurrency }, (_, i) =>
        bookRequest(user, c.newId(), timesAt(T0 + i * MINUTE, { minutes: 1 }), { periods: [DAY_OF_T0], limit }),
      );
      const results = await Promise.all(requests.map((request) => store.write(request)));
      const winners = writtenRecords(results).sort(byStartThenId);
      assert.equal(winners.length, Math.min(limit, requests.length), `limit ${limit}: as many written as the limit`);
      // Serially, the period is full once the winners are in: a loser names the earliest of them.
      for (const result of results) {
        if (result.status === "written") continue;
        assert.deepEqual(
          plainResult(result),
          { status: "limit-reached", conflicting: winners[0], replayed: false },
          `limit ${limit}: a refused booking names the earliest winner`,
        );
      }
      await expectRecords(store, user, winners, `limit ${limit}: the winners only`);
      assert.equal((await changesOf(store, user)).length, winners.length, `limit ${limit}: one event per winner`);
    }
  }),

  concurrency("lets one of many concurrent overlapping bookings through", async (store, c) => {
    const user = c.newUser();
    const requests = Array.from({ length: c.concurrency }, (_, i) =>
      bookRequest(user, c.newId(), timesAt(T0 + i * MINUTE, { minutes: 60 }), { noOverlap: true }),
    );
    const results = await Promise.all(requests.map((request) => store.write(request)));
    const [winner, ...others] = writtenRecords(results);
    assert.ok(
      winner && others.length === 0,
      `exactly one of overlapping bookings is written, got ${others.length + (winner ? 1 : 0)}`,
    );
    for (const result of results) {
      if (result.status !== "written") {
        assert.deepEqual(
          plainResult(result),
          { status: "overlap", conflicting: winner, replayed: false },
          "the others name the winner",
        );
      }
    }
  }),

  concurrency("applies concurrent moves of one record one after another, losing none", async (store, c) => {
    const user = c.newUser();
    const original = await writeOk(store, bookRequest(user, c.newId(), timesAt(T0)), "the booking");
    const occupancy = { periods: [DAY_OF_T0], limit: 1, noOverlap: true };
    const results = await Promise.all(
      Array.from({ length: c.concurrency }, (_, i) =>
        store.write(moveRequest(user, original.id, timesAt(T0 + (i + 1) * MINUTE), { ...occupancy, atMs: AT + i })),
      ),
    );
    const moves = writtenRecords(results).sort((a, b) => a.version - b.version);
    assert.equal(moves.length, c.concurrency, "every move is written: none collides with another record");
    assert.deepEqual(
      moves.map((m) => m.version),
      moves.map((_, i) => i + 2),
      "the moves have versions 2, 3, …: each applied to the record the previous one left",
    );
    for (const [i, move] of moves.entries()) {
      const before = moves[i - 1] ?? original;
      assert.deepEqual(
        move.previousTimes,
        [...before.previousTimes, { startMs: before.startMs, endMs: before.endMs, movedAtMs: move.updatedAtMs }],
        `move to version ${move.version} records where the record was`,
      );
    }
    const last = moves.at(-1);
    await expectRecords(store, user, last ? [last] : [], "the record as the last move left it");
    const events = await changesOf(store, user);
    assert.deepEqual(
      events.map((e) => e.record),
      [original, ...moves],
      "one event per move, in the order of the versions",
    );
  }),

  concurrency("orders concurrent moves and cancels of one record as one serial order would", async (store, c) => {
    for (let round = 0; round < Math.max(4, c.concurrency / 2); round++) {
      const user = c.newUser();
      const original = await writeOk(store, bookRequest(user, c.newId(), timesAt(T0)), "the booking");
      // Moves and cancels in alternation, and in both orders from round to round: an in-process store starts
      // each call's work as soon as it is called.
      const writes = Array.from({ length: Math.max(4, c.concurrency / 2) }, (_, i) =>
        (i + round) % 2 === 0
          ? moveRequest(user, original.id, timesAt(T0 + (i + 1) * HOUR), { atMs: AT + i })
          : cancelRequest(user, original.id, `cancel ${i}`, { atMs: AT + i }),
      );
      const results = await Promise.all(writes.map((request) => store.write(request)));
      const written = writtenRecords(results).sort((a, b) => a.version - b.version);
      assert.deepEqual(
        written.map((r) => r.version),
        written.map((_, i) => i + 2),
        `round ${round}: the written changes have versions 2, 3, …`,
      );
      const cancels = written.filter((r) => r.status === "cancelled");
      const final = written.at(-1);
      assert.ok(
        cancels.length === 1 && final === cancels[0],
        `round ${round}: exactly one cancel is written, and last`,
      );
      for (const result of results) {
        if (result.status === "written") continue;
        assert.deepEqual(
          plainResult(result),
          { status: "not-booked", record: final, replayed: false },
          `round ${round}: the changes after the cancel find it cancelled`,
        );
      }
      await expectRecords(store, user, final ? [final] : [], `round ${round}: the record as the cancel left it`);
      assert.deepEqual(
        (await changesOf(store, user)).map((e) => e.record),
        [original, ...written],
        `round ${round}: one event per written change, in version order`,
      );
    }
  }),

  concurrency(
    "writes once for concurrent retries with one key, answering the first outcome to every retry",
    async (store, c) => {
      const user = c.newUser();
      const key = c.newId("key");
      const request = bookRequest(user, c.newId(), timesAt(T0), { idempotency: claim(key, "a") });
      const results = await Promise.all(Array.from({ length: c.concurrency }, () => store.write(request)));
      const first = results.filter((r) => !("replayed" in r) || !r.replayed);
      assert.equal(first.length, 1, "exactly one retry is not a replay");
      const [original] = writtenRecords(first);
      assert.ok(original, "the first outcome is written");
      for (const result of results) {
        assert.deepEqual(
          plainResult(result),
          { status: "written", record: original, replayed: result !== first[0] },
          "every answer is the first outcome",
        );
      }
      await expectRecords(store, user, [original], "one record");
      assert.equal((await changesOf(store, user)).length, 1, "one event");

      // Two requests under one key at once: one is written, its retries replay it, the other's are key-reused.
      const other = c.newUser();
      const both = [
        bookRequest(other, c.newId(), timesAt(T0), { idempotency: claim(key, "a") }),
        bookRequest(other, c.newId(), timesAt(T0 + HOUR), { idempotency: claim(key, "b") }),
      ];
      const mixed = await Promise.all(
        Array.from({ length: c.concurrency }, (_, i) => store.write(both[i % 2] ?? request)),
      );
      const [winner, ...more] = writtenRecords(mixed.filter((r) => r.status === "written" && !r.replayed));
      assert.ok(winner && more.length === 0, "exactly one of two requests under one key is written");
      mixed.forEach((result, i) => {
        if (both[i % 2]?.change.id === winner.id) {
          const written = result.status === "written" ? plainRecord(result.record) : result;
          assert.deepEqual(written, winner, "the winner's retries answer its outcome");
        } else {
          assert.deepEqual(result, { status: "key-reused" }, "the other request's tries are key-reused");
        }
      });
      assert.equal((await changesOf(store, other)).length, 1, "one event under one key");
      await expectRecords(store, other, [winner], "one record under one key");
    },
  ),

  concurrency("books many users at once, each independently", async (store, c) => {
    const users = Array.from({ length: c.concurrency }, () => c.newUser());
    const results = await Promise.all(
      users.map((user) =>
        store.write(bookRequest(user, c.newId(), timesAt(T0), { periods: [DAY_OF_T0], limit: 1, noOverlap: true })),
      ),
    );
    assert.ok(
      results.every((r) => r.status === "written"),
      "every user's first booking is written",
    );
    const lists = await Promise.all(users.map((user) => store.listAppointments(user, {})));
    lists.forEach((records, i) => {
      assert.deepEqual(
        records.map((r) => r.userId),
        [users[i]],
        "each user holds exactly their own booking",
      );
    });
  }),

  concurrency(
    "shows a consumer reading the feed while writes commit every event once, in each user's order",
    async (store, c) => {
      const anchor = await anchorPosition(store, c);
      const users = Array.from({ length: Math.max(2, c.concurrency / 2) }, () => c.newUser("writer"));
      let writing = true;
      // The consumer: reads on from its last position, as a subscriber polling the feed does.
      const seen: string[] = [];
      const consumer = (async () => {
        let after = anchor;
        const read = async () => {
          const page = await store.readChanges({ after, limit: 5 });
          for (const change of page)
            if (users.includes(change.record.userId))
              seen.push(`${change.record.userId} ${change.record.id} v${change.record.version}`);
          after = page.at(-1)?.position ?? after;
          return page.length;
        };
        while (writing) {
          await read();
          await nextTurn();
        }
        // Then the rest, once every write has been answered and the feed shows them.
        await feedSettled(store);
        while ((await read()) > 0);
      })();
      // Each user writes a booking, a move and a cancel, one after another; the users at once.
      const expected = await Promise.all(
        users.map(async (user) => {
          const booked = await writeOk(store, bookRequest(user, c.newId(), timesAt(T0)), "a writer's booking");
          const moved = await writeOk(store, moveRequest(user, booked.id, timesAt(T0 + HOUR)), "a writer's move");
          const cancelled = await writeOk(store, cancelRequest(user, booked.id), "a writer's cancel");
          return [booked, moved, cancelled].map((r) => `${user} ${r.id} v${r.version}`);
        }),
      );
      writing = false;
      await consumer;
      assert.equal(new Set(seen).size, seen.length, "the consumer saw no event twice");
      for (const [i, user] of users.entries()) {
        assert.deepEqual(
          seen.filter((s) => s.startsWith(`${user} `)),
          expected[i],
          `the consumer saw each of ${user}'s events once, in order`,
        );
      }
      assert.equal(seen.length, users.length * 3, "every event, none skipped");
    },
  ),

  concurrency(
    "resolves a write only when it committed, also when its signal fires during the write",
    async (store, c) => {
      const user = c.newUser();
      const runs = Array.from({ length: c.concurrency * 2 }, async (_, i) => {
        const controller = new AbortController();
        const request = bookRequest(user, c.newId(), timesAt(T0 + i * HOUR), { idempotency: claim(c.newId("key")) });
        // The signal fires at once, after the current microtasks, or on the next timer turns.
        const delay = i % 4;
        if (delay === 0) queueMicrotask(() => controller.abort());
        else setTimeout(() => controller.abort(new DOMException("timed out", "TimeoutError")), delay - 1);
        return { request, settled: await settle(store, request, controller.signal) };
      });
      const outcomes = await Promise.all(runs);
      const events = await changesOf(store, user);
      for (const { request, settled } of outcomes) {
        const what = `booking ${request.change.id}`;
        const stored = await recordOf(store, user, request.change.id);
        const evented = events.some((e) => e.record.id === request.change.id);
        if ("result" in settled) {
          assert.equal(settled.result.status, "written", `${what}: resolved with ${JSON.stringify(settled.result)}`);
          assert.ok(stored && evented, `${what}: resolved, so its record and event are stored`);
        } else if (claimsNotCommitted(settled, what)) {
          assert.ok(!stored && !evented, `${what}: rejected as not committed, yet its record or event is stored`);
        }
        assert.equal(Boolean(stored), evented, `${what}: a record without its event, or an event without its record`);
      }
    },
  ),

  concurrency(
    "through the scheduler: of concurrent books for one user and date, exactly one succeeds",
    async (store, c) => {
      const scheduler = createScheduler({ store, now: schedulerClock });
      const user = c.newUser();
      const times = Array.from(
        { length: c.concurrency },
        (_, i) => `2021-04-22 ${String(i % 24).padStart(2, "0")}:${i % 48 < 24 ? "00" : "30"}`,
      );
      const results = await Promise.allSettled(times.map((time) => scheduler.book(user, time)));
      assert.equal(results.filter((r) => r.status === "fulfilled").length, 1, "exactly one booking");
      for (const r of results) {
        if (r.status === "rejected") {
          assert.ok(r.reason instanceof LimitReachedError, `the others are LIMIT_REACHED, got ${String(r.reason)}`);
        }
      }
      assert.equal((await scheduler.list(user)).appointments.length, 1, "one appointment listed");
    },
  ),
];
