// The all-in-one server as a deployable entry point (a container's CMD, a systemd unit):
// the same process as `updraft standalone`, configured by UPDRAFT_* environment variables (and a
// `.env` or `updraft.config.{json,yaml}` in its working folder, as the CLI reads them).
import { loadConfig, loadSettingSources, runServerProcess } from "@updraft/cli";

try {
  await loadSettingSources();
  process.exitCode = await runServerProcess(loadConfig({}), true);
} catch (err) {
  const usage = err instanceof Error && err.name === "UsageError";
  console.error(`updraft server: ${err instanceof Error ? (usage ? err.message : err.stack) : String(err)}`);
  process.exitCode = usage ? 2 : 1;
}
