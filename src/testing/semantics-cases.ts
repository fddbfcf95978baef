/**
 * The contract's rules one at a time, as examples: what a store returns, what it keeps apart, how it
 * counts toward a limit, and how `replaces` moves a record.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { AppointmentRecord, AppointmentStore } from "../store/appointment-store.js";
import type { StoreContractCase } from "./contract-case.js";
import { byStartThenId, plain, recordAt } from "./records.js";

const HOUR = 3_600_000;
const T0 = Date.UTC(2021, 3, 22, 9, 0);

const semantics = (name: string, run: StoreContractCase["run"]): StoreContractCase => ({
  group: "semantics",
  name,
  run,
});

/** Inserts `record` with `limit`, asserting that it is accepted. */
async function insertOk(store: AppointmentStore, record: ReturnType<typeof recordAt>, limit = 1): Promise<void> {
  const result = await store.insertAppointment({ record, limit });
  assert.equal(result.status, "inserted", `inserting ${record.id} should succeed`);
}

export const semanticsCases: StoreContractCase[] = [
  semantics("returns an inserted record exactly as given, from insert, get, list and delete", async (store, c) => {
    const user = c.newUser();
    const record = recordAt(user, c.newId(), T0, ["day:2021-04-22", "week:2021-04-19", "a:b"]);
    const result = await store.insertAppointment({ record, limit: 1 });
    assert.equal(result.status, "inserted");
    if (result.status === "inserted") assert.deepEqual(plain(result.record), record);
    assert.deepEqual(plain((await store.getAppointment(user, record.id)) ?? never()), record);
    assert.deepEqual((await store.listAppointments(user, {})).map(plain), [record]);
    assert.deepEqual(plain((await store.deleteAppointment(user, record.id)) ?? never()), record);
    assert.equal(await store.getAppointment(user, record.id), null);
    assert.equal(await store.deleteAppointment(user, record.id), null);
    assert.deepEqual(await store.listAppointments(user, {}), []);
  }),

  semantics("keeps what it was given: changing the request afterwards changes nothing", async (store, c) => {
    const user = c.newUser();
    const periods = ["day:2021-04-22"];
    const record = { id: c.newId(), userId: user, startMs: T0, endMs: T0 + HOUR / 2, periods };
    await insertOk(store, record);
    periods.push("day:2021-04-23");
    (record as { startMs: number }).startMs = 0;
    const stored = await store.getAppointment(user, record.id);
    assert.deepEqual(stored && plain(stored), { ...record, startMs: T0, periods: ["day:2021-04-22"] });
  }),

  semantics("answers not-found with null or [] for unknown users and ids", async (store, c) => {
    const user = c.newUser();
    assert.equal(await store.getAppointment(user, c.newId()), null);
    assert.equal(await store.deleteAppointment(user, c.newId()), null);
    assert.deepEqual(await store.listAppointments(user, {}), []);
  }),

  semantics("never shows or deletes one user's record for another user", async (store, c) => {
    const [owner, other] = [c.newUser("owner"), c.newUser("other")];
    const record = recordAt(owner, c.newId(), T0, ["day:2021-04-22"]);
    await insertOk(store, record);
    assert.equal(await store.getAppointment(other, record.id), null);
    assert.equal(await store.deleteAppointment(other, record.id), null);
    assert.deepEqual(await store.listAppointments(other, {}), []);
    // The same period is another user's own: no limit is shared.
    await insertOk(store, recordAt(other, c.newId(), T0, ["day:2021-04-22"]));
    assert.deepEqual((await store.listAppointments(owner, {})).map(plain), [record]);
  }),

  semantics("lists the records overlapping [fromMs, toMs), either end open, by start then id", async (store, c) => {
    const user = c.newUser();
    const prefix = c.newId();
    const ids = ["b", "a", "c", "d"].map((suffix) => `${prefix}-${suffix}`);
    const records = [
      recordAt(user, ids[0] as string, T0 + 2 * HOUR, []),
      recordAt(user, ids[1] as string, T0 + 2 * HOUR, []),
      recordAt(user, ids[2] as string, T0, []),
      recordAt(user, ids[3] as string, T0 + 5 * HOUR, []),
    ];
    for (const record of records) await insertOk(store, record);
    const sorted = [...records].sort(byStartThenId);
    assert.deepEqual(
      sorted.map((r) => r.id),
      [ids[2], ids[1], ids[0], ids[3]],
    );
    const list = async (fromMs?: number, toMs?: number) =>
      (await store.listAppointments(user, { fromMs, toMs })).map((r) => r.id);
    assert.deepEqual(
      await list(),
      sorted.map((r) => r?.id),
    );
    // A record ending exactly at fromMs, or starting exactly at toMs, does not overlap.
    assert.deepEqual(await list(T0 + HOUR / 2, T0 + 2 * HOUR), []);
    assert.deepEqual(
      await list(T0 + HOUR / 2 - 1, T0 + 2 * HOUR + 1),
      sorted.slice(0, 3).map((r) => r?.id),
    );
    assert.deepEqual(await list(T0 + 3 * HOUR), [records[3]?.id]);
    assert.deepEqual(await list(undefined, T0 + 1), [records[2]?.id]);
  }),

  semantics(
    "orders ids of equal starts as JavaScript compares strings, not by a locale's collation",
    async (store, c) => {
      const user = c.newUser();
      // Code-unit order: "-" < "1" < "B" < "_" < "a"; a locale collation puts "a" before "B" and skips "-".
      const prefix = c.newId();
      const ids = ["a", "_c", "B", "1", "-z"].map((suffix) => `${prefix}${suffix}`);
      for (const id of ids) await insertOk(store, recordAt(user, id, T0, []));
      assert.deepEqual(
        (await store.listAppointments(user, {})).map((r) => r.id),
        ["-z", "1", "B", "_c", "a"].map((suffix) => `${prefix}${suffix}`),
      );
    },
  ),

  semantics("refuses a record whose period is full, naming a holder, and writes nothing", async (store, c) => {
    const user = c.newUser();
    const first = recordAt(user, c.newId(), T0, ["day:2021-04-22"]);
    await insertOk(store, first);
    const second = recordAt(user, c.newId(), T0 + 3 * HOUR, ["day:2021-04-22"]);
    const result = await store.insertAppointment({ record: second, limit: 1 });
    assert.equal(result.status, "limit-reached");
    if (result.status === "limit-reached") assert.deepEqual(plain(result.conflicting), first);
    assert.equal(await store.getAppointment(user, second.id), null);
  }),

  semantics("allows `limit` holders per period and needs room in every period a record holds", async (store, c) => {
    const user = c.newUser();
    for (let i = 0; i < 3; i++) await insertOk(store, recordAt(user, c.newId(), T0 + i * HOUR, ["p1"]), 3);
    assert.equal(
      (await store.insertAppointment({ record: recordAt(user, c.newId(), T0, ["p1"]), limit: 3 })).status,
      "limit-reached",
    );
    // p2 has room, p1 does not: refused.
    const both = recordAt(user, c.newId(), T0, ["p2", "p1"]);
    assert.equal((await store.insertAppointment({ record: both, limit: 3 })).status, "limit-reached");
    // A record with no periods is never refused.
    await insertOk(store, recordAt(user, c.newId(), T0, []), 1);
    assert.equal((await store.listAppointments(user, {})).length, 4);
  }),

  semantics(
    "counts a record once per period, even one it lists twice, and keeps its list as given",
    async (store, c) => {
      // Found by the model: MemoryStore once counted such a record twice.
      const user = c.newUser();
      const twice = recordAt(user, c.newId(), T0, ["p2", "p1", "p2"]);
      await insertOk(store, twice, 2);
      assert.deepEqual(plain((await store.getAppointment(user, twice.id)) ?? never()), twice);
      await insertOk(store, recordAt(user, c.newId(), T0 + HOUR, ["p2"]), 2);
      const third = await store.insertAppointment({ record: recordAt(user, c.newId(), T0, ["p2"]), limit: 2 });
      assert.deepEqual(third.status === "limit-reached" && plain(third.conflicting), twice);
    },
  ),

  semantics("names the earliest-starting, then lowest-id, holder of a full period", async (store, c) => {
    // Two holders with one start: the lower id is named, whichever was inserted first.
    const user = c.newUser();
    const prefix = c.newId();
    const [b, a] = [recordAt(user, `${prefix}-b`, T0, ["p1"]), recordAt(user, `${prefix}-a`, T0, ["p1"])];
    for (const record of [b, a]) await insertOk(store, record, 2);
    const tie = await store.insertAppointment({ record: recordAt(user, c.newId(), T0, ["p1"]), limit: 2 });
    assert.deepEqual(tie.status === "limit-reached" && plain(tie.conflicting), a, "the lower id of a tie");

    // p1 and p2 are full, p3 is not: the earliest holder of p1 or p2 is named, not the first full period's
    // earliest holder (p1 comes first in the request) nor the earliest holder of any period (p3's).
    const other = c.newUser();
    const held = [
      recordAt(other, c.newId(), T0 + 4 * HOUR, ["p1"]),
      recordAt(other, c.newId(), T0 + 5 * HOUR, ["p1"]),
      recordAt(other, c.newId(), T0 + 2 * HOUR, ["p2"]),
      recordAt(other, c.newId(), T0 + HOUR, ["p2"]),
      recordAt(other, c.newId(), T0 - HOUR, ["p3"]),
    ];
    for (const record of held) await insertOk(store, record, 2);
    const result = await store.insertAppointment({
      record: recordAt(other, c.newId(), T0, ["p1", "p3", "p2"]),
      limit: 2,
    });
    assert.deepEqual(result.status === "limit-reached" && plain(result.conflicting), held[3], "the earliest holder");
  }),

  semantics(
    "moves a record with `replaces`: deleted in the same write, not counted against the limit",
    async (store, c) => {
      const user = c.newUser();
      const old = recordAt(user, c.newId(), T0, ["day:2021-04-22"]);
      await insertOk(store, old);
      const moved = recordAt(user, c.newId(), T0 + 2 * HOUR, ["day:2021-04-22"]);
      const result = await store.insertAppointment({ record: moved, limit: 1, replaces: old.id });
      assert.equal(result.status, "inserted");
      if (result.status === "inserted") assert.deepEqual(result.replaced && plain(result.replaced), old);
      assert.deepEqual((await store.listAppointments(user, {})).map(plain), [moved]);
    },
  ),

  semantics(
    "answers replaced-not-found, writing nothing, when the replaced record is not the user's",
    async (store, c) => {
      const user = c.newUser();
      const other = c.newUser("other");
      const gone = recordAt(user, c.newId(), T0, ["day:2021-04-22"]);
      await insertOk(store, gone);
      await store.deleteAppointment(user, gone.id);
      const foreign = recordAt(other, c.newId(), T0, ["day:2021-04-22"]);
      await insertOk(store, foreign);
      for (const replaces of [c.newId("never"), gone.id, foreign.id]) {
        const record = recordAt(user, c.newId(), T0, ["day:2021-04-23"]);
        assert.deepEqual(await store.insertAppointment({ record, limit: 1, replaces }), {
          status: "replaced-not-found",
        });
      }
      assert.deepEqual(await store.listAppointments(user, {}), []);
      assert.deepEqual((await store.listAppointments(other, {})).map(plain), [foreign]);
    },
  ),

  semantics("refuses a move into a full period without deleting the record it would replace", async (store, c) => {
    const user = c.newUser();
    const a = recordAt(user, c.newId(), T0, ["day:2021-04-22"]);
    const b = recordAt(user, c.newId(), T0 + 24 * HOUR, ["day:2021-04-23"]);
    await insertOk(store, a);
    await insertOk(store, b);
    const result = await store.insertAppointment({
      record: recordAt(user, c.newId(), T0 + 25 * HOUR, ["day:2021-04-23"]),
      limit: 1,
      replaces: a.id,
    });
    assert.equal(result.status, "limit-reached");
    assert.deepEqual((await store.listAppointments(user, {})).map(plain), [a, b]);
  }),

  semantics("keeps long ids, unicode user ids, and instants far from today exactly", async (store, c) => {
    const user = `${c.newUser()}-Zoë-東京-🙂`;
    const records = [
      recordAt(user, c.newId().padEnd(255, "x"), Date.UTC(1900, 0, 1), ["day:1900-01-01"]),
      recordAt(user, c.newId(), Date.UTC(1969, 11, 31, 23, 30), ["day:1969-12-31", "day:1970-01-01"]),
      recordAt(user, c.newId(), Date.UTC(2200, 11, 31, 12), ["day:2200-12-31"]),
    ];
    for (const record of records) await insertOk(store, record);
    assert.deepEqual((await store.listAppointments(user, {})).map(plain), records);
    const [first, second, third] = records as [AppointmentRecord, AppointmentRecord, AppointmentRecord];
    assert.deepEqual(plain((await store.getAppointment(user, first.id)) ?? never()), first);
    // Negative instants compare as numbers: the range [-1 ms, 2201) holds the 1969 and 2200 records.
    assert.deepEqual((await store.listAppointments(user, { fromMs: -1, toMs: Date.UTC(2201, 0, 1) })).map(plain), [
      second,
      third,
    ]);
    assert.deepEqual(plain((await store.deleteAppointment(user, first.id)) ?? never()), first);
    assert.deepEqual((await store.listAppointments(user, {})).map(plain), [second, third]);
  }),

  semantics(
    "compares ids exactly: user ids differing only in case, accents, normalization or trailing spaces are different users",
    async (store, c) => {
      const base = c.newUser("Zo\u00eb");
      // "\u00eb" is NFC "ë"; NFD decomposes it: equal under Unicode normalization, different strings.
      const users = [base, base.toUpperCase(), base.normalize("NFD"), base.replace("\u00eb", "e"), `${base} `];
      assert.equal(new Set(users).size, users.length);
      // One record each, in the same period: every insert is its user's first.
      const records = users.map((user) => recordAt(user, c.newId(), T0, ["day:2021-04-22"]));
      for (const record of records) await insertOk(store, record);
      for (const record of records) {
        assert.deepEqual(
          (await store.listAppointments(record.userId, {})).map(plain),
          [record],
          `the records of ${JSON.stringify(record.userId)}`,
        );
      }
      // Record ids are compared exactly too.
      const [first, ...others] = records as [AppointmentRecord, ...AppointmentRecord[]];
      assert.equal(await store.getAppointment(first.userId, first.id.toUpperCase()), null);
      assert.equal(await store.getAppointment(first.userId, `${first.id} `), null);
      for (const other of others) assert.equal(await store.deleteAppointment(first.userId, other.id), null);
      assert.deepEqual(plain((await store.deleteAppointment(first.userId, first.id)) ?? never()), first);
      for (const other of others) assert.equal((await store.listAppointments(other.userId, {})).length, 1);
    },
  ),
];

function never(): never {
  throw new assert.AssertionError({ message: "expected a record, got null" });
}
