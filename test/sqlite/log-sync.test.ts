/**
 * `synchronous: "FULL"` without blocking the event loop: the connection commits at NORMAL and the store syncs
 * the write-ahead log itself (`fdatasync`, on libuv's thread pool) before it answers. Observed through
 * `node:fs`, whose `fdatasync` and `fsync` each test can hold back or fail: a write resolves only after the sync
 * of its commit, one sync serves every commit made before it began, a read waits for the commits it saw, a
 * failed sync is an unknown outcome (which a retry with the same key settles), and the log's directory is
 * synced once. A lone write after fast syncs is synced in place (`fdatasyncSync`), which a test can fail too;
 * the tests that hold syncs back write two bookings at once, so that their batch syncs off the loop.
 */
import { createScheduler, OutcomeUnknownError } from "appointment-scheduler";
import { afterEach, describe, expect, it, vi } from "vitest";
import { LogSync } from "../../src/sqlite/log-sync.js";
import { booking } from "./support.js";
import { openStore, sqliteTargets } from "./targets.js";

/** Every `fdatasync` and `fsync`, with the path its descriptor was opened on; a test may hold them back. */
const syncs = vi.hoisted(() => ({
  calls: [] as { path: string; kind: "fdatasync" | "fsync"; inPlace?: true }[],
  /** Every path opened, and every descriptor closed (by its path). */
  opened: [] as string[],
  closed: [] as string[],
  /** When set, each sync waits for this promise (and fails when it rejects). */
  gate: undefined as Promise<void> | undefined,
  /** When set, each sync in place throws it. */
  inPlaceFailure: undefined as Error | undefined,
}));

vi.mock("node:fs", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:fs")>();
  const paths = new Map<number, string>();
  const openSync = (...args: Parameters<typeof actual.openSync>): number => {
    const fd = actual.openSync(...args);
    paths.set(fd, String(args[0]));
    syncs.opened.push(String(args[0]));
    return fd;
  };
  const closeSync = (fd: number): void => {
    syncs.closed.push(paths.get(fd) ?? "?");
    actual.closeSync(fd);
  };
  const held =
    (kind: "fdatasync" | "fsync", run: typeof actual.fsync) =>
    (fd: number, callback: (error: NodeJS.ErrnoException | null) => void): void => {
      syncs.calls.push({ path: paths.get(fd) ?? "?", kind });
      (syncs.gate ?? Promise.resolve()).then(
        () => run(fd, callback),
        (error: Error) => callback(error),
      );
    };
  const inPlace =
    (kind: "fdatasync" | "fsync", run: typeof actual.fsyncSync) =>
    (fd: number): void => {
      syncs.calls.push({ path: paths.get(fd) ?? "?", kind, inPlace: true });
      if (syncs.inPlaceFailure) throw syncs.inPlaceFailure;
      run(fd);
    };
  const replaced = {
    openSync,
    closeSync,
    fdatasync: held("fdatasync", actual.fdatasync),
    fsync: held("fsync", actual.fsync),
    fdatasyncSync: inPlace("fdatasync", actual.fdatasyncSync),
    fsyncSync: inPlace("fsync", actual.fsyncSync),
  };
  return { ...actual, ...replaced, default: { ...actual, ...replaced } };
});

/** A gate: syncs wait until `open()` or fail at `fail()`. */
function holdSyncs() {
  let open!: () => void;
  let fail!: (error: Error) => void;
  syncs.gate = new Promise<void>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  syncs.gate.catch(() => undefined);
  return { open, fail };
}

/** Whether `promise` has settled after the event loop's pending work (a real sync takes longer). */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  return done;
}

afterEach(() => {
  vi.useRealTimers();
  syncs.gate = undefined;
  syncs.inPlaceFailure = undefined;
  syncs.calls.length = 0;
  syncs.opened.length = 0;
  syncs.closed.length = 0;
});

const START = Date.UTC(2021, 3, 22, 10);

describe("LogSync", () => {
  it("resolves at once when nothing was committed since the last sync", async () => {
    const sync = new LogSync("/nowhere/appointments.sqlite");
    await sync.durable();
    expect(syncs.calls).toEqual([]);
  });

  it("treats a missing log as synced: SQLite removes it only after a checkpoint synced it into the database", async () => {
    const sync = new LogSync("/nowhere/appointments.sqlite");
    sync.committed();
    await sync.durable();
    await sync.durable(); // nothing new since
    expect(syncs.calls).toEqual([]);
  });
});

describe.each(sqliteTargets)("SqliteStore with synchronous FULL on $name", (target) => {
  const skip = !target.available;
  it.skipIf(skip)("commits at NORMAL and answers a write only after its log is synced", async () => {
    const opened = await openStore(target);
    try {
      expect(opened.db.prepare("PRAGMA synchronous").get()).toEqual({ synchronous: 1 });
      // migrate() answered after its commit's sync, and the log's entry in its directory, synced once.
      expect(syncs.calls.map((call) => call.kind)).toEqual(["fdatasync", "fsync"]);
      syncs.calls.length = 0;
      const gate = holdSyncs();
      // Two writes in one turn: one batch, whose sync runs off the loop.
      const write = opened.store.write(booking("held", "a", START));
      const other = opened.store.write(booking("other", "a", START));
      expect(await settled(write)).toBe(false);
      // Committed already: another connection sees it while the sync runs.
      expect(syncs.calls).toEqual([{ path: expect.stringMatching(/-wal$/), kind: "fdatasync" }]);
      const read = opened.store.getAppointment("held", "a");
      expect(await settled(read)).toBe(false); // a read that saw it waits for it too
      gate.open();
      expect(await write).toMatchObject({ status: "written" });
      expect(await other).toMatchObject({ status: "written" });
      expect(await read).toMatchObject({ id: "a" });
      expect(syncs.calls.map((call) => call.kind)).toEqual(["fdatasync"]);
    } finally {
      await opened.close();
    }
  });

  it.skipIf(skip)(
    "syncs a lone write's commit in place after fast syncs, and off the loop again after a slow one",
    async () => {
      // The clock the store times its syncs by stands still unless the test moves it: fast, on any disk.
      vi.useFakeTimers({ toFake: ["performance"] });
      const opened = await openStore(target);
      try {
        syncs.calls.length = 0;
        const gate = holdSyncs(); // holds only syncs off the loop
        // A lone write: synced in place (migrate()'s sync was fast), answered without the gate.
        expect(await opened.store.write(booking("lone", "a", START))).toMatchObject({ status: "written" });
        expect(syncs.calls).toEqual([{ path: expect.stringMatching(/-wal$/), kind: "fdatasync", inPlace: true }]);
        // A batch of two, whose sync is held for a while: the last sync is now slow.
        const pair = [opened.store.write(booking("p1", "a", START)), opened.store.write(booking("p2", "a", START))];
        await settled(pair[0] as Promise<unknown>);
        vi.advanceTimersByTime(20);
        gate.open();
        await Promise.all(pair);
        // So the next lone write syncs off the loop: it waits for a held sync.
        const nextGate = holdSyncs();
        const next = opened.store.write(booking("next", "a", START));
        expect(await settled(next)).toBe(false);
        nextGate.open();
        expect(await next).toMatchObject({ status: "written" });
        expect(syncs.calls.map((call) => call.inPlace ?? false)).toEqual([true, false, false]);
        // That sync was fast: the one after it is in place again.
        await opened.store.write(booking("again", "a", START));
        expect(syncs.calls.at(-1)).toMatchObject({ kind: "fdatasync", inPlace: true });
      } finally {
        await opened.close();
      }
    },
  );

  it.skipIf(skip)(
    "answers a read of one user without waiting for the sync of another user's commit, and every other read after it",
    async () => {
      const opened = await openStore(target);
      try {
        const { store } = opened;
        await store.write(booking("b", "b1", START)); // synced: nothing of b is waiting
        const gate = holdSyncs();
        const write = store.write(booking("a", "a1", START));
        const other = store.write(booking("c", "c1", START)); // in the same batch: its sync runs off the loop
        await settled(write); // committed, its sync held back
        // b's records, its appointment and its feed: nothing a's commit changed.
        const readsOfB = [
          store.listAppointments("b", { status: "booked" }),
          store.getAppointment("b", "b1"),
          store.readChanges({ limit: 10, userId: "b" }),
        ];
        for (const read of readsOfB) expect(await settled(read)).toBe(true);
        expect(await readsOfB[0]).toMatchObject([{ id: "b1" }]);
        // a's records, the whole feed and a resource's day view can show the commit: they wait for its sync.
        const waiting = [
          store.listAppointments("a", { status: "booked" }),
          store.getAppointment("a", "a1"),
          store.readChanges({ limit: 10, userId: "a" }),
          store.readChanges({ limit: 10 }),
          store.listResourceAppointments("room", {}),
        ];
        for (const read of waiting) expect(await settled(read)).toBe(false);
        gate.open();
        await Promise.all([write, other]);
        expect(await waiting[0]).toMatchObject([{ id: "a1" }]);
        await Promise.all(waiting);
        // A purge may change anyone's records: after it, a read of b waits for its sync too.
        const purgeGate = holdSyncs();
        const purge = store.purgeExpired(START);
        await settled(purge);
        const afterPurge = store.listAppointments("b", { status: "booked" });
        expect(await settled(afterPurge)).toBe(false);
        purgeGate.open();
        await Promise.all([purge, afterPurge]);
      } finally {
        await opened.close();
      }
    },
  );

  it.skipIf(skip)(
    "syncs once for the commits made before a sync began, and again for those made during it",
    async () => {
      const opened = await openStore(target);
      try {
        syncs.calls.length = 0;
        const gate = holdSyncs();
        const first = opened.store.write(booking("u1", "a", START));
        const alongside = opened.store.write(booking("u0", "a", START));
        await settled(first); // its batch committed, its sync started and waits
        // Three batches, one after the other, each committed while the first sync runs.
        const during: Promise<unknown>[] = [];
        for (const n of [2, 3, 4]) {
          const write = opened.store.write(booking(`u${n}`, "a", START));
          expect(await settled(write)).toBe(false);
          during.push(write);
        }
        expect(syncs.calls).toHaveLength(1);
        gate.open();
        await Promise.all([first, alongside, ...during]);
        expect(syncs.calls).toHaveLength(2); // one sync for all three
        expect(opened.db.prepare("SELECT count(*) AS n FROM scheduler_appointments").get()).toEqual({ n: 5 });
      } finally {
        await opened.close();
      }
    },
  );

  it.skipIf(skip)("keeps the log open while syncs keep coming, and closes it once the store is idle", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "performance"] });
    const opened = await openStore(target);
    try {
      syncs.opened.length = 0;
      syncs.closed.length = 0;
      for (let n = 0; n < 5; n++) await opened.store.write(booking(`k${n}`, "a", START));
      expect(syncs.calls.filter((call) => call.path.endsWith("-wal"))).toHaveLength(6); // with migrate()'s
      const logOpens = () => syncs.opened.filter((path) => path.endsWith("-wal")).length;
      const logCloses = () => syncs.closed.filter((path) => path.endsWith("-wal")).length;
      expect([logOpens(), logCloses()]).toEqual([0, 0]); // the descriptor migrate() opened, kept
      vi.advanceTimersByTime(1_000);
      await opened.store.write(booking("k5", "a", START)); // a sync within the idle time keeps it open
      vi.advanceTimersByTime(1_500);
      expect(logCloses()).toBe(0);
      vi.advanceTimersByTime(1_000); // two seconds without a sync
      expect(logCloses()).toBe(1);
      await opened.store.write(booking("k6", "a", START)); // opened again for the next sync
      expect([logOpens(), logCloses()]).toEqual([1, 1]);
    } finally {
      vi.useRealTimers();
      await opened.close();
    }
  });

  it.skipIf(skip)("reports a failed sync as an unknown outcome, which a retry with the same key settles", async () => {
    const opened = await openStore(target);
    try {
      const scheduler = createScheduler({ store: opened.store });
      await scheduler.book("warm", "2021-04-21 10:00");
      const gate = holdSyncs();
      const attempt = scheduler.book("u", "2021-04-22 10:00", { idempotencyKey: "k" });
      const alongside = scheduler.book("v", "2021-04-22 10:00"); // a batch of two: synced off the loop
      await settled(attempt);
      gate.fail(Object.assign(new Error("EIO: i/o error, fdatasync"), { code: "EIO" }));
      await expect(attempt).rejects.toBeInstanceOf(OutcomeUnknownError);
      await expect(alongside).rejects.toBeInstanceOf(OutcomeUnknownError);
      syncs.gate = undefined;
      const retried = await scheduler.book("u", "2021-04-22 10:00", { idempotencyKey: "k" });
      expect(retried.start.toString()).toContain("2021-04-22T10:00");
      expect(await scheduler.list("u")).toMatchObject({ appointments: [{ id: retried.id }] });
      // A lone write's sync, in place, fails alike.
      syncs.inPlaceFailure = Object.assign(new Error("EIO: i/o error, fdatasync"), { code: "EIO" });
      const lone = scheduler.book("w", "2021-04-22 10:00", { idempotencyKey: "k" });
      await expect(lone).rejects.toBeInstanceOf(OutcomeUnknownError);
      expect(syncs.calls.at(-1)).toMatchObject({ kind: "fdatasync", inPlace: true });
      syncs.inPlaceFailure = undefined;
      const settledLone = await scheduler.book("w", "2021-04-22 10:00", { idempotencyKey: "k" });
      expect(await scheduler.list("w")).toMatchObject({ appointments: [{ id: settledLone.id }] });
    } finally {
      await opened.close();
    }
  });

  it.skipIf(skip)("leaves an in-memory database and synchronous NORMAL to SQLite: no sync of its own", async () => {
    const memory = target.openDatabase(":memory:");
    try {
      const { SqliteStore } = await import("../../src/sqlite/index.js");
      const store = new SqliteStore(memory);
      await store.migrate();
      await store.write(booking("m", "a", START));
      expect(syncs.calls).toEqual([]);
    } finally {
      memory.close();
    }
    const normal = await openStore(target, { synchronous: "NORMAL" });
    try {
      expect(normal.db.prepare("PRAGMA synchronous").get()).toEqual({ synchronous: 1 });
      await normal.store.write(booking("n", "a", START));
      expect(syncs.calls).toEqual([]);
    } finally {
      await normal.close();
    }
  });
});
