/**
 * Every TypeScript sample in the ledger's docs runs as written: each ```ts block is written to a module of
 * its own and imported, as a user pasting it into an ES module would run it.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it, vi } from "vitest";

const DOCS = ["README.md", "docs/appointments.md", "docs/idempotency.md", "docs/change-feed.md"];
const root = new URL("../../", import.meta.url);
const scratch = new URL("./.samples/", import.meta.url);

/** The ```ts blocks of a Markdown file, with the line each starts on. */
function samples(path: string): { line: number; code: string }[] {
  const text = readFileSync(new URL(path, root), "utf8");
  return [...text.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((match) => ({
    line: text.slice(0, match.index).split("\n").length,
    code: match[1] ?? "",
  }));
}

describe.each(DOCS)("%s", (path) => {
  const blocks = samples(path);
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it("has samples", () => {
    expect(blocks.length).toBeGreaterThan(0);
  });

  it.each(blocks)("the sample at line $line runs", async ({ line, code }) => {
    mkdirSync(scratch, { recursive: true });
    const file = new URL(`${path.replaceAll(/[/.]/g, "-")}-${line}.ts`, scratch);
    writeFileSync(file, code);
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    try {
      await import(fileURLToPath(file));
    } finally {
      log.mockRestore();
    }
  });
});
