// The remote worker as a deployable entry point (a container's CMD, a systemd unit on a GPU box):
// the same process as `updraft worker`, configured only by environment variables —
// UPDRAFT_SERVER, UPDRAFT_TOKEN (scope worker), UPDRAFT_WORKER_CONCURRENCY (cores),
// UPDRAFT_WORKER_QUEUES ("default"), UPDRAFT_WORKER_NAME (host-pid), UPDRAFT_HOME (bundle cache).
// Exit codes: 0 drained after SIGTERM, 1 stopped at once, 2 misconfigured or refused by the server.
import { loadConfig, loadSettingSources, runWorkerProcess } from "@updraft/cli";

try {
  await loadSettingSources();
  process.exitCode = await runWorkerProcess(loadConfig({}), {});
} catch (err) {
  const usage = err instanceof Error && err.name === "UsageError";
  console.error(`updraft worker: ${err instanceof Error ? (usage ? err.message : err.stack) : String(err)}`);
  process.exitCode = usage ? 2 : 1;
}
