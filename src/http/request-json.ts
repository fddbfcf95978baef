/**
 * The JSON bodies the API accepts, parsed and checked field by field, so that a body of the wrong shape is a
 * 400 that names the field, never a scheduler error about an argument the client did not write. Fields the
 * API does not read are ignored, as the seed ignored them.
 *
 * @module
 */
import type { JsonObject } from "../model/json.js";
import type { ResourceChoiceOptions } from "../scheduler/operation-options.js";
import { HttpRequestError } from "./http-request-error.js";

/** `POST /api/appointments/:userId`. */
export interface BookingBody {
  readonly appointment: string;
  readonly resource?: string | ResourceChoiceOptions;
  readonly type?: string;
  readonly metadata?: JsonObject;
}

/** `POST /api/appointments/:userId/holds`: a booking's fields and how long to hold. */
export interface HoldBody extends BookingBody {
  /** An ISO 8601 duration, `PT5M`. */
  readonly ttl?: string;
}

const BOOKING_EXAMPLE = '{"appointment": "2021-04-22 11:30"}';

/**
 * A booking's body: a JSON object whose `appointment` is a string, and optionally `resource` (an id, or
 * `{"anyOf": [ids], "order": "given" | "least-booked"}`), `type` and `metadata` (an object).
 *
 * @throws 400 `INVALID_JSON` for text that is not JSON, 400 `INVALID_BODY` for JSON of another shape.
 */
export function readBookingBody(text: string): BookingBody {
  return bookingFields(readJsonObject(text, BOOKING_EXAMPLE));
}

/** A hold's body: a booking's, and optionally `ttl`, an ISO 8601 duration (`"PT10M"`). */
export function readHoldBody(text: string): HoldBody {
  const json = readJsonObject(text, BOOKING_EXAMPLE);
  const ttl = optionalString(field(json, "ttl"), "ttl");
  const booking = bookingFields(json);
  return ttl === undefined ? booking : { ...booking, ttl };
}

function bookingFields(json: object): BookingBody {
  const appointment = field(json, "appointment");
  if (typeof appointment !== "string") {
    throw invalidBody(`Request body must be a JSON object with a string "appointment", such as ${BOOKING_EXAMPLE}`);
  }
  const resource = resourceField(field(json, "resource"));
  const type = optionalString(field(json, "type"), "type");
  const metadata = field(json, "metadata");
  // The seed's body, and the one most requests send: nothing more to build.
  if (resource === undefined && type === undefined && metadata === undefined) return { appointment };
  if (metadata !== undefined && (typeof metadata !== "object" || metadata === null || Array.isArray(metadata))) {
    throw invalidBody('"metadata" must be a JSON object');
  }
  return {
    appointment,
    ...(resource === undefined ? {} : { resource }),
    ...(type === undefined ? {} : { type }),
    ...(metadata === undefined ? {} : { metadata: metadata as JsonObject }),
  };
}

/** A move's body: `{"appointment": "<new start>"}`. */
export function readRescheduleBody(text: string): string {
  return readBookingBody(text).appointment;
}

/** A cancellation's body, which is optional: nothing, or `{"reason": "…"}`. */
export function readCancelBody(text: string): { reason?: string } {
  if (text === "") return {};
  const reason = optionalString(field(readJsonObject(text, '{"reason": "Feeling better"}'), "reason"), "reason");
  return reason === undefined ? {} : { reason };
}

/** `text` as a JSON object. */
function readJsonObject(text: string, example: string): object {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new HttpRequestError("INVALID_JSON", "Request body must be valid JSON", { cause });
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw invalidBody(`Request body must be a JSON object, such as ${example}`);
  }
  return json;
}

/** The body's own field `name`: never one inherited from `Object.prototype` (`{"__proto__": {…}}`). */
function field(json: object, name: string): unknown {
  return Object.hasOwn(json, name) ? (json as Record<string, unknown>)[name] : undefined;
}

function resourceField(value: unknown): string | ResourceChoiceOptions | undefined {
  if (value === undefined || typeof value === "string") return value;
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    const { anyOf, order } = value as { anyOf?: unknown; order?: unknown };
    if (Array.isArray(anyOf) && anyOf.every((id) => typeof id === "string")) {
      if (order === undefined) return { anyOf };
      if (order === "given" || order === "least-booked") return { anyOf, order };
    }
  }
  throw invalidBody(
    '"resource" must be a resource id, or {"anyOf": ["<id>", …]} with an optional "order" of "given" or "least-booked"',
  );
}

function optionalString(value: unknown, name: string): string | undefined {
  if (value === undefined || typeof value === "string") return value;
  throw invalidBody(`"${name}" must be a string`);
}

function invalidBody(message: string): HttpRequestError {
  return new HttpRequestError("INVALID_BODY", message);
}
