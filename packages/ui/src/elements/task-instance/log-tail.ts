// Reads a try's log through Airflow's log route (GET …/taskInstances/{task_id}/logs/{try} with its
// `token` continuation) and, while the try runs, tails it: the next chunk is asked for at once
// while chunks come full, then every second, or sooner when `poke()` says the instance changed.
// Once the try has ended, one last read drains what is left and tailing stops.
import type { ReactiveController, ReactiveControllerHost } from "lit";
import { seg, type ApiClient } from "../../shared/api-client.ts";
import { LogLines } from "./log-lines.ts";

/** Which try's log. */
export interface LogTarget {
  dagId: string;
  runId: string;
  taskId: string;
  mapIndex: number;
  tryNumber: number;
}

const POLL_MS = 1_000;
const CAUGHT_UP_CHARS = 256 * 1024;

export type TailStatus = "idle" | "loading" | "tailing" | "done" | "error";

/** Keeps `lines` filled with the log of `target`, following it while `live` is true. */
export class LogTail implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  readonly #client: () => ApiClient;
  #target: LogTarget | null = null;
  #key = "";
  #token: string | undefined;
  #live = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #abort: AbortController | null = null;
  #running = false;
  #again = false;
  #connected = false;

  lines = new LogLines();
  status: TailStatus = "idle";
  error = "";
  /** Called after new lines arrived (the view keeps its filter and scroll in step). */
  onLines: ((added: number) => void) | null = null;

  constructor(host: ReactiveControllerHost, client: () => ApiClient) {
    this.#host = host;
    this.#client = client;
    host.addController(this);
  }

  /** Points the tail at a try (a different one starts over) and says whether it may still grow. */
  set(target: LogTarget | null, live: boolean): void {
    const key = target ? JSON.stringify(target) : "";
    const wasLive = this.#live;
    this.#live = live;
    if (key !== this.#key) {
      this.#key = key;
      this.#target = target;
      this.#reset();
      if (target) this.#read();
      return;
    }
    // The try just ended: read what is left once more.
    if (wasLive && !live) this.poke();
  }

  /** Reads again now (a `task` event for this instance arrived). */
  poke(): void {
    if (!this.#target) return;
    clearTimeout(this.#timer);
    this.#read();
  }

  hostConnected(): void {
    this.#connected = true;
    if (this.#target && this.status !== "done") this.#read();
  }

  hostDisconnected(): void {
    this.#connected = false;
    clearTimeout(this.#timer);
    this.#abort?.abort();
  }

  #reset(): void {
    clearTimeout(this.#timer);
    this.#abort?.abort();
    this.#abort = null;
    this.#running = false;
    this.#again = false;
    this.#token = undefined;
    this.lines = new LogLines();
    this.status = this.#target ? "loading" : "idle";
    this.error = "";
    this.#host.requestUpdate();
  }

  #read(): void {
    if (!this.#connected) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    void this.#loop();
  }

  async #loop(): Promise<void> {
    const target = this.#target;
    if (!target) return;
    const key = this.#key;
    this.#running = true;
    const abort = new AbortController();
    this.#abort = abort;
    try {
      // Read chunk after chunk while there is more; a full log of many megabytes comes in 1 MB steps.
      for (;;) {
        this.#again = false;
        const path = `/api/v1/dags/${seg(target.dagId)}/dagRuns/${seg(target.runId)}/taskInstances/${seg(target.taskId)}/logs/${target.tryNumber}`;
        const res = await this.#client().get<{ content: string; continuation_token: string }>(
          path, { map_index: target.mapIndex === -1 ? undefined : target.mapIndex, token: this.#token }, abort.signal,
        );
        if (key !== this.#key) return;
        this.#token = res.continuation_token;
        const added = this.lines.append(res.content);
        if (added > 0) this.onLines?.(added);
        // A chunk well under the server's 1 MB step means the end of the file as it is now.
        if (res.content.length < CAUGHT_UP_CHARS && !this.#again) break;
      }
      if (this.#live) {
        this.status = "tailing";
        this.#timer = setTimeout(() => this.#read(), POLL_MS);
      } else {
        const before = this.lines.length;
        this.lines.end();
        if (this.lines.length > before) this.onLines?.(this.lines.length - before);
        this.status = "done";
      }
    } catch (err) {
      if (abort.signal.aborted || key !== this.#key) return;
      this.status = "error";
      this.error = (err as Error).message;
      if (this.#live) this.#timer = setTimeout(() => this.#read(), POLL_MS * 3);
    } finally {
      if (key === this.#key) {
        this.#running = false;
        this.#host.requestUpdate();
      }
    }
  }
}
