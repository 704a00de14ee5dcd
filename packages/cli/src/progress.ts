// Progress of a run in the terminal: one live line redrawn in place on a TTY, plain lines (one
// per task-instance change) when the output is piped, as CI logs want.
import type { SchedulerEvent } from "@updraft/scheduler";

const ORDER = ["running", "queued", "scheduled", "up_for_retry", "up_for_reschedule", "success", "failed", "upstream_failed", "skipped"] as const;

export class RunProgress {
  private readonly out: NodeJS.WriteStream;
  private readonly live: boolean;
  private readonly states = new Map<string, string>();
  private lastDraw = 0;
  private drawn = false;

  constructor(out: NodeJS.WriteStream = process.stderr) {
    this.out = out;
    this.live = Boolean(out.isTTY) && process.env.CI !== "true";
  }

  /** Follows task-instance changes of one run. */
  update(e: SchedulerEvent): void {
    if (e.type !== "task") return;
    const name = e.mapIndex >= 0 ? `${e.taskId}[${e.mapIndex}]` : e.taskId;
    this.states.set(name, e.state);
    if (!this.live) {
      if (e.state !== "scheduled" && e.state !== "queued" && e.state !== "none") this.out.write(`${new Date(e.at).toISOString()} ${name} ${e.state}${e.tryNumber > 1 ? ` (try ${e.tryNumber})` : ""}\n`);
      return;
    }
    const now = Date.now();
    if (now - this.lastDraw < 80) return;
    this.lastDraw = now;
    this.draw();
  }

  summary(): string {
    const counts = new Map<string, number>();
    for (const s of this.states.values()) counts.set(s, (counts.get(s) ?? 0) + 1);
    return ORDER.filter((s) => counts.get(s)).map((s) => `${counts.get(s)} ${s}`).join(" · ");
  }

  private draw(): void {
    const running = [...this.states].filter(([, s]) => s === "running").map(([n]) => n);
    const shown = running.slice(0, 3).join(", ") + (running.length > 3 ? ` +${running.length - 3}` : "");
    const line = `${this.summary()}${shown ? `  ▶ ${shown}` : ""}`;
    const width = this.out.columns ?? 100;
    this.out.write(`\r\x1b[2K${line.slice(0, width - 1)}`);
    this.drawn = true;
  }

  /** Clears the live line (call before printing anything else). */
  end(): void {
    if (this.live && this.drawn) this.out.write("\r\x1b[2K");
  }
}
