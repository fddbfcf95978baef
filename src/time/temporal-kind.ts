/**
 * Recognises Temporal objects by their `Symbol.toStringTag`, not by `instanceof`: the caller's objects may
 * come from another copy of the polyfill, or from a native `Temporal`, and all of them are welcome.
 *
 * @module
 */

/** The Temporal types the library reads. */
export type TemporalKind = "Instant" | "ZonedDateTime" | "PlainDateTime" | "PlainDate";

const KINDS: ReadonlySet<string> = new Set(["Instant", "ZonedDateTime", "PlainDateTime", "PlainDate"]);

/**
 * The Temporal type of `value`, or `undefined` when it is not one of {@link TemporalKind}. Never throws: a
 * value whose tag cannot be read (a revoked `Proxy`, a throwing getter) is no Temporal object.
 */
export function temporalKind(value: unknown): TemporalKind | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  let tag: unknown;
  try {
    tag = (value as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag];
  } catch {
    return undefined;
  }
  if (typeof tag !== "string" || !tag.startsWith("Temporal.")) return undefined;
  const kind = tag.slice("Temporal.".length);
  return KINDS.has(kind) ? (kind as TemporalKind) : undefined;
}
