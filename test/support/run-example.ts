/**
 * Runs an example server as a program, as `npm start` or `npx tsx examples/….ts` would: tsx as Node.js's
 * loader, from the repository root (so that tsconfig's paths resolve the package name), on `PORT=0`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { inject } from "vitest";

export interface RunningExample {
  readonly child: ChildProcess;
  /** Where it listens, as it printed it. */
  readonly url: string;
  /** Resolves with the exit code and signal once the process has exited. */
  readonly exited: Promise<[number | null, NodeJS.Signals | null]>;
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
}

/** An example that exited before it listened: how, and what it printed. */
export class ExampleExitedError extends Error {
  constructor(
    readonly code: number | null,
    readonly signal: NodeJS.Signals | null,
    readonly output: string,
  ) {
    super(`the example exited before listening (code ${code}, signal ${signal}):\n${output}`);
  }
}

/** A fresh, empty directory for an example's embedded database (`DATA_DIR`), as a new clone has none. */
export function newDataDir(): string {
  return mkdtempSync(join(tmpdir(), "appointment-scheduler-data-"));
}

/**
 * A fresh `DATA_DIR` for PGlite (`STORE=pglite`): a copy of the empty database the global setup initialised,
 * which opens in a fraction of the time a new one takes.
 */
export function newPgliteDataDir(): string {
  const dir = newDataDir();
  cpSync(inject("pgliteTemplate"), dir, { recursive: true });
  return dir;
}

/**
 * Starts `file` and resolves once it listens, or rejects with {@link ExampleExitedError}. Unless `env` says
 * otherwise, its appointments go to a fresh `DATA_DIR` and not to a `DATABASE_URL` of the test's own environment.
 */
export async function runExample(file: URL, env: NodeJS.ProcessEnv = {}): Promise<RunningExample> {
  const { child, exited } = spawnExample(file, env);
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    const onData = () => {
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    };
    child.stdout.on("data", onData);
    exited.then(([code, signal]) => reject(new ExampleExitedError(code, signal, output)));
  });
  return { child, url, exited, output: () => output };
}

/** How an example that stopped by itself exited, and what it printed on each stream. */
export interface ExampleExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `file` as {@link runExample} does, until it exits by itself (a bad setting, a port in use), and
 * resolves with how; kills it (SIGKILL) if it still runs after `timeoutMs`.
 */
export async function runExampleToExit(
  file: URL,
  env: NodeJS.ProcessEnv = {},
  timeoutMs = 15_000,
): Promise<ExampleExit> {
  const { child, exited } = spawnExample(file, env);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  const [code, signal] = await exited.finally(() => clearTimeout(timer));
  return { code, signal, stdout, stderr };
}

/**
 * Starts `file` with tsx as Node.js's loader, from the repository root, on `PORT=0` and a fresh `DATA_DIR`
 * (removed once it has exited) unless `env` says otherwise, without a `DATABASE_URL` of the test's own.
 */
function spawnExample(file: URL, env: NodeJS.ProcessEnv) {
  const { DATABASE_URL: _notInherited, ...inherited } = process.env;
  const ownDataDir = env.DATA_DIR === undefined && env.DATABASE_URL === undefined ? newDataDir() : undefined;
  const child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(file)], {
    cwd: fileURLToPath(new URL("../..", import.meta.url)),
    env: { ...inherited, PORT: "0", HOST: "127.0.0.1", ...(ownDataDir ? { DATA_DIR: ownDataDir } : {}), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  // "close", not "exit": all it printed has been read by then.
  const exited = once(child, "close").then((how) => {
    if (ownDataDir) rmSync(ownDataDir, { recursive: true, force: true });
    return how;
  }) as Promise<[number | null, NodeJS.Signals | null]>;
  return { child, exited };
}

/** Stops a running example with `signal` and resolves with how it exited. */
export async function stopExample(
  example: RunningExample,
  signal: NodeJS.Signals = "SIGTERM",
): Promise<{ code: number | null; killedBy: NodeJS.Signals | null }> {
  example.child.kill(signal);
  const [code, killedBy] = await example.exited;
  return { code, killedBy };
}
