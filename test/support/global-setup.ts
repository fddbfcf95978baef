/**
 * Runs once before all test files: initialises one empty PGlite data directory (several seconds of
 * `initdb`) that every example started by a test copies instead of initialising its own.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** An initialised, empty PGlite data directory to copy for a fresh `DATA_DIR`. */
    pgliteTemplate: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const template = mkdtempSync(join(tmpdir(), "appointment-scheduler-template-"));
  const db = await PGlite.create(template);
  await db.close();
  project.provide("pgliteTemplate", template);
  return () => rmSync(template, { recursive: true, force: true });
}
