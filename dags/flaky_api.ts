// Retries: the call fails on its first two tries (as a flaky API would) and succeeds on the
// third. Each retry waits longer: 2s, then 4s (exponential backoff, capped by maxRetryDelay).
import { dag, task, FailTask } from "@updraft/sdk";

export default dag(
  { id: "flaky_api", schedule: "*/30 * * * *", startDate: "2026-01-01", isPausedUponCreation: false, params: { endpoint: "https://api.example.com/v1/orders" }, tags: ["example"], description: "A task that succeeds on its third try." },
  () => {
    const call = task(
      { id: "call_api", retries: 3, retryDelay: "2s", retryExponentialBackoff: true, maxRetryDelay: "10s", executionTimeout: "30s" },
      async (ctx) => {
        if (!ctx.params.endpoint) throw new FailTask("no endpoint configured: retrying cannot help");
        if (ctx.tryNumber < 3) throw new Error(`503 Service Unavailable (try ${ctx.tryNumber})`);
        await new Promise((resolve) => setTimeout(resolve, 200));
        return { status: 200, try: ctx.tryNumber };
      },
    );
    call();
  },
);
