/**
 * The package as users get it: built, packed by `npm pack`, installed from the tarball into a fresh project,
 * then imported with `import`, with `require`, and from a type-checked TypeScript file.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import tsupConfig from "../../tsup.config.js";

const root = resolve(import.meta.dirname, "../..");
const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  name: string;
  exports: Record<string, unknown>;
};
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const run = (command: string, args: string[], cwd: string) =>
  execFileSync(command, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

describe("the published package", () => {
  let project: string;

  beforeAll(() => {
    project = mkdtempSync(join(tmpdir(), "appointment-scheduler-consumer-"));
    // Build from the current sources, then pack exactly what `npm publish` would (prepack is the build).
    run(npm, ["run", "build", "--silent"], root);
    const packed = JSON.parse(
      run(npm, ["pack", "--json", "--ignore-scripts", "--pack-destination", project], root),
    ) as {
      filename: string;
    }[];
    const tarball = join(project, packed[0]?.filename ?? "");
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "commonjs" }));
    // temporal-polyfill, the one required peer dependency, is installed by npm with the tarball.
    run(npm, ["install", tarball, "--no-audit", "--no-fund", "--prefer-offline", "--ignore-scripts"], project);
  }, 180_000);

  afterAll(() => {
    if (project) rmSync(project, { recursive: true, force: true });
  });

  it("has one built entry for every subpath in package.json exports, and no other", () => {
    const entries = Object.keys((tsupConfig as { entry: Record<string, string> }).entry).sort();
    const subpaths = Object.keys(manifest.exports)
      .filter((path) => path !== "./package.json")
      .map((path) => (path === "." ? "index" : path.slice(2)))
      .sort();
    expect(subpaths).toEqual(entries);
  });

  it("books with `import` (ESM), and formats with toWireAppointment from appointment-scheduler/http", () => {
    writeFileSync(
      join(project, "esm.mjs"),
      `import * as root from "appointment-scheduler";
       import { toWireAppointment } from "appointment-scheduler/http";
       const scheduler = root.createScheduler();
       const booked = await scheduler.book(1, "2021-04-22 23:30", { idempotencyKey: "k", metadata: { room: 4 } });
       const retried = await scheduler.book(1, "2021-04-22 23:30", { idempotencyKey: "k", metadata: { room: 4 } });
       const cancelled = await scheduler.cancel(1, booked.id, { reason: "ill" });
       console.log(JSON.stringify({
         wire: toWireAppointment(booked),
         sameId: retried.id === booked.id,
         cancelled: [cancelled.id === booked.id, cancelled.status, cancelled.version, cancelled.cancellationReason],
         kept: (await scheduler.get(1, booked.id)).status,
         metadata: booked.metadata,
         rootHasWireFormat: "toWireAppointment" in root || "formatWireTime" in root,
       }));`,
    );
    expect(JSON.parse(run("node", ["esm.mjs"], project))).toEqual({
      wire: { start_time: "2021-04-22 23:30", end_time: "2021-04-23 00:00" },
      sameId: true,
      cancelled: [true, "cancelled", 2, "ill"],
      kept: "cancelled",
      metadata: { room: 4 },
      rootHasWireFormat: false,
    });
  });

  it("books with `require` (CommonJS), and errors are typed, carrying the conflicting appointment", () => {
    writeFileSync(
      join(project, "cjs.cjs"),
      `const { createScheduler, LimitReachedError, isSchedulerError } = require("appointment-scheduler");
       const { toWireAppointment, HTTP_STATUS_BY_CODE } = require("appointment-scheduler/http");
       const scheduler = createScheduler();
       scheduler.book(1, "2021-04-22 11:30")
         .then(() => scheduler.book(1, "2021-04-22 15:00"))
         .catch((error) => console.log(JSON.stringify({
           typed: error instanceof LimitReachedError,
           code: error.code,
           narrowed: isSchedulerError(error, "LIMIT_REACHED"),
           conflicting: toWireAppointment(error.conflicting),
           status: error.conflicting.status,
           outcomeUnknown: HTTP_STATUS_BY_CODE.OUTCOME_UNKNOWN,
         })));`,
    );
    expect(JSON.parse(run("node", ["cjs.cjs"], project))).toEqual({
      typed: true,
      code: "LIMIT_REACHED",
      narrowed: true,
      conflicting: { start_time: "2021-04-22 11:30", end_time: "2021-04-22 12:00" },
      status: "booked",
      outcomeUnknown: 504,
    });
  });

  it("resolves every subpath from both module systems, and loads those without optional peers", () => {
    const subpaths = Object.keys(manifest.exports).filter((path) => path !== "./package.json" && path !== ".");
    // The test kit needs its optional peers (vitest, fast-check), which this consumer has not installed.
    const needsOptionalPeers = new Set(["./testing"]);
    for (const subpath of subpaths) {
      const specifier = JSON.stringify(`appointment-scheduler/${subpath.slice(2)}`);
      expect(run("node", ["-p", `require.resolve(${specifier})`], project)).toMatch(/\.cjs\n$/);
      expect(
        run("node", ["--input-type=module", "-e", `console.log(import.meta.resolve(${specifier}))`], project),
      ).toMatch(/\.js\n$/);
      if (needsOptionalPeers.has(subpath)) continue;
      run("node", ["-e", `require(${specifier})`], project);
      run("node", ["--input-type=module", "-e", `await import(${specifier})`], project);
    }
  });

  it("type-checks a TypeScript consumer against the published declarations", () => {
    writeFileSync(
      join(project, "consumer.ts"),
      `import {
         createScheduler,
         type Appointment,
         type AppointmentStore,
         type SchedulerError,
         isSchedulerError,
         MemoryStore,
       } from "appointment-scheduler";
       import { toWireAppointment, type WireAppointment } from "appointment-scheduler/http";
       const scheduler = createScheduler({
         timeZone: "Europe/London",
         policy: { limit: { max: 2, per: "week" }, allowOverlap: false },
         idempotencyRetention: { hours: 24 },
       });
       export async function first(): Promise<Appointment> {
         return scheduler.book("user-1", "2021-04-22 11:30", { idempotencyKey: "k", metadata: { room: "4b" } });
       }
       export async function wire(): Promise<WireAppointment> {
         const moved = await scheduler.reschedule("user-1", (await first()).id, "2021-04-23 09:00");
         return toWireAppointment(moved.previousTimes[0] ?? moved);
       }
       export function codeOf(error: unknown): SchedulerError["code"] | undefined {
         if (isSchedulerError(error, "OUTCOME_UNKNOWN")) return error.idempotencyKey === null ? error.code : undefined;
         return isSchedulerError(error) ? error.code : undefined;
       }
       // A store of contract v2: five methods.
       const memory = new MemoryStore();
       export const store: AppointmentStore = {
         write: (request) => memory.write(request),
         listAppointments: (userId, query) => memory.listAppointments(userId, query),
         getAppointment: (userId, id) => memory.getAppointment(userId, id),
         readChanges: (query) => memory.readChanges(query),
         purgeExpired: (nowMs) => memory.purgeExpired(nowMs),
       };
       // @ts-expect-error an unknown policy option is a type error
       createScheduler({ policy: { durationMinute: 30 } });
       // @ts-expect-error the wire form is the HTTP layer's: appointment-scheduler/http, not the core
       export { toWireAppointment as fromRoot } from "appointment-scheduler";`,
    );
    writeFileSync(
      join(project, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          module: "NodeNext",
          moduleResolution: "NodeNext",
          noEmit: true,
          target: "ES2022",
          skipLibCheck: false,
          types: [],
        },
        files: ["consumer.ts"],
      }),
    );
    run(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.json"], project);
  });
});
