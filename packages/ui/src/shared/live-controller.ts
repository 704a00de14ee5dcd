// A reactive controller that feeds an element the page's live events: it subscribes while the
// element is connected, hands each event to `apply`, and asks the element to render at most once
// per animation frame however many events arrive (the grid takes 1,000 changes a second).
import type { ReactiveController, ReactiveControllerHost } from "lit";
import type { LiveEvent } from "./event-stream.ts";
import type { UpdraftElement } from "./updraft-element.ts";

export interface LiveOptions {
  /** Applies one event to the element's data; return true when something visible changed. */
  apply(e: LiveEvent): boolean;
  /** Refetches after the stream was interrupted. */
  resync?(): void;
}

export class LiveController implements ReactiveController {
  readonly #host: ReactiveControllerHost & UpdraftElement;
  readonly #options: LiveOptions;
  #off: (() => void) | null = null;
  #frame = 0;

  constructor(host: ReactiveControllerHost & UpdraftElement, options: LiveOptions) {
    this.#host = host;
    this.#options = options;
    host.addController(this);
  }

  hostConnected(): void {
    // Subscribing waits a microtask so that context (the app's client) has arrived.
    queueMicrotask(() => {
      if (!this.#host.isConnected || this.#off) return;
      this.#off = this.#host.stream.subscribe({
        event: (e) => {
          if (this.#options.apply(e)) this.#schedule();
        },
        resync: () => this.#options.resync?.(),
      });
    });
  }

  hostDisconnected(): void {
    this.#off?.();
    this.#off = null;
    if (this.#frame) cancelAnimationFrame(this.#frame);
    this.#frame = 0;
  }

  #schedule(): void {
    if (this.#frame) return;
    this.#frame = requestAnimationFrame(() => {
      this.#frame = 0;
      this.#host.requestUpdate();
    });
  }
}
