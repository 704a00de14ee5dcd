// Branching: a full reload on Mondays, an incremental load on other days. The task after the
// branches uses `none_failed_min_one_success`, so it runs whichever branch was taken.
import { dag, task, branch, shortCircuit, chain } from "@updraft/sdk";

export default dag(
  { id: "branching", schedule: "0 6 * * *", startDate: "2026-01-01", isPausedUponCreation: false, tags: ["example"], description: "Pick a load strategy by weekday." },
  () => {
    const pick = branch("pick_strategy", (ctx) => (ctx.logicalDate.getUTCDay() === 1 ? "full_load" : "delta_load"));
    const full = task("full_load", (ctx) => `reloaded everything for ${ctx.ds}`);
    const delta = task("delta_load", (ctx) => `loaded changes since ${ctx.dataIntervalStart.toISOString()}`);
    const report = task({ id: "report", triggerRule: "none_failed_min_one_success" }, (ctx) => ctx.log.info("load finished"));
    const hasSubscribers = shortCircuit("has_subscribers", (ctx) => ctx.params.notify !== false);
    const email = task("email_report", (ctx) => ctx.log.info("sending the report"));

    const p = pick();
    const loads = [full(), delta()];
    chain(p, loads);
    chain(report().after(loads), hasSubscribers(), email());
  },
);
