// The all-in-one server as a deployable entry point (a container's CMD, a systemd unit):
// the same process as `updraft standalone`, configured only by UPDRAFT_* environment variables.
import { loadConfig, runServerProcess } from "@updraft/cli";

process.exitCode = await runServerProcess(loadConfig({}), true);
