// Python's truth test, for the places where Airflow decides on a user's value with `if value:`
// (a short circuit's result, a sensor's poke result). JavaScript's rules differ: `[]` and `{}`
// are truthy there, falsy in Python.

/**
 * True when Python would take `value` as true: `null`/`undefined`, `false`, `0` (and `-0`, `0n`),
 * `""`, an empty array, an empty plain object, and an empty Map or Set are false; everything
 * else (NaN included, as Python's `float("nan")`) is true.
 * @example isTruthy([]) // false
 * @example isTruthy({ rows: 0 }) // true
 */
export function isTruthy(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  switch (typeof value) {
    case "boolean":
      return value;
    case "number":
      return value !== 0;
    case "bigint":
      return value !== 0n;
    case "string":
      return value.length > 0;
    case "object":
      if (Array.isArray(value)) return value.length > 0;
      if (value instanceof Map || value instanceof Set) return value.size > 0;
      if (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null) {
        return Object.keys(value).length > 0;
      }
      return true; // a class instance, a Date…: Python objects without __bool__/__len__ are true
    default:
      return true; // functions, symbols
  }
}
