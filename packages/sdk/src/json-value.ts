// What counts as a JSON value in a DAG definition: what can be stored in the serialized DAG.

/** A JSON value: what task arguments, results, params and XComs are made of. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * True for null, strings, booleans, finite numbers, and arrays and plain objects of them.
 * @example isJsonValue({ a: [1, "x", null] }) // true
 * @example isJsonValue(new Date()) // false
 */
export function isJsonValue(value: unknown): boolean {
  if (value === null || typeof value === "string" || typeof value === "boolean") return true;
  if (typeof value === "number") return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(isJsonValue);
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.values(value as object).every(isJsonValue);
  }
  return false;
}
