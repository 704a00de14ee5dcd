// One live event stream per page and credentials: `/api/updraft/events` read with fetch (so it can
// carry the bearer header, which EventSource cannot), shared by every element through `streamFor`.
// Elements apply events as they arrive; after a reconnect each subscriber is told to resync, since
// events sent while the stream was down are gone.
import { fetchEventSource } from "@microsoft/fetch-event-source";
import type { ApiClient } from "./api-client.ts";

/** A run changed state. */
export interface RunEvent { type: "run"; dag_id: string; run_id: string; state: string; at?: string; snapshot?: boolean }
/** A task instance changed state (a new try, a retry, an end). */
export interface TaskEvent {
  type: "task"; dag_id: string; run_id: string; task_id: string; map_index: number; state: string | null;
  try_number: number; hostname: string | null; at?: string; snapshot?: boolean;
}
/** A remote worker joined, left, was lost, reconnected or drains. */
export interface WorkerEvent { type: "worker"; event: string; worker: Record<string, unknown>; at: string }
export type LiveEvent = RunEvent | TaskEvent | WorkerEvent;

/** What a subscriber gets: each event, and a call to refetch after the stream was interrupted. */
export interface StreamListener {
  event(e: LiveEvent): void;
  resync?(): void;
}

export type StreamStatus = "connecting" | "live" | "reconnecting" | "closed";

const RETRY_MIN_MS = 1_000;
const RETRY_MAX_MS = 30_000;

/** The page's shared connection to the event stream; it opens with the first subscriber and closes with the last. */
export class EventStream {
  readonly #client: ApiClient;
  readonly #listeners = new Set<StreamListener>();
  readonly #statusListeners = new Set<(s: StreamStatus) => void>();
  #abort: AbortController | null = null;
  #status: StreamStatus = "closed";
  #everOpened = false;
  #retryMs = RETRY_MIN_MS;

  constructor(client: ApiClient) {
    this.#client = client;
  }

  get status(): StreamStatus {
    return this.#status;
  }

  /** Adds a listener; returns the call that removes it. */
  subscribe(listener: StreamListener): () => void {
    this.#listeners.add(listener);
    if (!this.#abort) this.#open();
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) this.#close();
    };
  }

  /** Follows the connection's status (for a "live" indicator). */
  onStatus(listener: (s: StreamStatus) => void): () => void {
    this.#statusListeners.add(listener);
    listener(this.#status);
    return () => this.#statusListeners.delete(listener);
  }

  #setStatus(s: StreamStatus): void {
    this.#status = s;
    for (const l of this.#statusListeners) l(s);
  }

  #open(): void {
    const abort = new AbortController();
    this.#abort = abort;
    this.#setStatus(this.#everOpened ? "reconnecting" : "connecting");
    const url = this.#client.url("/api/updraft/events");
    void fetchEventSource(url, {
      headers: this.#client.headers({ accept: "text/event-stream" }),
      credentials: this.#client.credentials,
      signal: abort.signal,
      openWhenHidden: true,
      onopen: async (res) => {
        if (!res.ok) throw new Error(`event stream: ${res.status}`);
        const reopened = this.#everOpened;
        this.#everOpened = true;
        this.#retryMs = RETRY_MIN_MS;
        this.#setStatus("live");
        if (reopened) for (const l of this.#listeners) l.resync?.();
      },
      onmessage: (msg) => {
        if (!msg.data) return;
        let e: LiveEvent;
        try {
          e = JSON.parse(msg.data) as LiveEvent;
        } catch {
          return;
        }
        if ((e as { type?: string }).type === "overflow") {
          // The server dropped us for falling behind: reconnect and resync.
          throw new Error("event stream: fell behind");
        }
        for (const l of this.#listeners) l.event(e);
      },
      onclose: () => {
        throw new Error("event stream closed by the server");
      },
      onerror: () => {
        if (abort.signal.aborted) throw new Error("closed");
        this.#setStatus("reconnecting");
        const wait = this.#retryMs;
        this.#retryMs = Math.min(RETRY_MAX_MS, this.#retryMs * 2);
        return wait;
      },
    }).catch(() => {
      if (this.#abort === abort) {
        this.#abort = null;
        this.#setStatus("closed");
      }
    });
  }

  #close(): void {
    this.#abort?.abort();
    this.#abort = null;
    this.#setStatus("closed");
  }
}

const streams = new WeakMap<ApiClient, EventStream>();

/** The page's one stream for these credentials. */
export function streamFor(client: ApiClient): EventStream {
  let s = streams.get(client);
  if (!s) {
    s = new EventStream(client);
    streams.set(client, s);
  }
  return s;
}
