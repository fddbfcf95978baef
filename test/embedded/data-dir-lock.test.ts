/**
 * The lock on a data directory (examples/data-dir-lock.ts), with real processes: who holds it is named, a
 * holder that runs keeps it, a holder that is gone (SIGKILL, a reused pid, another boot) loses it, a lock
 * from another host or one that cannot be read is left alone, and of several processes that find one stale
 * lock at the same moment exactly one takes it over.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { DataDirInUseError, LOCK_FILE_NAME, type LockHolder, lockDataDir } from "../../examples/data-dir-lock.js";

/**
 * Another process's moves at a chosen point of this one's take-over: real processes interleave there only
 * by chance, so the tests that need an interleaving run it here, in the lock's own `link()` calls.
 */
const interleave = vi.hoisted(() => ({ beforeLink: undefined as ((target: string) => void) | undefined }));
vi.mock("node:fs", async (importOriginal) => {
  const fs = await importOriginal<typeof import("node:fs")>();
  const linkSync: typeof fs.linkSync = (existing, target) => {
    interleave.beforeLink?.(String(target));
    fs.linkSync(existing, target);
  };
  return { ...fs, default: { ...fs, linkSync }, linkSync };
});

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const CONTENDER = fileURLToPath(new URL("../support/lock-contender.ts", import.meta.url));
/** Rounds of the race, and contenders in each: bounded, for two shared cores. */
const RACE_ROUNDS = 2;
const RACE_CONTENDERS = 6;

interface Outcome {
  readonly pid: number;
  readonly outcome: "held" | "in-use" | "error";
  readonly message?: string;
  readonly tookOver?: { readonly from: number; readonly reason: string };
}

interface Contender {
  readonly child: ChildProcess;
  /** Its one line of outcome. */
  readonly outcome: Promise<Outcome>;
  readonly exited: Promise<unknown>;
}

const running = new Set<ChildProcess>();

/** Starts a process that locks `dir` (at `startAt`, if given). */
function contend(dir: string, startAt?: number): Contender {
  const child = spawn(process.execPath, ["--import", "tsx", CONTENDER, dir, ...(startAt ? [String(startAt)] : [])], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "inherit"],
  });
  running.add(child);
  const exited = once(child, "exit").finally(() => running.delete(child));
  const outcome = new Promise<Outcome>((resolve, reject) => {
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split("\n")[0];
      if (output.includes("\n") && line) resolve(JSON.parse(line) as Outcome);
    });
    exited.then(() => reject(new Error(`contender ${child.pid} exited without an outcome: ${output}`)));
  });
  return { child, outcome, exited };
}

const dirs: string[] = [];
function newDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "appointment-scheduler-lock-"));
  dirs.push(dir);
  return dir;
}

const lockFileOf = (dir: string) => join(dir, LOCK_FILE_NAME);
const readLock = (dir: string) => JSON.parse(readFileSync(lockFileOf(dir), "utf8")) as LockHolder;
const writeLock = (dir: string, record: LockHolder) => writeFileSync(lockFileOf(dir), JSON.stringify(record));

/** The lock of a process that ran on this machine and was killed: a stale lock as SIGKILL leaves it. */
let killed: LockHolder;

beforeAll(async () => {
  const dir = newDir();
  const holder = contend(dir);
  expect(await holder.outcome).toMatchObject({ outcome: "held" });
  holder.child.kill("SIGKILL");
  await holder.exited;
  killed = readLock(dir);
});

afterEach(() => {
  interleave.beforeLink = undefined;
  for (const child of running) child.kill("SIGKILL");
});

/** A lock of a process that runs (the test runner's parent; with no start time to compare, its pid decides). */
const liveRival = () => ({ ...killed, pid: process.ppid, processStart: undefined, token: "f".repeat(32) });
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe("the lock on a data directory", () => {
  it("is refused to a second lock in this process, and freed by release", async () => {
    const dir = newDir();
    const lock = await lockDataDir(dir);
    expect(readLock(dir)).toMatchObject({ pid: process.pid, hostname: hostname() });
    await expect(lockDataDir(dir)).rejects.toThrow(`"${dir}" is already open in this process (pid ${process.pid})`);
    lock.release();
    lock.release();
    expect(readdirSync(dir)).toEqual([]);
    (await lockDataDir(dir)).release();
  });

  it("is kept by a holder that runs: the message names it, and nothing is written", async () => {
    const dir = newDir();
    const holder = contend(dir);
    expect(await holder.outcome).toMatchObject({ outcome: "held" });
    const before = readFileSync(lockFileOf(dir), "utf8");

    const refused = await lockDataDir(dir).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(DataDirInUseError);
    expect((refused as Error).message).toContain(`The data directory "${dir}" is in use by another process`);
    expect((refused as Error).message).toContain(`pid ${holder.child.pid} on host ${hostname()}`);
    expect((refused as Error).message).toContain("lock-contender.ts");
    expect(readdirSync(dir)).toEqual([LOCK_FILE_NAME]);
    expect(readFileSync(lockFileOf(dir), "utf8")).toBe(before);

    holder.child.kill("SIGTERM");
    expect(await holder.exited).toEqual([0, null]);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("left by a process killed with SIGKILL is stale, and taken over", async () => {
    const dir = newDir();
    writeLock(dir, killed);
    const reasons: string[] = [];
    const lock = await lockDataDir(dir, { onStaleLock: (holder, reason) => reasons.push(`${holder.pid}: ${reason}`) });
    expect(reasons).toEqual([`${killed.pid}: no process has pid ${killed.pid}`]);
    expect(readLock(dir)).toMatchObject({ pid: process.pid });
    expect(readdirSync(dir)).toEqual([LOCK_FILE_NAME]);
    lock.release();
  });

  it.runIf(process.platform === "linux")(
    "is stale when its pid is now another process, which started at another time",
    async () => {
      const dir = newDir();
      // The test runner's parent process runs, and did not write this lock: its start time says so.
      writeLock(dir, { ...killed, pid: process.ppid });
      const reasons: string[] = [];
      const lock = await lockDataDir(dir, { onStaleLock: (_, reason) => reasons.push(reason) });
      expect(reasons).toEqual([`pid ${process.ppid} is now another process`]);
      lock.release();

      // Without a start time to compare, a pid that runs keeps the lock.
      writeLock(dir, { ...killed, pid: process.ppid, processStart: undefined });
      await expect(lockDataDir(dir)).rejects.toThrow(`pid ${process.ppid} on host`);
    },
  );

  it.runIf(process.platform === "linux")("is stale when the machine has restarted since", async () => {
    const dir = newDir();
    writeLock(dir, { ...killed, pid: process.ppid, processStart: undefined, bootId: "a-boot-before-this-one" });
    const reasons: string[] = [];
    (await lockDataDir(dir, { onStaleLock: (_, reason) => reasons.push(reason) })).release();
    expect(reasons).toEqual(["this machine has restarted since"]);
  });

  it("is never taken from another host, whose processes cannot be seen from here", async () => {
    const dir = newDir();
    writeLock(dir, { ...killed, hostname: "another-host" });
    await expect(lockDataDir(dir)).rejects.toThrow(
      `pid ${killed.pid} on host another-host (${killed.command}, started ${killed.startedAt}). ` +
        "Only one process at a time may open it: stop that one, or give this one another directory. " +
        `This host cannot tell whether that process still runs; if it does not, remove ${lockFileOf(dir)}.`,
    );
  });

  it("that cannot be read is left alone", async () => {
    const dir = newDir();
    writeFileSync(lockFileOf(dir), "");
    await expect(lockDataDir(dir)).rejects.toThrow(`its lock file ${lockFileOf(dir)} cannot be read`);
    expect(readFileSync(lockFileOf(dir), "utf8")).toBe("");
  });

  it("is taken over also when a process died in the middle of taking it over", async () => {
    const dir = newDir();
    writeLock(dir, killed);
    const claim = `${LOCK_FILE_NAME}.takeover-${killed.token}.1`;
    writeFileSync(join(dir, claim), JSON.stringify({ ...killed, token: "0".repeat(32) }));
    const lock = await lockDataDir(dir);
    expect(readdirSync(dir)).toEqual([LOCK_FILE_NAME]);
    lock.release();
  });

  it("is left to a process that took it over first, after this one found it stale", async () => {
    const dir = newDir();
    writeLock(dir, killed);
    const rival = liveRival();
    interleave.beforeLink = (target) => {
      if (!target.includes(".takeover-")) return;
      interleave.beforeLink = undefined;
      writeLock(dir, rival); // the rival's take-over, complete: its claim made, used and removed
    };
    await expect(lockDataDir(dir)).rejects.toThrow(`pid ${rival.pid} on host`);
    expect(readLock(dir)).toEqual(rival);
    expect(readdirSync(dir)).toEqual([LOCK_FILE_NAME]);
  });

  it("is left to a process that runs and has claimed it, whether or not it completes", async () => {
    const dir = newDir();
    writeLock(dir, killed);
    const rival = liveRival();
    const claim = join(dir, `${LOCK_FILE_NAME}.takeover-${killed.token}.1`);
    let links = 0;
    interleave.beforeLink = (target) => {
      if (target !== claim) return;
      links++;
      if (links === 1) writeFileSync(claim, JSON.stringify(rival)); // claimed by the rival, just before us
      if (links === 3) {
        writeLock(dir, rival); // and the rival completes, while this one waits
        rmSync(claim);
      }
    };
    await expect(lockDataDir(dir)).rejects.toThrow(`pid ${rival.pid} on host`);
    expect(readLock(dir)).toEqual(rival);
    expect(readdirSync(dir)).toEqual([LOCK_FILE_NAME]);

    // A rival that never completes (stopped, say) is named all the same, after a bounded wait.
    writeLock(dir, killed);
    writeFileSync(claim, JSON.stringify(rival));
    await expect(lockDataDir(dir)).rejects.toThrow(`pid ${rival.pid} on host`);
    expect(readLock(dir)).toEqual(killed);
  });

  it(
    `is taken over by exactly one of ${RACE_CONTENDERS} processes that find it stale at the same moment`,
    async () => {
      for (let round = 1; round <= RACE_ROUNDS; round++) {
        const dir = newDir();
        writeLock(dir, { ...killed, token: `${round}`.padStart(32, "0") });
        // Time for every contender to load. The real clock: the tests' `Date` is set back (test/support/clock.ts).
        const startAt = Math.round(performance.timeOrigin + performance.now()) + 1_500;
        const contenders = Array.from({ length: RACE_CONTENDERS }, () => contend(dir, startAt));
        const outcomes = await Promise.all(contenders.map(({ outcome }) => outcome));
        const holders = outcomes.filter(({ outcome }) => outcome === "held");
        expect(holders, JSON.stringify(outcomes)).toHaveLength(1);
        const winner = holders[0] as Outcome;
        expect(winner.tookOver).toEqual({ from: killed.pid, reason: `no process has pid ${killed.pid}` });
        for (const other of outcomes.filter(({ outcome }) => outcome !== "held")) {
          expect(other).toMatchObject({ outcome: "in-use" });
          expect(other.message).toContain(`pid ${winner.pid} on host`);
        }
        expect(readLock(dir)).toMatchObject({ pid: winner.pid });
        expect(readdirSync(dir)).toEqual([LOCK_FILE_NAME]);
        for (const { child } of contenders) child.kill("SIGTERM");
        await Promise.all(contenders.map(({ exited }) => exited));
        expect(readdirSync(dir)).toEqual([]);
      }
    },
    RACE_ROUNDS * 15_000,
  );
});
