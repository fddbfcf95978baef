/**
 * The embedded default: `npm start` as users run it (its default store, persisting to `DATA_DIR`) against the
 * bare `node:http` server and against the same example over `MemoryStore`; its first start; its memory after
 * 10,000 bookings; and the SQLite store against a bare SQLite `INSERT`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createScheduler } from "appointment-scheduler";
import { SqliteStore } from "appointment-scheduler/sqlite";
import Database from "better-sqlite3";
import { load, startServer } from "./http.js";
import type { Comparison, Section } from "./report.js";

const root = fileURLToPath(new URL("..", import.meta.url));
/** The example `npm start` runs (package.json's `start` script). */
const START_SCRIPT = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).scripts.start as string;
/**
 * What the script runs: `node <Node.js arguments> examples/<framework>.ts`, read once. Another form of script
 * would not be measured as users run it: the benchmark stops and says so.
 */
const startParts = /^node\s+(.*?)\s*(examples\/(\S+)\.ts)\s*$/.exec(START_SCRIPT);
if (startParts === null) {
  throw new Error(`bench/embedded.ts reads npm start as "node … examples/<framework>.ts", not "${START_SCRIPT}"`);
}
const [, nodeArgText, EXAMPLE, FRAMEWORK] = startParts as unknown as [string, string, string, string];
const NODE_ARGS = nodeArgText.split(/\s+/).filter(Boolean);

/** A process of `command`, in a process group of its own (npm and tsx start children), with a fresh DATA_DIR. */
function startProcess(command: string, args: string[], dataDir: string) {
  const child: ChildProcess = spawn(command, args, {
    cwd: root,
    env: { ...process.env, PORT: "0", HOST: "127.0.0.1", DATA_DIR: dataDir },
    stdio: ["ignore", "pipe", "inherit"],
    detached: true,
  });
  const url = new Promise<string>((resolve, reject) => {
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const found = /listening on (\S+)/.exec(output)?.[1];
      if (found) resolve(found);
    });
    child.once("exit", (code) => reject(new Error(`${command} exited with code ${String(code)}: ${output}`)));
  });
  return {
    child,
    url,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = once(child, "exit");
      process.kill(-(child.pid as number), "SIGTERM");
      await exited;
    },
  };
}

/** Milliseconds from `npm start` on an empty DATA_DIR to its first answer. */
async function firstStartMs(): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), "bench-first-start-"));
  const started = performance.now();
  const server = startProcess(process.platform === "win32" ? "npm.cmd" : "npm", ["start", "--silent"], dataDir);
  try {
    const url = await server.url;
    const response = await fetch(`${url}/api/appointments/1`);
    if (response.status !== 200) throw new Error(`first answer: ${response.status}`);
    return performance.now() - started;
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The example `npm start` runs, started as its script starts it, without npm (`node --import tsx/esm <example>`). */
async function startExampleProcess(dataDir: string) {
  const started = startProcess(process.execPath, [...NODE_ARGS, EXAMPLE], dataDir);
  return { url: await started.url, pid: started.child.pid as number, stop: started.stop };
}

/** Resident memory of a process, in MB (Linux: /proc). */
function residentMb(pid: number): number | undefined {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}

/** Books `count` appointments through `url`, `parallel` at a time, each for a user of its own. */
async function bookThrough(url: string, count: number, parallel: number, firstUser: number) {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const user = firstUser + next++;
      const response = await fetch(`${url}/api/appointments/${user}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ appointment: "2021-04-22 11:30" }),
      });
      if (response.status !== 201) throw new Error(`booking ${user}: ${response.status}`);
      await response.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
}

/** Bookings per second of `book` called one after the other for `seconds`. */
function rateOf(book: (i: number) => void, seconds: number): number {
  let i = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  while (performance.now() < until) for (let k = 0; k < 100; k++) book(i++);
  return i / ((performance.now() - started) / 1000);
}

/**
 * `SqliteStore` under the scheduler against the least a booking on SQLite can be: one `INSERT` of one row
 * in its own transaction, on a file with the same journal and `synchronous` settings.
 */
async function sqliteAgainstInsert(seconds: number, notes: string[]): Promise<Comparison> {
  const dir = mkdtempSync(join(tmpdir(), "bench-sqlite-"));
  try {
    const bare = new Database(join(dir, "bare.sqlite"));
    bare.pragma("journal_mode = WAL");
    bare.pragma("synchronous = FULL");
    bare.exec(
      "CREATE TABLE appointments (user_id TEXT, id TEXT, start_ms INTEGER, end_ms INTEGER, PRIMARY KEY (user_id, id))",
    );
    const insert = bare.prepare("INSERT INTO appointments VALUES (?, ?, ?, ?)");
    const inTransaction = bare.transaction((i: number) =>
      insert.run(`u${i}`, `a${i}`, 1_619_091_000_000, 1_619_092_800_000),
    );

    const db = new Database(join(dir, "store.sqlite"));
    const store = new SqliteStore(db);
    await store.migrate();
    const scheduler = createScheduler({ store });
    // The scheduler is async; each booking is awaited, as a server awaits it. A new user every time.
    let user = 0;
    const bookRate = async (secondsToRun: number) => {
      const first = user;
      const started = performance.now();
      const until = started + secondsToRun * 1000;
      while (performance.now() < until) await scheduler.book(`u${user++}`, "2021-04-22 11:30");
      return (user - first) / ((performance.now() - started) / 1000);
    };
    await bookRate(0.5); // warm-up
    rateOf((i) => inTransaction(1e9 + i), 0.5);
    let baseline = 0;
    let measured = 0;
    for (let round = 0; round < 2; round++) {
      baseline += rateOf((i) => inTransaction(round * 1e8 + i), seconds) / 2;
      measured += (await bookRate(seconds)) / 2;
    }
    notes.push(
      `SQLite (better-sqlite3, WAL, synchronous FULL): a bare INSERT transaction ${Math.round(1e6 / baseline)} µs, a booking through the scheduler and SqliteStore ${Math.round(1e6 / measured)} µs`,
    );
    bare.close();
    db.close();
    return { name: "SqliteStore book vs bare SQLite INSERT", unit: "bookings/s", baseline, measured, goal: 0.6 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function embeddedBenchmark({ quick }: { quick: boolean }): Promise<Section> {
  const seconds = quick ? 1 : 4;
  const rounds = quick ? 1 : 2;
  const comparisons: Comparison[] = [];
  const notes: string[] = [];

  comparisons.push(await sqliteAgainstInsert(quick ? 1 : 3, notes));

  // The example as npm start runs it, against the bare node:http server and the example over MemoryStore.
  const totals = { bare: 0, memory: 0, started: 0 };
  for (let round = 0; round < rounds; round++) {
    for (const variant of ["bare", "memory", "started"] as const) {
      const dataDir = mkdtempSync(join(tmpdir(), "bench-npm-start-"));
      const server =
        variant === "bare"
          ? await startServer("node-http", "bare")
          : variant === "memory"
            ? await startServer(FRAMEWORK, "example")
            : await startExampleProcess(dataDir);
      try {
        await load(server.url, 1);
        const result = await load(server.url, seconds);
        if (result.failed > 0) notes.push(`${variant}: ${result.failed} requests failed or were not 2xx`);
        totals[variant] += result.rps / rounds;
      } finally {
        await server.stop();
        rmSync(dataDir, { recursive: true, force: true });
      }
    }
  }
  comparisons.push(
    { name: "npm start vs bare node:http", unit: "req/s", baseline: totals.bare, measured: totals.started, goal: 0.25 },
    {
      name: "npm start vs its example over MemoryStore",
      unit: "req/s",
      baseline: totals.memory,
      measured: totals.started,
      goal: 0.5,
    },
  );

  const starts = [];
  for (let i = 0; i < (quick ? 1 : 3); i++) starts.push(await firstStartMs());
  starts.sort((a, b) => a - b);
  const firstStart = starts[Math.floor(starts.length / 2)] as number;
  notes.push(
    `first start of \`npm start\` on an empty DATA_DIR to its first answer: ${Math.round(firstStart)} ms (median of ${starts.length}; goal under 1,000 ms ${firstStart < 1000 ? "✓" : "✗"})`,
  );

  const dataDir = mkdtempSync(join(tmpdir(), "bench-rss-"));
  const server = await startExampleProcess(dataDir);
  try {
    await bookThrough(server.url, 10_000, 8, 1);
    const rss = residentMb(server.pid);
    if (rss !== undefined) {
      notes.push(
        `resident memory of the server after 10,000 bookings: ${Math.round(rss)} MB (goal under 150 MB ${rss < 150 ? "✓" : "✗"})`,
      );
    }
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }

  return {
    title: "The embedded default: npm start as users run it",
    method: `\`${START_SCRIPT}\` as \`npm start\` runs it, started without npm in front (\`node ${NODE_ARGS.join(" ")} ${EXAMPLE}\`), its default store persisting to a fresh \`DATA_DIR\`, against the bare \`node:http\` server and against the same example over \`MemoryStore\` (the HTTP section's servers), each in a process of its own, under the HTTP section's POST/GET mix; ${rounds} × ${seconds} s each after a 1 s warm-up. The SQLite row: \`createScheduler({ store: new SqliteStore(db) })\` booking one new user after the other, each awaited, against a bare \`INSERT\` of one row in its own transaction on a file with the same settings (better-sqlite3, WAL, \`synchronous = FULL\`), in this process, alternating. The first start is \`npm start\` itself, from the command to the first answer of a GET. The memory is the server process's resident set (\`VmRSS\`) after 10,000 bookings through HTTP, 8 at a time.`,
    comparisons,
    notes,
  };
}
