// Python's `str()` of a JSON value, as Airflow's API writes an XCom's `value` when it stringifies
// it (the default): `{'rows': 3, 'ok': True}`, so clients that `ast.literal_eval` it keep working.
import type { Json } from "@updraft/sdk";

function pyStringRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === "\\" || ch === quote) out += `\\${ch}`;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, "0")}`;
    else out += ch;
  }
  return out + quote;
}

function pyNumber(n: number): string {
  // Python writes exponents with at least two digits: 1e-07, 1.5e+300.
  return String(n).replace(/e([+-])(\d)$/, "e$10$2");
}

/** Python's `repr()` of the value. */
export function pythonRepr(v: Json): string {
  if (v === null) return "None";
  if (typeof v === "boolean") return v ? "True" : "False";
  if (typeof v === "number") return pyNumber(v);
  if (typeof v === "string") return pyStringRepr(v);
  if (Array.isArray(v)) return `[${v.map(pythonRepr).join(", ")}]`;
  return `{${Object.entries(v).map(([k, x]) => `${pyStringRepr(k)}: ${pythonRepr(x)}`).join(", ")}}`;
}

/**
 * Python's `str()` of the value: a string as itself, anything else as its repr.
 * @example pythonStr({ a: [1, null] }) // "{'a': [1, None]}"
 */
export function pythonStr(v: Json): string {
  return typeof v === "string" ? v : pythonRepr(v);
}
