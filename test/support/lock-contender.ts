/**
 * A process that locks a data directory, for the tests of examples/data-dir-lock.ts:
 * `node --import tsx test/support/lock-contender.ts <dir> [<start at, ms since the epoch>]`.
 *
 * It waits (spinning, so that several contenders try at the same moment) until the start time, tries to
 * lock `<dir>`, and prints one JSON line: `{"pid":…,"outcome":"held"}` (with `tookOver` naming the stale
 * lock's pid and why), or `"in-use"` with the message, or `"error"`. A holder keeps the lock until SIGTERM (then releases it and exits 0) or SIGKILL (which leaves
 * it stale), and exits by itself after a minute. Any other outcome exits at once.
 */
import { DataDirInUseError, lockDataDir } from "../../examples/data-dir-lock.js";

const [dir, startAt] = process.argv.slice(2);
if (!dir) throw new Error("usage: lock-contender.ts <dir> [<start at>]");
while (startAt && Date.now() < Number(startAt)) {
  // spin: a timer would let the contenders drift apart
}

const say = (line: Record<string, unknown>) =>
  process.stdout.write(`${JSON.stringify({ pid: process.pid, ...line })}\n`);
try {
  let tookOver: { from: number; reason: string } | undefined;
  const lock = await lockDataDir(dir, {
    onStaleLock: (holder, reason) => {
      tookOver = { from: holder.pid, reason };
    },
  });
  const giveUp = setTimeout(() => process.exit(3), 60_000);
  process.once("SIGTERM", () => {
    clearTimeout(giveUp);
    lock.release();
    process.exit(0);
  });
  say({ outcome: "held", ...(tookOver ? { tookOver } : {}) });
} catch (error) {
  say({
    outcome: error instanceof DataDirInUseError ? "in-use" : "error",
    message: error instanceof Error ? error.message : String(error),
  });
}
