/**
 * The store's migrations: a database created by 0.1 (its schema, from `fixtures/schema-0.1.sql`, with
 * appointments booked through 0.1's function) is converted in place, and the scheduler then finds every
 * appointment booked and counting toward the limit; databases written through step 2's and step 3's write
 * functions are upgraded, their records, events and kept outcomes intact (step 4: holds count on the
 * resources step 3's bookings fill; step 5: step 4's claims count through the rebuilt indexes of spans).
 * Steps 2, 3 and 4 still create what they did. Also the schema SQL for one's own migration tool.
 * On PGlite always, and on the server of `TEST_DATABASE_URL` when set (skipped, and saying so, when not).
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createScheduler, InvalidArgumentError } from "appointment-scheduler";
import {
  type PostgresQueryable,
  PostgresStore,
  postgresDistributionSql,
  postgresSchemaSql,
  postgresSchemaStatements,
} from "appointment-scheduler/postgres";
import { describe, expect, it } from "vitest";
import { describeEachTarget, dropSchema, pgliteTarget, serverPool, serverTarget, uniquePrefix } from "./targets.js";

/** 0.1's `postgresSchemaSql()`, as 0.1 wrote it for the default prefix. */
const SCHEMA_0_1 = readFileSync(new URL("./fixtures/schema-0.1.sql", import.meta.url), "utf8");

/** Creates 0.1's schema with `prefix` and books through 0.1's function, as 0.1's store did. */
async function createLegacyDatabase(db: PostgresQueryable, prefix: string) {
  // Its three statements: the table, the index, the function (whose body has semicolons of its own).
  const statements = SCHEMA_0_1.replaceAll("scheduler_", prefix)
    .replace(/;\n$/, "")
    .split(/;\n\n(?=CREATE )/);
  for (const statement of statements) await db.query(statement);
  const book = (id: string, userId: string, start: string, end: string, periods: string[]) =>
    db.query(`SELECT * FROM ${prefix}insert_appointment($1, $2, $3, $4, $5, 1, NULL, NULL, NULL)`, [
      id,
      userId,
      Date.parse(start),
      Date.parse(end),
      periods,
    ]);
  await book("a1", "42", "2021-04-22T10:00:00Z", "2021-04-22T10:30:00Z", ["day:2021-04-22"]);
  await book("a2", "42", "2021-04-23T23:30:00Z", "2021-04-24T00:00:00Z", ["day:2021-04-23", "day:2021-04-24"]);
  await book("a3", "7", "2021-04-23T02:00:00Z", "2021-04-23T02:30:00Z", ["day:2021-04-22"]);
}

/** The databases to migrate on: a fresh prefix in PGlite, and on the server (skipped unless configured). */
const databases: {
  name: string;
  available: boolean;
  open(): Promise<{ db: PostgresQueryable; close(prefix: string): Promise<void> }>;
}[] = [
  {
    name: pgliteTarget.name,
    available: true,
    async open() {
      const { db, close } = await pgliteTarget.open();
      return {
        db,
        close: async (prefix) => {
          await dropSchema(db, prefix);
          await close();
        },
      };
    },
  },
  {
    name: serverTarget.name,
    available: serverTarget.available,
    async open() {
      const pool = serverPool();
      return {
        db: pool,
        close: async (prefix: string) => {
          await dropSchema(pool, prefix);
          await pool.end();
        },
      };
    },
  },
];

describe("migration step 1", () => {
  it("is 0.1's schema, verbatim", () => {
    // The statements after the migrations table, up to the row that records step 1.
    const statements = postgresSchemaStatements();
    const step1 = statements.slice(
      1,
      statements.findIndex((s) => s.includes("VALUES (1,")),
    );
    expect(`${step1.join(";\n\n")};\n`).toBe(SCHEMA_0_1);
  });
});

describe("migration steps 2, 3 and 4", () => {
  it("create exactly what they created when released (their functions and helpers frozen)", () => {
    // The SHA-256 of each step's statements for the default prefix, as released: a change to a frozen file,
    // or to a helper it still shares (sql-time.ts, code-unit-order.ts; step 4: the helpers of
    // write-function.ts and its function's text), shows here. Add a step instead.
    const statements = postgresSchemaStatements();
    const recordOf = (version: number) => statements.findIndex((s) => s.includes(`VALUES (${version},`));
    const digest = (version: number) =>
      createHash("sha256")
        .update(statements.slice(recordOf(version - 1) + 1, recordOf(version)).join(";\n\n"))
        .digest("hex");
    expect(digest(2)).toBe("34671c2aa37ab87da82344ed4449e7c855cc7b4fd6f3be84c103fce01e93f819");
    expect(digest(3)).toBe("59b6dc3ace2b920e8571987247cfdd428aa3b9c5b3e0913a116013ffef8029a4");
    expect(digest(4)).toBe("69a7b7abce13f62d52c51ad8be2da3aa5977b8adb5b83671b7429a1accb94150");
  });
});

describeEachTarget(databases)("a database created by 0.1, on $name", ({ open }) => {
  it("is converted by migrate(): every appointment is booked and counts toward the limit", async () => {
    const { db, close } = await open();
    const prefix = uniquePrefix();
    try {
      await createLegacyDatabase(db, prefix);
      const store = new PostgresStore(db, { tablePrefix: prefix });
      await store.migrate();
      await store.migrate();
      const scheduler = createScheduler({ store });

      for (const [user, id, start] of [
        ["42", "a1", "2021-04-22T10:00:00Z"],
        ["42", "a2", "2021-04-23T23:30:00Z"],
        ["7", "a3", "2021-04-23T02:00:00Z"],
      ] as const) {
        const appointment = await scheduler.get(user, id);
        expect(appointment).toMatchObject({ id, userId: user, status: "booked", version: 1, previousTimes: [] });
        expect(appointment?.start.toInstant().toString()).toBe(start);
      }
      // The seed's rules in UTC, 0.1's default zone: the dates they hold are taken, others are free.
      await expect(scheduler.book(42, "2021-04-22 15:00")).rejects.toMatchObject({ code: "LIMIT_REACHED" });
      await expect(scheduler.book(42, "2021-04-24 15:00")).rejects.toMatchObject({ code: "LIMIT_REACHED" });
      await expect(scheduler.book(7, "2021-04-23 15:00")).rejects.toMatchObject({ code: "LIMIT_REACHED" });
      expect((await scheduler.book(7, "2021-04-22 15:00")).status).toBe("booked");
      expect((await scheduler.list(42)).appointments.map((a) => a.id)).toEqual(["a1", "a2"]);
      // The converted appointments are in the feed, each as its booking (at the migration's transaction),
      // before the booking made since; a move archives that event at its position.
      const before = await store.readChanges({ limit: 10 });
      expect(
        before
          .map((event) => `${event.type} ${event.record.id} v${event.record.version}`)
          .slice(0, 3)
          .sort(),
      ).toEqual(["booked a1 v1", "booked a2 v1", "booked a3 v1"]);
      expect(before).toHaveLength(4);
      expect(before[0]?.atMs).toBe(before[0]?.record.createdAtMs);
      const a1 = before.find((event) => event.record.id === "a1");
      const moved = await scheduler.reschedule(42, "a1", "2021-04-25 10:00");
      expect(moved.version).toBe(2);
      const after = await store.readChanges({ limit: 10 });
      expect(after.slice(0, 4)).toEqual(before);
      expect(after.map((event) => `${event.type} ${event.record.id} v${event.record.version}`).at(-1)).toBe(
        "rescheduled a1 v2",
      );
      expect(after.find((event) => event.record.id === "a1")).toEqual(a1);

      // 0.1's columns and function are gone; the steps are recorded.
      const { rows: columns } = await db.query(
        "SELECT column_name FROM information_schema.columns WHERE table_name = $1 AND column_name IN ('start_ms', 'end_ms', 'periods')",
        [`${prefix}appointments`],
      );
      expect(columns).toEqual([]);
      const { rows: functions } = await db.query("SELECT proname FROM pg_proc WHERE proname = $1", [
        `${prefix}insert_appointment`,
      ]);
      expect(functions).toEqual([]);
      const { rows: steps } = await db.query(`SELECT version FROM ${prefix}migrations ORDER BY version`);
      expect(steps).toEqual([{ version: 1 }, { version: 2 }, { version: 3 }, { version: 4 }, { version: 5 }]);
    } finally {
      await close(prefix);
    }
  });

  it("records wall-clock times in the legacy time zone given", async () => {
    const { db, close } = await open();
    const prefix = uniquePrefix();
    try {
      await createLegacyDatabase(db, prefix);
      const store = new PostgresStore(db, { tablePrefix: prefix });
      await store.migrate({ legacyTimeZone: "America/New_York" });
      // a3 starts 2021-04-23T02:00Z, 22:00 on the 22nd in New York: that date is taken there.
      expect(await store.getAppointment("7", "a3")).toMatchObject({
        startMs: Date.parse("2021-04-23T02:00:00Z"),
        localStartMs: Date.parse("2021-04-22T22:00:00Z"),
        localEndMs: Date.parse("2021-04-22T22:30:00Z"),
      });
      const scheduler = createScheduler({ store, timeZone: "America/New_York" });
      await expect(scheduler.book(7, "2021-04-22 09:00")).rejects.toMatchObject({ code: "LIMIT_REACHED" });
      expect((await scheduler.book(7, "2021-04-23 09:00")).status).toBe("booked");
    } finally {
      await close(prefix);
    }
  });

  it("is converted by the SQL of postgresSchemaSql({ fromVersion: 1 }) in one's own tool", async () => {
    const { db, close } = await open();
    const prefix = uniquePrefix();
    try {
      await createLegacyDatabase(db, prefix);
      await db.query("BEGIN");
      for (const statement of postgresSchemaStatements({ tablePrefix: prefix, fromVersion: 1 }))
        await db.query(statement);
      await db.query("COMMIT");
      const store = new PostgresStore(db, { tablePrefix: prefix });
      await store.migrate(); // finds both steps recorded, and changes nothing
      const { rows: steps } = await db.query(`SELECT version FROM ${prefix}migrations ORDER BY version`);
      expect(steps).toEqual([{ version: 1 }, { version: 2 }, { version: 3 }, { version: 4 }, { version: 5 }]);
      expect(await store.getAppointment("42", "a1")).toMatchObject({ status: "booked" });
    } finally {
      await close(prefix);
    }
  });

  it("refuses a legacy time zone PostgreSQL does not know, before changing anything", async () => {
    const { db, close } = await open();
    const prefix = uniquePrefix();
    try {
      await createLegacyDatabase(db, prefix);
      const store = new PostgresStore(db, { tablePrefix: prefix });
      await expect(store.migrate({ legacyTimeZone: "Mars/Olympus_Mons" })).rejects.toMatchObject({
        code: "INVALID_ARGUMENT",
        argument: "options.legacyTimeZone",
      });
      await expect(store.migrate({ legacyTimeZone: "UTC'; DROP TABLE x; --" })).rejects.toBeInstanceOf(
        InvalidArgumentError,
      );
      const { rows } = await db.query(`SELECT count(*)::int AS n FROM ${prefix}appointments WHERE start_ms > 0`);
      expect(rows).toEqual([{ n: 3 }]);
    } finally {
      await close(prefix);
    }
  });
});

/**
 * Upgrades the database of `store` from `options.fromVersion`: by `migrate()`, or by the schema SQL from that
 * version in one transaction, as one's own migration tool would run it; then `migrate()` again, which finds
 * every step recorded.
 */
async function upgrade(
  db: PostgresQueryable,
  store: PostgresStore,
  how: "migrate()" | `postgresSchemaSql(${string})`,
  options: { tablePrefix: string; fromVersion: number },
): Promise<void> {
  if (how === "migrate()") {
    await store.migrate();
  } else {
    await db.query("BEGIN");
    for (const statement of postgresSchemaStatements(options)) await db.query(statement);
    await db.query("COMMIT");
  }
  await store.migrate();
}

/** The statements that make a database at version `version`: the schema SQL up to that step's record. */
function statementsUpTo(prefix: string, version: number): string[] {
  const statements = postgresSchemaStatements({ tablePrefix: prefix });
  return statements.slice(0, statements.findIndex((s) => s.includes(`VALUES (${version},`)) + 1);
}

/**
 * Books and moves through step 2's write function, as the store of that version called it (its 23
 * arguments): `a1` booked with a key (its outcome kept as that version wrote it), then moved (its first
 * event archived), and `a2` booked.
 */
async function writeThroughVersion2(db: PostgresQueryable, prefix: string) {
  const hour = 3_600_000;
  const start = Date.UTC(2021, 3, 22, 10);
  const write = (type: string, id: string, startMs: number, key: string | null) =>
    db.query(
      `SELECT ${prefix}write_appointment($1, $2, $3, $4, $5, $6, $7, NULL, NULL, NULL, '{}', '{}', 1, false,
        $8, $9, $8, $9, $10, $11, $12, $13, $14) AS outcome`,
      [
        "42",
        type,
        id,
        startMs,
        startMs + hour,
        startMs,
        startMs + hour,
        -210_866_803_200_000,
        8_640_000_000_000_000,
        1_000,
        Date.UTC(9999, 0, 1),
        key,
        key === null ? null : "fp",
        key === null ? null : Date.UTC(9999, 0, 1),
      ],
    );
  const booked = await write("book", "a1", start, "key-1");
  expect((booked.rows[0] as { outcome: { status: string } }).outcome.status).toBe("written");
  await write("move", "a1", start + 2 * hour, null);
  await write("book", "a2", start + 4 * hour, null);
  return { start, hour };
}

describeEachTarget(databases)("a database at version 2, before resources, on $name", ({ open }) => {
  for (const how of ["migrate()", "postgresSchemaSql({ fromVersion: 2 })"] as const) {
    it(`is upgraded by ${how}: its records and events have no resource and no type, and claims work`, async () => {
      const { db, close } = await open();
      const prefix = uniquePrefix();
      try {
        for (const statement of statementsUpTo(prefix, 2)) await db.query(statement);
        const { start, hour } = await writeThroughVersion2(db, prefix);
        const store = new PostgresStore(db, { tablePrefix: prefix });
        await upgrade(db, store, how, { tablePrefix: prefix, fromVersion: 2 });
        const { rows: steps } = await db.query(`SELECT version FROM ${prefix}migrations ORDER BY version`);
        expect(steps).toEqual([{ version: 1 }, { version: 2 }, { version: 3 }, { version: 4 }, { version: 5 }]);
        // Step 2's function is gone; the current one takes the claims, the type, the expected version and a
        // hold's expiry.
        const { rows: functions } = await db.query(
          "SELECT pronargs FROM pg_proc WHERE proname = $1 AND pronamespace = current_schema()::regnamespace",
          [`${prefix}write_appointment`],
        );
        expect(functions).toEqual([{ pronargs: 32 }]);

        const a1 = await store.getAppointment("42", "a1");
        expect(a1).toMatchObject({ version: 2, startMs: start + 2 * hour, resource: null, appointmentType: null });
        const events = await store.readChanges({ userId: "42", limit: 10 });
        expect(events.map((e) => [e.type, e.record.id, e.record.resource, e.record.appointmentType])).toEqual([
          ["booked", "a1", null, null],
          ["rescheduled", "a1", null, null],
          ["booked", "a2", null, null],
        ]);
        // The outcome kept under a key before step 3 replays as a record of this version.
        const times = { startMs: start, endMs: start + hour, localStartMs: start, localEndMs: start + hour };
        const occupancy = {
          periods: [],
          limit: 1,
          noOverlap: false,
          candidatesStartWithin: { fromMs: 0, toMs: Date.UTC(9999, 0, 1) },
          candidatesEndWithin: { fromMs: 0, toMs: Date.UTC(9999, 0, 1) },
        };
        const replay = await store.write({
          userId: "42",
          change: { type: "book", id: "a1", times, metadata: null, occupancy },
          atMs: 2_000,
          changeExpiresAtMs: Date.UTC(9999, 0, 1),
          idempotency: { key: "key-1", fingerprint: "fp", expiresAtMs: Date.UTC(9999, 0, 1) },
        });
        expect(replay).toMatchObject({ status: "written", replayed: true });
        expect(replay.status === "written" && replay.record).toMatchObject({
          id: "a1",
          version: 1,
          resource: null,
          appointmentType: null,
        });
        // Claims on the upgraded database: a move of an old appointment onto a resource, then another
        // user's overlapping claim, refused.
        const span = { resourceId: "room", fromMs: start, toMs: start + hour };
        const claim = { ...span, capacity: 1, candidatesStartWithin: { fromMs: 0, toMs: Date.UTC(9999, 0, 1) } };
        const moved = await store.write({
          userId: "42",
          change: {
            type: "move",
            id: "a2",
            times,
            occupancy,
            earliestStartMs: null,
            resource: claim,
            expectedVersion: 1,
          },
          atMs: 3_000,
          changeExpiresAtMs: Date.UTC(9999, 0, 1),
        });
        expect(moved).toMatchObject({ status: "written", record: { version: 2, resource: span } });
        expect(
          await store.write({
            userId: "7",
            change: {
              type: "book",
              id: "b",
              times,
              metadata: null,
              occupancy,
              resource: claim,
              appointmentType: "visit",
            },
            atMs: 3_000,
            changeExpiresAtMs: Date.UTC(9999, 0, 1),
          }),
        ).toMatchObject({ status: "resource-full", conflicting: { userId: "42", id: "a2" } });
        expect((await store.listResourceAppointments("room", {})).map((r) => r.id)).toEqual(["a2"]);
      } finally {
        await close(prefix);
      }
    });
  }
});

/**
 * Books, moves and cancels through step 3's write function, as the store of that version called it (its 31
 * arguments, one resource claim): `a1` booked on `room` with a key (its outcome kept as that version wrote
 * it) and moved on it, `a2` booked on it and cancelled, for user 42; `b1` booked without a resource for 7.
 */
async function writeThroughVersion3(db: PostgresQueryable, prefix: string) {
  const hour = 3_600_000;
  const start = Date.UTC(2021, 3, 22, 10);
  const far = Date.UTC(9999, 0, 1);
  const write = (
    userId: string,
    type: string,
    id: string,
    startMs: number,
    resourceId: string | null,
    key: string | null = null,
  ) =>
    db.query(
      `SELECT ${prefix}write_appointment($1, $2, $3, $4, $5, $4, $5, NULL, NULL, NULL, '{}', '{}', 1, false,
        $6, $7, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 1, $6, $7, NULL, NULL) AS outcome`,
      [
        userId,
        type,
        id,
        startMs,
        startMs + hour,
        -210_866_803_200_000,
        8_640_000_000_000_000,
        1_000,
        far,
        key,
        key === null ? null : "fp",
        key === null ? null : far,
        resourceId,
        resourceId === null ? null : startMs,
        resourceId === null ? null : startMs + hour,
      ],
    );
  const outcome = async (written: Promise<{ rows: unknown[] }>) =>
    ((await written).rows[0] as { outcome: { status: string } }).outcome.status;
  expect(await outcome(write("42", "book", "a1", start, "room", "key-3"))).toBe("written");
  expect(await outcome(write("42", "move", "a1", start + 2 * hour, "room"))).toBe("written");
  expect(await outcome(write("42", "book", "a2", start + 4 * hour, "room"))).toBe("written");
  expect(await outcome(write("42", "cancel", "a2", 0, null))).toBe("written");
  expect(await outcome(write("7", "book", "b1", start, null))).toBe("written");
  return { start, hour, far };
}

describeEachTarget(databases)("a database at version 3, with resources, before holds, on $name", ({ open }) => {
  for (const how of ["migrate()", "postgresSchemaSql({ fromVersion: 3 })"] as const) {
    it(`is upgraded by ${how}: its records, events and claims are kept, and holds count on its resources`, async () => {
      const { db, close } = await open();
      const prefix = uniquePrefix();
      try {
        for (const statement of statementsUpTo(prefix, 3)) await db.query(statement);
        const { start, hour, far } = await writeThroughVersion3(db, prefix);
        const store = new PostgresStore(db, { tablePrefix: prefix });
        await upgrade(db, store, how, { tablePrefix: prefix, fromVersion: 3 });
        const { rows: steps } = await db.query(`SELECT version FROM ${prefix}migrations ORDER BY version`);
        expect(steps).toEqual([{ version: 1 }, { version: 2 }, { version: 3 }, { version: 4 }, { version: 5 }]);
        // Step 3's function is gone: one function, the current one.
        const { rows: functions } = await db.query(
          "SELECT pronargs FROM pg_proc WHERE proname = $1 AND pronamespace = current_schema()::regnamespace",
          [`${prefix}write_appointment`],
        );
        expect(functions).toEqual([{ pronargs: 32 }]);
        // The partial indexes hold held rows now, and holds have an index by expiry.
        const { rows: indexes } = await db.query(
          "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = $1 AND schemaname = current_schema()",
          [`${prefix}appointments`],
        );
        const definition = (suffix: string) =>
          (indexes as { indexname: string; indexdef: string }[]).find((row) => row.indexname === `${prefix}${suffix}`)
            ?.indexdef;
        expect(definition("appointments_by_end")).toMatch(/'held'/);
        expect(definition("resource_spans")).toMatch(/'held'/);
        expect(definition("holds_by_expiry")).toMatch(/\(hold_expires_at\) WHERE \(status = 'held'/);

        // Records and events as they were, with no hold's expiry.
        const span = { resourceId: "room", fromMs: start + 2 * hour, toMs: start + 3 * hour };
        expect(await store.getAppointment("42", "a1")).toMatchObject({
          status: "booked",
          version: 2,
          resource: span,
          holdExpiresAtMs: null,
        });
        expect(await store.getAppointment("42", "a2")).toMatchObject({ status: "cancelled", holdExpiresAtMs: null });
        const events = await store.readChanges({ userId: "42", limit: 10 });
        expect(events.map((e) => [e.type, e.record.id, e.record.version, e.record.holdExpiresAtMs])).toEqual([
          ["booked", "a1", 1, null],
          ["rescheduled", "a1", 2, null],
          ["booked", "a2", 1, null],
          ["cancelled", "a2", 2, null],
        ]);
        expect(events[1]?.previous).toEqual({ startMs: start, endMs: start + hour });
        // The outcome kept under a key before step 4 replays as a record of this version.
        const times = (startMs: number) => ({
          startMs,
          endMs: startMs + hour,
          localStartMs: startMs,
          localEndMs: startMs + hour,
        });
        const occupancy = {
          periods: [],
          limit: 1,
          noOverlap: false,
          candidatesStartWithin: { fromMs: 0, toMs: far },
          candidatesEndWithin: { fromMs: 0, toMs: far },
        };
        const claim = (startMs: number) => ({
          resourceId: "room",
          fromMs: startMs,
          toMs: startMs + hour,
          capacity: 1,
          candidatesStartWithin: { fromMs: 0, toMs: far },
        });
        const replay = await store.write({
          userId: "42",
          change: { type: "book", id: "a1", times: times(start), metadata: null, occupancy, resource: claim(start) },
          atMs: 2_000,
          changeExpiresAtMs: far,
          idempotency: { key: "key-3", fingerprint: "fp", expiresAtMs: far },
        });
        expect(replay).toMatchObject({
          status: "written",
          replayed: true,
          record: { id: "a1", version: 1, resource: { resourceId: "room", fromMs: start }, holdExpiresAtMs: null },
        });

        // Step 3's booking still fills the resource, through the rebuilt index: a hold on it is refused.
        const hold = (userId: string, id: string, startMs: number, atMs: number) =>
          store.write({
            userId,
            change: {
              type: "hold",
              id,
              times: times(startMs),
              metadata: null,
              occupancy,
              resource: claim(startMs),
              expiresAtMs: 10_000,
            },
            atMs,
            changeExpiresAtMs: far,
          });
        expect(await hold("7", "h1", start + 2 * hour, 3_000)).toMatchObject({
          status: "resource-full",
          conflicting: { userId: "42", id: "a1" },
        });
        // A hold where the cancelled a2 was: it counts until it expires (10 s), and is listed with a1.
        expect(await hold("7", "h2", start + 4 * hour, 3_000)).toMatchObject({
          status: "written",
          record: { status: "held", holdExpiresAtMs: 10_000, version: 1 },
        });
        expect(await hold("8", "h3", start + 4 * hour, 9_999)).toMatchObject({
          status: "resource-full",
          conflicting: { userId: "7", id: "h2" },
        });
        expect(await hold("8", "h3", start + 4 * hour, 10_000)).toMatchObject({ status: "written" });
        expect((await store.listResourceAppointments("room", {})).map((r) => `${r.userId}/${r.id}`)).toEqual([
          "42/a1",
          "7/h2",
          "8/h3",
        ]);
      } finally {
        await close(prefix);
      }
    });
  }
});

describeEachTarget(databases)(
  "a database at version 4, before each index of spans had a predicate of its own, on $name",
  ({ open }) => {
    for (const how of ["migrate()", "postgresSchemaSql({ fromVersion: 4 })"] as const) {
      it(`is upgraded by ${how}: its claims still count, through the rebuilt indexes of spans`, async () => {
        const { db, close } = await open();
        const prefix = uniquePrefix();
        try {
          for (const statement of statementsUpTo(prefix, 4)) await db.query(statement);
          const store = new PostgresStore(db, { tablePrefix: prefix });
          const hour = 3_600_000;
          const start = Date.UTC(2021, 3, 26, 10);
          const far = Date.UTC(9999, 0, 1);
          const window = { fromMs: 0, toMs: far };
          const book = (userId: string, startMs: number, minutes: number) =>
            store.write({
              userId,
              change: {
                type: "book",
                id: "a",
                times: { startMs, endMs: startMs + hour, localStartMs: startMs, localEndMs: startMs + hour },
                metadata: null,
                occupancy: {
                  periods: [],
                  limit: 1,
                  noOverlap: false,
                  candidatesStartWithin: window,
                  candidatesEndWithin: window,
                },
                resource: {
                  resourceId: "room",
                  fromMs: startMs,
                  toMs: startMs + minutes * 60_000,
                  capacity: 1,
                  candidatesStartWithin: window,
                },
              },
              atMs: 1_000,
              changeExpiresAtMs: far,
            });
          // Written through step 4's function (same arguments as the current one): a 3-hour span from 10:00.
          expect((await book("1", start, 180)).status).toBe("written");
          await upgrade(db, store, how, { tablePrefix: prefix, fromVersion: 4 });
          const { rows: steps } = await db.query(`SELECT version FROM ${prefix}migrations ORDER BY version`);
          expect(steps).toEqual([{ version: 1 }, { version: 2 }, { version: 3 }, { version: 4 }, { version: 5 }]);
          // Each index of spans has a term of its own in its predicate.
          const definition = async (suffix: string) => {
            const { rows } = await db.query("SELECT indexdef FROM pg_indexes WHERE indexname = $1", [
              `${prefix}${suffix}`,
            ]);
            return (rows as { indexdef: string }[])[0]?.indexdef;
          };
          expect(await definition("resource_spans")).toMatch(/AND \(resource_to IS NOT NULL\)\)$/);
          expect(await definition("resource_longest_spans")).toMatch(/AND \(end_at > start_at\)\)$/);
          // The span written before the step is in the rebuilt index: it is the longest, so a claim at 12:00 finds
          // it (it started two hours earlier), and one after it is taken.
          expect(await book("2", start + 2 * hour, 30)).toMatchObject({
            status: "resource-full",
            conflicting: { userId: "1", id: "a" },
          });
          expect((await book("3", start + 3 * hour, 30)).status).toBe("written");
        } finally {
          await close(prefix);
        }
      });
    }
  },
);

describe("the schema as SQL", () => {
  it("is shown in docs/postgres.md exactly as postgresSchemaSql() gives it", () => {
    const doc = readFileSync(new URL("../../docs/postgres.md", import.meta.url), "utf8");
    expect(/```sql\n([\s\S]*?)```/.exec(doc)?.[1]).toBe(postgresSchemaSql());
  });

  it("names every table, index and function with the prefix, in the schema when one is given", () => {
    for (const schema of [undefined, "booking"]) {
      const sql = postgresSchemaStatements({ tablePrefix: "my_app_", ...(schema ? { schema } : {}) }).join("\n");
      const qualified = schema ? "booking\\." : "";
      const tables = [...sql.matchAll(/CREATE (?:TABLE|OR REPLACE FUNCTION) (?:IF NOT EXISTS )?([\w.]+)/g)];
      const indexes = [...sql.matchAll(/CREATE INDEX (?:IF NOT EXISTS )?([\w.]+) ON ([\w.]+)/g)];
      expect(tables.length).toBeGreaterThanOrEqual(6);
      expect(indexes.length).toBeGreaterThanOrEqual(4);
      for (const [, name] of tables) expect(name).toMatch(new RegExp(`^${qualified}my_app_`));
      for (const [, name, table] of indexes) {
        expect(name).toMatch(/^my_app_/); // an index lives in its table's schema
        expect(table).toMatch(new RegExp(`^${qualified}my_app_`));
      }
    }
  });

  it("rejects a prefix or schema that is not a plain identifier, and a bad fromVersion or legacy zone", () => {
    for (const tablePrefix of ["", "1abc", "a-b", 'x"; DROP TABLE y; --', "A", "a".repeat(41), 42]) {
      expect(() => new PostgresStore({ query: async () => ({ rows: [] }) }, { tablePrefix } as never)).toThrow(
        InvalidArgumentError,
      );
      expect(() => postgresSchemaStatements({ tablePrefix } as never)).toThrow(InvalidArgumentError);
    }
    for (const schema of ["", "pg_catalog", "Public", "a b", "a".repeat(64), 1]) {
      expect(() => postgresSchemaStatements({ schema } as never)).toThrow(InvalidArgumentError);
      expect(() => postgresDistributionSql({ schema } as never)).toThrow(InvalidArgumentError);
    }
    for (const fromVersion of [-1, 6, 1.5]) {
      expect(() => postgresSchemaStatements({ fromVersion })).toThrow(InvalidArgumentError);
    }
    expect(() => postgresSchemaStatements({ legacyTimeZone: "x'y" })).toThrow(InvalidArgumentError);
  });

  it("distributes the tables by user on Citus, co-located, with the write function delegated by its user", () => {
    expect(postgresDistributionSql({ schema: "booking" })).toEqual([
      "SELECT create_distributed_table('booking.scheduler_appointments', 'user_id')",
      "SELECT create_distributed_table('booking.scheduler_idempotency_keys', 'user_id', colocate_with => 'booking.scheduler_appointments')",
      "SELECT create_distributed_table('booking.scheduler_changes', 'user_id', colocate_with => 'booking.scheduler_appointments')",
      "SELECT create_distributed_function('booking.scheduler_write_appointment(text, text, text, bigint, bigint, bigint, bigint, jsonb, text, bigint, bigint[], bigint[], integer, boolean, bigint, bigint, bigint, bigint, bigint, bigint, text, text, bigint, text[], bigint[], bigint[], integer[], bigint[], bigint[], text, integer, bigint)', distribution_arg_name => 'p_user_id', colocate_with => 'booking.scheduler_appointments')",
    ]);
  });

  it("is shown in docs/scaling.md as postgresDistributionSql() gives it", () => {
    const doc = readFileSync(new URL("../../docs/scaling.md", import.meta.url), "utf8");
    for (const statement of postgresDistributionSql()) expect(doc).toContain(`${statement};\n`);
  });

  it("makes every unique constraint include user_id, as Citus requires of a table distributed by it", async () => {
    const { db, prefix, close } = await pgliteTarget.open();
    try {
      const { rows } = await db.query(
        `SELECT c.conrelid::regclass::text AS table_name, pg_get_constraintdef(c.oid) AS definition
         FROM pg_constraint AS c WHERE c.contype IN ('p', 'u', 'x') AND starts_with(c.conrelid::regclass::text, $1)`,
        [prefix],
      );
      const tables = (rows as { table_name: string }[]).map((row) => row.table_name).sort();
      expect(tables).toEqual(["appointments", "changes", "idempotency_keys", "migrations"].map((t) => `${prefix}${t}`));
      for (const row of rows as { table_name: string; definition: string }[]) {
        if (!row.table_name.endsWith("migrations")) expect(row.definition).toMatch(/^PRIMARY KEY \(user_id, /);
      }
    } finally {
      await close();
    }
  });
});
