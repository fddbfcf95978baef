/**
 * Keeps docs/errors.md and the error catalogue in step (as fastify does for its error docs): the test fails
 * when a code has no section, when the page documents a code that no longer exists, when a section names the
 * wrong class, when it lists a property the error does not carry, or when it gives another HTTP status than
 * the HTTP layer answers.
 */
import { readFileSync } from "node:fs";
import * as library from "appointment-scheduler";
import { ERROR_CODES } from "appointment-scheduler";
import { HTTP_STATUS_BY_CODE } from "appointment-scheduler/http";
import { describe, expect, it } from "vitest";
import { EXAMPLES } from "./error-examples.js";

const doc = readFileSync(new URL("../../docs/errors.md", import.meta.url), "utf8");

/** The page's sections, by the code in their `## \`CODE\`` heading. */
const sections = new Map<string, string>();
for (const [, code = "", body = ""] of doc.matchAll(/^## `([^`]+)`\n([\s\S]*?)(?=^## |(?![\s\S]))/gm)) {
  sections.set(code, body);
}
const codes = Object.keys(ERROR_CODES);
const exported = new Map<string, unknown>(Object.entries(library));

describe("docs/errors.md", () => {
  it("has a section for every code in ERROR_CODES", () => {
    const missing = codes.filter((code) => !sections.has(code));
    expect(missing, `codes without a section in docs/errors.md: ${missing.join(", ")}`).toEqual([]);
  });

  it("documents no code that does not exist", () => {
    const stale = [...sections.keys()].filter((code) => !(code in ERROR_CODES));
    expect(stale, `sections for unknown codes: ${stale.join(", ")}`).toEqual([]);
  });

  it("mentions no unknown code anywhere in its text", () => {
    const mentioned = [...doc.matchAll(/`([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)`/g)].map(([, code]) => code ?? "");
    const constants = ["ERROR_CODES", "HTTP_STATUS_BY_CODE"]; // the catalogues' names, not codes
    const unknown = mentioned.filter((code) => !constants.includes(code) && !(code in ERROR_CODES));
    expect(unknown).toEqual([]);
  });

  it("lists the codes in the catalogue's order", () => {
    expect([...sections.keys()]).toEqual(codes);
  });

  it.each(EXAMPLES)("%s: names its exported class", (code, error) => {
    const section = sections.get(code) ?? "";
    const className = /\*\*Class:\*\* `(\w+)`/.exec(section)?.[1];
    expect(className).toBe(error.constructor.name);
    expect(exported.get(className ?? "")).toBe(error.constructor);
  });

  it.each(EXAMPLES)("%s: every property it lists is carried by the error", (code, error) => {
    const section = sections.get(code) ?? "";
    const properties = /\*\*Properties:\*\*([^\n]*(?:\n(?!\n)[^\n]*)*)/.exec(section)?.[1] ?? "";
    expect(properties, `${code} has no Properties paragraph`).not.toBe("");
    for (const [, name = ""] of properties.matchAll(/`(\w+)`:/g)) {
      if (name === "cause") continue; // standard on Error; present when there is one
      expect(error, `${code} documents ${name}`).toHaveProperty(name);
    }
  });

  it.each(codes)("%s: gives the HTTP status of HTTP_STATUS_BY_CODE", (code) => {
    const status = /\*\*HTTP status:\*\* (\d{3})\b/.exec(sections.get(code) ?? "")?.[1];
    expect(Number(status), `${code} has no HTTP status line`).toBe(
      HTTP_STATUS_BY_CODE[code as keyof typeof HTTP_STATUS_BY_CODE],
    );
  });

  it.each([
    ["INVALID_DATETIME", "Appointments must be a valid datetime"],
    ["MISALIGNED_START", "Appointments must start on the hour or half hour"],
    ["LIMIT_REACHED", "User already has an appointment scheduled for this calendar date"],
  ])("%s: quotes the seed's message %j", (code, message) => {
    expect(sections.get(code)).toContain(`**Seed message:** \`${message}\``);
  });

  it("explains how to branch: instanceof, code and isSchedulerError", () => {
    expect(doc).toMatch(/^## How to branch$/m);
    for (const way of ["instanceof", "code", "isSchedulerError"]) expect(doc).toContain(`**\`${way}`);
    expect(doc).toContain('Symbol.for("appointment-scheduler.error")');
  });
});
