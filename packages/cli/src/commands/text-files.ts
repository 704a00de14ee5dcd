// Reading an import file and writing an export file for the admin commands (connections,
// variables, pools): `-` is standard input or output; an export is readable by its owner only,
// since it may hold passwords or secret values. Errors name the file and the reason.
import { readFile, writeFile } from "node:fs/promises";
import { UsageError } from "../errors.ts";

/**
 * The text of `file` (`-`: standard input).
 * @example const text = await readText("variables.json");
 */
export async function readText(file: string): Promise<string> {
  try {
    if (file !== "-") return await readFile(file, "utf8");
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
    return Buffer.concat(chunks).toString("utf8");
  } catch (err) {
    throw new UsageError(`cannot read "${file}": ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
}

/**
 * Writes `text` to `file` with mode 0600 (`-`: standard output).
 * @example await writeText("connections.json", text);
 */
export async function writeText(file: string, text: string): Promise<void> {
  if (file === "-") {
    process.stdout.write(text);
    return;
  }
  try {
    await writeFile(file, text, { mode: 0o600 });
  } catch (err) {
    throw new UsageError(`cannot write "${file}": ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
}

/**
 * Parses the JSON of an import file, naming the file when it is not JSON.
 * @example const doc = parseJsonFile(await readText(file), file);
 */
export function parseJsonFile(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UsageError(`"${file}": not valid JSON (${(err as Error).message})`, { cause: err });
  }
}
