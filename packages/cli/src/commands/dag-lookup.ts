// Finds a DAG by id after parsing the DAGs folder; when it is missing, explains why with the
// import errors of the files that could have defined it (those that mention its id).
import { readFile } from "node:fs/promises";
import { discoverDagFiles, displayPath, type DagProcessor, type FileResult } from "@updraft/scheduler";
import { UsageError } from "../errors.ts";

/**
 * Parses the files that mention the DAG's id first, and the whole folder only when none of them
 * defines it: a slow or broken file elsewhere does not hold up `dags test`.
 */
export async function parseAndFind(processor: DagProcessor, dagId: string, dagsFolder: string): Promise<FileResult[]> {
  const mentions: FileResult[] = [];
  for (const file of await discoverDagFiles(dagsFolder)) {
    if ((await readFile(file, "utf8")).includes(dagId)) mentions.push(await processor.processFile(file));
  }
  if (mentions.some((r) => r.dagIds.includes(dagId))) return mentions;
  const results = await processor.processAll();
  if (results.some((r) => r.dagIds.includes(dagId))) return results;
  const failed = results.filter((r) => r.error);
  const suspects: FileResult[] = [];
  for (const f of failed) {
    const text = await readFile(f.file, "utf8").catch(() => "");
    if (text.includes(dagId)) suspects.push(f);
  }
  if (suspects.length) throw new UsageError(suspects.map((s) => `dag "${dagId}" does not load: ${s.error}`).join("\n"));
  const others = failed.length ? `\n(files that failed to load: ${failed.map((f) => displayPath(f.file)).join(", ")}; see \`updraft dags list-import-errors\`)` : "";
  throw new UsageError(`dag "${dagId}" is not defined in any file of ${dagsFolder}${others}`);
}
