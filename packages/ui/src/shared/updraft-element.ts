// The base of every Updraft element: the `api-base`, `token` and `theme` attributes, the page's
// shared API client (from context when an app provides one, else made on demand), and links
// through the app's navigator when there is one.
import { LitElement } from "lit";
import { property } from "lit/decorators.js";
import { ContextConsumer } from "@lit/context";
import { clientFor, type ApiClient } from "./api-client.ts";
import { clientContext, navigatorContext, themeContext, type Route } from "./context.ts";
import { streamFor, type EventStream } from "./event-stream.ts";
import { baseStyles } from "./theme.ts";

export class UpdraftElement extends LitElement {
  static override styles = baseStyles;

  /** Base URL of the Updraft server; without it, this page's origin. */
  @property({ attribute: "api-base", reflect: true }) apiBase = "";
  /** A bearer token (e.g. a read-only portal token); without it, the session cookie. */
  @property({ reflect: false }) token = "";
  /** `light` or `dark`; without it, the system's preference. */
  @property({ reflect: true }) theme: "light" | "dark" | "" = "";

  readonly #clientCtx = new ContextConsumer(this, { context: clientContext, subscribe: true });
  readonly #navCtx = new ContextConsumer(this, { context: navigatorContext, subscribe: true });
  // Tokens are set on each element's own :host, so a nested element does not inherit the app's
  // theme through CSS: it takes it from context instead, unless the page gave it a theme itself.
  #themeInherited = false;
  readonly #themeCtx = new ContextConsumer(this, {
    context: themeContext,
    subscribe: true,
    callback: (theme) => {
      if (this.theme && !this.#themeInherited) return;
      this.#themeInherited = true;
      this.theme = theme;
    },
  });

  /** The API client: the app's when this element sits inside one and has no credentials of its own. */
  get client(): ApiClient {
    if (!this.apiBase && !this.token && this.#clientCtx.value) return this.#clientCtx.value;
    return clientFor(this.apiBase, this.token);
  }

  /** The page's one event stream for this element's credentials. */
  get stream(): EventStream {
    return streamFor(this.client);
  }

  /** A link to a place in the app, or null when this element is alone in a page (no app to route). */
  href(route: Route): string | null {
    return this.#navCtx.value?.href(route) ?? null;
  }

  /** Asks whoever hosts the element to show a place (the app routes it; a portal may listen). */
  navigate(route: Route): void {
    this.dispatchEvent(new CustomEvent("updraft-navigate", { detail: route, bubbles: true, composed: true }));
  }
}
