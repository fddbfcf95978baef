/**
 * The caller's metadata on a booking: a small JSON object (a reason for the visit, an appointment type's
 * name, a reference in another system) that the scheduler keeps with the appointment and never reads.
 *
 * @module
 */
import { InvalidArgumentError } from "../errors/scheduler-errors.js";
import type { JsonObject, JsonValue } from "../model/json.js";

/** The largest metadata accepted, as UTF-8 bytes of its JSON text. */
export const MAX_METADATA_BYTES = 4096;
/** The deepest nesting of objects and arrays accepted. */
const MAX_DEPTH = 8;

const ARGUMENT = "options.metadata";

/**
 * A plain, frozen copy of `value` that JSON keeps exactly, or `null` for none: objects, arrays, strings
 * (well-formed Unicode, no NUL), finite numbers, booleans and `null`, at most 8 levels deep and 4 KiB as
 * JSON.
 *
 * @throws InvalidArgumentError naming `options.metadata`.
 */
export function metadataOf(value: unknown): JsonObject | null {
  if (value === undefined || value === null) return null;
  let copy: JsonValue;
  try {
    // Inside the try: `Array.isArray` throws on a revoked Proxy.
    if (typeof value !== "object" || Array.isArray(value)) {
      throw new InvalidArgumentError(ARGUMENT, "metadata must be a JSON object");
    }
    copy = jsonCopy(value, 0);
  } catch (cause) {
    if (cause instanceof InvalidArgumentError) throw cause;
    throw new InvalidArgumentError(ARGUMENT, "metadata could not be read", { cause });
  }
  if (Buffer.byteLength(JSON.stringify(copy)) > MAX_METADATA_BYTES) {
    throw new InvalidArgumentError(ARGUMENT, `metadata must be at most ${MAX_METADATA_BYTES} bytes as JSON`);
  }
  return copy as JsonObject;
}

/** The JSON text of metadata with object keys sorted: equal for equal metadata, whatever the key order. */
export function canonicalJson(value: JsonValue | null): string {
  if (typeof value !== "object" || value === null) return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.keys(value)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as JsonObject)[key] as JsonValue)}`);
  return `{${entries.join(",")}}`;
}

function jsonCopy(value: unknown, depth: number): JsonValue {
  if (value === null || typeof value === "boolean") return value;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new InvalidArgumentError(ARGUMENT, "metadata numbers must be finite");
    return value;
  }
  if (typeof value === "string") return wellFormed(value);
  if (typeof value !== "object") {
    throw new InvalidArgumentError(ARGUMENT, `metadata cannot hold a ${typeof value}: only JSON values`);
  }
  if (depth >= MAX_DEPTH) throw new InvalidArgumentError(ARGUMENT, `metadata must nest at most ${MAX_DEPTH} levels`);
  if (Array.isArray(value)) return Object.freeze(value.map((item) => jsonCopy(item, depth + 1)));
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) {
    throw new InvalidArgumentError(ARGUMENT, "metadata objects must be plain objects");
  }
  const copy: Record<string, JsonValue> = {};
  for (const key of Object.keys(value)) {
    // Defined, not assigned: a key named `__proto__` is data in JSON, not the object's prototype.
    Object.defineProperty(copy, wellFormed(key), {
      value: jsonCopy((value as Record<string, unknown>)[key], depth + 1),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return Object.freeze(copy);
}

function wellFormed(text: string): string {
  // A lone surrogate cannot be stored as UTF-8 (PostgreSQL's jsonb replaces it), nor a NUL in jsonb at all:
  // refuse them here, so that metadata means the same in every store.
  if (!text.isWellFormed() || text.includes("\u0000")) {
    throw new InvalidArgumentError(ARGUMENT, "metadata strings must be well-formed Unicode without NUL");
  }
  return text;
}
