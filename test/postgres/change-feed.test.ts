/**
 * The PostgreSQL store's change feed is read in commit order and never skips an event that commits late:
 * transaction A writes first (its transaction id is the smaller) and commits last, B commits in between. A
 * reader must not return B while A is unresolved, since a consumer that saved B's position would then never
 * see A. On the server A is held open on a connection of its own; on PGlite (one connection) it is held as
 * a prepared transaction.
 */
import { PGlite } from "@electric-sql/pglite";
import {
  type AppointmentRecord,
  type ChangeRecord,
  InvalidArgumentError,
  type WriteRequest,
} from "appointment-scheduler";
import { PostgresStore } from "appointment-scheduler/postgres";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { dropSchema, NEEDS_SERVER, serverPool, TEST_DATABASE_URL, uniquePrefix } from "./targets.js";

const DAY_MS = 86_400_000;

function booking(userId: string, id: string, day: number): WriteRequest {
  const startMs = Date.UTC(2021, 3, 22) + day * DAY_MS;
  return {
    userId,
    change: {
      type: "book",
      id,
      times: { startMs, endMs: startMs + 1_800_000, localStartMs: startMs, localEndMs: startMs + 1_800_000 },
      metadata: null,
      occupancy: {
        periods: [{ fromMs: startMs - 1, toMs: startMs + DAY_MS }],
        limit: 1,
        noOverlap: true,
        candidatesStartWithin: { fromMs: startMs - 2 * DAY_MS, toMs: startMs + 2 * DAY_MS },
        candidatesEndWithin: { fromMs: startMs - 2 * DAY_MS, toMs: startMs + 2 * DAY_MS },
      },
    },
    atMs: Date.now(),
    changeExpiresAtMs: Date.now() + DAY_MS,
  };
}

/** Everything a consumer that saves its position sees, reading pages of `limit` from `after`. */
async function readAll(store: PostgresStore, after: string | undefined, limit = 3) {
  const seen: { position: string; id: string }[] = [];
  let position = after;
  for (;;) {
    const page = await store.readChanges({ after: position, limit });
    seen.push(...page.map((event) => ({ position: event.position, id: event.record.id })));
    if (page.length < limit) return { seen, position: seen.at(-1)?.position ?? position };
    position = page.at(-1)?.position;
  }
}

/** The late-commit scenario, given how to open A's transaction, write in it, and end it. */
async function lateCommit(
  store: PostgresStore,
  late: {
    begin(): Promise<void>;
    write(request: WriteRequest): Promise<unknown>;
    hold(): Promise<void>;
    end(commit: boolean): Promise<void>;
  },
  commit: boolean,
) {
  await store.write(booking("earlier", "e1", 0));
  const first = await readAll(store, undefined);
  expect(first.seen.map((event) => event.id)).toEqual(["e1"]);

  await late.begin();
  await late.write(booking("a", "a1", 1));
  await late.hold();
  // B: another user, committed while A is still open.
  expect((await store.write(booking("b", "b1", 1))).status).toBe("written");
  const during = await readAll(store, first.position);
  expect(during.seen).toEqual([]); // not B before A is resolved
  expect(await store.readChanges({ after: first.position, limit: 10, userId: "b" })).toEqual([]);

  await late.end(commit);
  const after = await readAll(store, during.position);
  expect(after.seen.map((event) => event.id)).toEqual(commit ? ["a1", "b1"] : ["b1"]);
  // From the start: every event exactly once, in the same order.
  const all = await readAll(store, undefined, 1);
  expect(all.seen).toEqual([...first.seen, ...after.seen]);
}

/** A move of `id` to `day` at `hour`, with nothing to collide with. */
function move(userId: string, id: string, day: number, hour: number, atMs: number): WriteRequest {
  const startMs = Date.UTC(2021, 3, 22) + day * DAY_MS + hour * 3_600_000;
  return {
    userId,
    change: {
      type: "move",
      id,
      earliestStartMs: null,
      times: { startMs, endMs: startMs + 1_800_000, localStartMs: startMs, localEndMs: startMs + 1_800_000 },
      occupancy: {
        periods: [],
        limit: 1,
        noOverlap: false,
        candidatesStartWithin: { fromMs: startMs, toMs: startMs },
        candidatesEndWithin: { fromMs: startMs, toMs: startMs },
      },
    },
    atMs,
    changeExpiresAtMs: atMs + DAY_MS,
  };
}

/**
 * Books, moves (two writers racing on each appointment) and cancels (two racing) several appointments of a
 * few users at once, on `writers` connections, while a consumer pages the feed saving its position. Every
 * change written must be seen exactly once, in the feed's order, each version's event with the appointment
 * as that change left it: the current version's event lives in the appointments row and moves to the
 * changes table when the appointment changes again, possibly between two pages of the reader.
 */
async function racingChanges(store: PostgresStore) {
  const USERS = 3;
  const PER_USER = 4;
  const MOVES = 3;
  let clock = Date.UTC(2021, 0, 1);
  const tick = () => ++clock;
  /** What each written change must look like in the feed, by user, appointment and version. */
  const expected = new Map<string, { type: string; record: AppointmentRecord; atMs: number; previous: unknown }>();
  const expect1 = (request: WriteRequest, result: Awaited<ReturnType<PostgresStore["write"]>>) => {
    if (result.status !== "written") return;
    const { record } = result;
    const type =
      request.change.type === "book" ? "booked" : request.change.type === "move" ? "rescheduled" : "cancelled";
    const last = record.previousTimes.at(-1);
    const previous = type === "rescheduled" && last ? { startMs: last.startMs, endMs: last.endMs } : null;
    expected.set(`${record.userId}/${record.id}/${record.version}`, { type, record, atMs: request.atMs, previous });
  };
  const write = async (request: WriteRequest) => {
    const result = await store.write(request);
    expect1(request, result);
    return result;
  };

  const seen: ChangeRecord[] = [];
  let position: string | undefined;
  let writing = true;
  const reader = (async () => {
    while (writing || seen.length < expected.size) {
      const page = await store.readChanges({ after: position, limit: 4 });
      seen.push(...page);
      position = page.at(-1)?.position ?? position;
      if (page.length === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    }
  })();
  try {
    await Promise.all(
      Array.from({ length: USERS * PER_USER }, async (_, n) => {
        const userId = `r${n % USERS}`;
        const id = `a${n}`;
        expect((await write({ ...booking(userId, id, n), atMs: tick() })).status).toBe("written");
        await Promise.all(
          [0, 1].map(async (writer) => {
            for (let i = 0; i < MOVES; i++) {
              expect((await write(move(userId, id, n, 1 + writer * MOVES + i, tick()))).status).toBe("written");
            }
          }),
        );
        const cancel = (atMs: number): WriteRequest => ({
          userId,
          change: { type: "cancel", id, reason: "racing", earliestStartMs: null },
          atMs,
          changeExpiresAtMs: atMs + DAY_MS,
        });
        const outcomes = await Promise.all([write(cancel(tick())), write(cancel(tick()))]);
        expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(["not-booked", "written"]);
      }),
    );
  } finally {
    writing = false;
    await reader;
  }

  // Every change once: a booking, 2 × MOVES moves and a cancellation per appointment.
  expect(expected.size).toBe(USERS * PER_USER * (2 + 2 * MOVES));
  expect(seen).toHaveLength(expected.size);
  const keys = seen.map((event) => `${event.record.userId}/${event.record.id}/${event.record.version}`);
  expect(new Set(keys).size).toBe(seen.length);
  // In the feed's order, and each appointment's versions in order.
  const positions = seen.map((event) => event.position.split("-").map(BigInt) as [bigint, bigint]);
  for (let i = 1; i < positions.length; i++) {
    const [xid, eventId] = positions[i] as [bigint, bigint];
    const [previousXid, previousId] = positions[i - 1] as [bigint, bigint];
    expect(xid > previousXid || (xid === previousXid && eventId > previousId)).toBe(true);
  }
  const lastVersion = new Map<string, number>();
  for (const [i, event] of seen.entries()) {
    const appointment = `${event.record.userId}/${event.record.id}`;
    expect(event.record.version).toBe((lastVersion.get(appointment) ?? 0) + 1);
    lastVersion.set(appointment, event.record.version);
    // The snapshot of its own version, its type, time and previous times.
    const want = expected.get(keys[i] as string);
    expect({ type: event.type, record: event.record, atMs: event.atMs, previous: event.previous }).toEqual(want);
    expect(event.idempotencyKey).toBeNull();
  }
  // The same as one read of everything afterwards, and the same again in pages of one.
  const all = await readAll(store, undefined, 50);
  expect(all.seen.map((event) => event.position)).toEqual(seen.map((event) => event.position));
  const user = await store.readChanges({ limit: 1000, userId: "r1" });
  expect(user.map((event) => event.position)).toEqual(
    seen.filter((event) => event.record.userId === "r1").map((event) => event.position),
  );
}

describe("the change feed on PGlite", () => {
  it.each([true, false])(
    "never returns B before A, a transaction that started first, ends (commit: %s)",
    async (commit) => {
      // Prepared transactions keep A open while the one connection serves B and the reader.
      const db = await PGlite.create({ postgresqlconf: "max_prepared_transactions = 2" });
      try {
        const store = new PostgresStore(db, { tablePrefix: "feed_" });
        await store.migrate();
        await lateCommit(
          store,
          {
            begin: async () => void (await db.exec("BEGIN")),
            write: (request) => store.write(request),
            hold: async () => void (await db.exec("PREPARE TRANSACTION 'a'")),
            end: async (yes) => void (await db.exec(`${yes ? "COMMIT" : "ROLLBACK"} PREPARED 'a'`)),
          },
          commit,
        );
      } finally {
        await db.close();
      }
    },
  );

  it("shows a consumer every change once, with its own version, while the same appointments are booked, moved and cancelled", async () => {
    const db = await PGlite.create();
    try {
      const store = new PostgresStore(db, { tablePrefix: "racing_" });
      await store.migrate();
      await racingChanges(store);
    } finally {
      await db.close();
    }
  });

  it("orders events by transaction id as a number, also when ids gain a digit", async () => {
    // A fresh PGlite starts near transaction 750: 300 writes cross 1000.
    const db = await PGlite.create();
    try {
      const store = new PostgresStore(db, { tablePrefix: "order_" });
      await store.migrate();
      const written: string[] = [];
      for (let i = 0; i < 300; i++) {
        const id = `w${i}`;
        await store.write(booking(i % 2 ? "odd" : "even", id, i));
        written.push(id);
      }
      const { rows } = await db.query<{ xid: string }>("SELECT pg_current_xact_id()::text AS xid");
      expect(Number(rows[0]?.xid)).toBeGreaterThan(1000);
      const all = await readAll(store, undefined, 7);
      expect(all.seen.map((event) => event.id)).toEqual(written);
      const even = await store.readChanges({ limit: 1000, userId: "even" });
      expect(even.map((event) => event.record.id)).toEqual(written.filter((_, i) => i % 2 === 0));
      const positions = all.seen.map((event) => event.position.split("-").map(BigInt) as [bigint, bigint]);
      for (let i = 1; i < positions.length; i++) {
        const [[xid, id], [previousXid, previousId]] = [
          positions[i] as [bigint, bigint],
          positions[i - 1] as [bigint, bigint],
        ];
        expect(xid > previousXid || (xid === previousXid && id > previousId)).toBe(true);
      }
    } finally {
      await db.close();
    }
  });

  it("rejects a position it did not write as an InvalidArgumentError of `after`", async () => {
    const store = new PostgresStore({ query: async () => ({ rows: [] }) });
    for (const after of [
      "",
      "1",
      "1-",
      "-1",
      "01-1",
      "1-01",
      "a-b",
      "18446744073709551616-1",
      "1-9223372036854775808",
      7,
    ]) {
      const error = await store.readChanges({ after: after as string, limit: 1 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect(error).toMatchObject({ argument: "after" });
    }
    await expect(store.readChanges({ after: "18446744073709551615-9223372036854775807", limit: 1 })).resolves.toEqual(
      [],
    );
  });
});

describe.runIf(TEST_DATABASE_URL)(`the change feed on a PostgreSQL server (${NEEDS_SERVER})`, () => {
  it.each([true, false])(
    "never returns B before A, a transaction that started first, ends (commit: %s)",
    async (commit) => {
      const prefix = uniquePrefix();
      const pool = serverPool();
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      try {
        const store = new PostgresStore(pool, { tablePrefix: prefix });
        await store.migrate();
        // A's writes go through a store on a connection of its own, inside a transaction left open.
        const lateStore = new PostgresStore(client, { tablePrefix: prefix });
        await lateCommit(
          store,
          {
            begin: async () => void (await client.query("BEGIN")),
            write: (request) => lateStore.write(request),
            hold: async () => {},
            end: async (yes) => void (await client.query(yes ? "COMMIT" : "ROLLBACK")),
          },
          commit,
        );
      } finally {
        await client.end();
        await dropSchema(pool, prefix);
        await pool.end();
      }
    },
  );

  it("is delayed, never reordered, by a long transaction elsewhere", async () => {
    const prefix = uniquePrefix();
    const pool = serverPool();
    const other = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await other.connect();
    try {
      const store = new PostgresStore(pool, { tablePrefix: prefix });
      await store.migrate();
      // A transaction that has taken a transaction id and writes nothing of the store's.
      await other.query("BEGIN");
      await other.query("SELECT pg_current_xact_id()");
      await store.write(booking("c", "c1", 0));
      expect(await store.readChanges({ limit: 10 })).toEqual([]);
      await other.query("COMMIT");
      expect((await store.readChanges({ limit: 10 })).map((event) => event.record.id)).toEqual(["c1"]);
    } finally {
      await other.end();
      await dropSchema(pool, prefix);
      await pool.end();
    }
  });

  it("shows a consumer that saves its position every event exactly once while writers on four connections commit", async () => {
    const prefix = uniquePrefix();
    const pool = serverPool({ max: 5 });
    try {
      const store = new PostgresStore(pool, { tablePrefix: prefix });
      await store.migrate();
      const USERS = 6;
      const PER_WRITER = 40;
      const seen: { position: string; userId: string; id: string }[] = [];
      let position: string | undefined;
      let writing = true;
      const reader = (async () => {
        while (writing || seen.length < 4 * PER_WRITER) {
          const page = await store.readChanges({ after: position, limit: 7 });
          for (const event of page)
            seen.push({ position: event.position, userId: event.record.userId, id: event.record.id });
          position = page.at(-1)?.position ?? position;
          if (page.length === 0) await new Promise((resolve) => setTimeout(resolve, 2));
        }
      })();
      await Promise.all(
        Array.from({ length: 4 }, async (_, writer) => {
          for (let i = 0; i < PER_WRITER; i++) {
            const n = writer * PER_WRITER + i;
            expect((await store.write(booking(`u${n % USERS}`, `w${n}`, n))).status).toBe("written");
          }
        }),
      );
      writing = false;
      await reader;
      expect(seen).toHaveLength(4 * PER_WRITER);
      expect(new Set(seen.map((event) => event.id)).size).toBe(4 * PER_WRITER);
      // The same as one read of everything afterwards: nothing was returned out of its final order.
      const all = await readAll(store, undefined, 50);
      expect(seen.map((event) => event.position)).toEqual(all.seen.map((event) => event.position));
    } finally {
      await dropSchema(pool, prefix);
      await pool.end();
    }
  });
  it("shows a consumer every change once, with its own version, while the same appointments are booked, moved and cancelled on several connections", async () => {
    const prefix = uniquePrefix();
    const pool = serverPool({ max: 6 });
    try {
      const store = new PostgresStore(pool, { tablePrefix: prefix });
      await store.migrate();
      await racingChanges(store);
    } finally {
      await dropSchema(pool, prefix);
      await pool.end();
    }
  });
});
