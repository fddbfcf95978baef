/**
 * JSON values, as the caller's appointment metadata is kept: what `JSON.stringify` writes and `JSON.parse`
 * gives back unchanged.
 *
 * @module
 */

/** A JSON value: `null`, a boolean, a finite number, a string, an array or an object of them. */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | JsonObject;

/** A JSON object. */
export interface JsonObject {
  readonly [key: string]: JsonValue;
}
