// <updraft-app>: the full dashboard at `/`, built from the same elements a portal embeds. It
// provides the page's one API client, its navigator and its theme to every element through
// context, routes deep links with the History API, signs the user in (session cookie) and out,
// and frames the views with a top bar and breadcrumbs.
import { html, nothing, type PropertyValues, type TemplateResult } from "lit";
import { state } from "lit/decorators.js";
import { ifDefined } from "lit/directives/if-defined.js";
import { ContextProvider } from "@lit/context";
import { UpdraftElement } from "../../shared/updraft-element.ts";
import { ApiProblem, type ApiClient } from "../../shared/api-client.ts";
import { clientContext, navigatorContext, themeContext, type Route } from "../../shared/context.ts";
import type { StreamStatus } from "../../shared/event-stream.ts";
import { forgetWhoAmI, whoAmI, type Me } from "../../shared/principal.ts";
import { define } from "../../shared/define.ts";
import { ADMIN_LABELS, ADMIN_PAGES, parseLocation, routeHref, routeTitle, type AppRoute } from "./router.ts";
import { appStyles } from "./app-styles.ts";
import { checkIcon, chevronDown, keyIcon, logoMark, logoutIcon, moonIcon, sunIcon, systemIcon } from "./icons.ts";
import { loadThemePreference, saveThemePreference, THEME_CHOICES, type ThemePreference } from "./theme-preference.ts";
import { loadView, viewTag } from "./views.ts";
import "./menu.ts";
import "./login.ts";

type Auth = { state: "checking" } | { state: "in"; me: Me } | { state: "out"; notice?: string } | { state: "error"; message: string };

const LIVE_LABELS: Record<StreamStatus, string> = { live: "Live", connecting: "Connecting…", reconnecting: "Reconnecting…", closed: "Offline" };

/**
 * `<updraft-app></updraft-app>`: the whole UI, as the server's page at `/` shows it. With an
 * `api-base` and a `token` it runs against another server without signing in (for development).
 * Listens for `updraft-navigate` (detail: a `Route`) from any element inside it.
 * Parts: `header`, `nav`, `breadcrumbs`, `main`.
 */
export class UpdraftApp extends UpdraftElement {
  static override styles = [...UpdraftElement.styles, appStyles];

  @state() private route: AppRoute = { view: "home" };
  @state() private auth: Auth = { state: "checking" };
  @state() private live: StreamStatus = "closed";
  @state() private themePref: ThemePreference = "system";
  @state() private viewError = "";

  readonly #clientProvider = new ContextProvider(this, { context: clientContext });
  readonly #navigatorProvider = new ContextProvider(this, { context: navigatorContext, initialValue: { href: (r: Route) => routeHref(r) } });
  readonly #themeProvider = new ContextProvider(this, { context: themeContext, initialValue: "" });
  #offStatus: (() => void) | null = null;
  #watched: ApiClient | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    this.themePref = loadThemePreference();
    this.#applyTheme();
    this.route = this.#fromLocation();
    window.addEventListener("popstate", this.#onPopState);
    this.addEventListener("click", this.#onClick);
    this.addEventListener("updraft-navigate", this.#onNavigate as EventListener);
    this.addEventListener("updraft-login", this.#onLogin);
    void this.#checkAuth();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener("popstate", this.#onPopState);
    this.removeEventListener("click", this.#onClick);
    this.removeEventListener("updraft-navigate", this.#onNavigate as EventListener);
    this.removeEventListener("updraft-login", this.#onLogin);
    this.#offStatus?.();
    this.#offStatus = null;
    this.#watched = null;
  }

  override willUpdate(changed: PropertyValues): void {
    // The app's own credentials (none: the session cookie) are every element's.
    const client = this.client;
    if (this.#clientProvider.value !== client) this.#clientProvider.setValue(client);
    if (this.#watched !== client) {
      this.#offStatus?.();
      const offStream = this.stream.onStatus((s) => this.#onStreamStatus(s));
      const offUnauthorized = client.onUnauthorized(() => this.#recheck());
      this.#offStatus = () => {
        offStream();
        offUnauthorized();
      };
      this.#watched = client;
    }
    if (changed.has("route")) {
      document.title = routeTitle(this.route);
      // The view's module loads beside the sign-in check, not after it.
      const tag = viewTag(this.route);
      this.viewError = "";
      if (tag) {
        loadView(tag).catch((err: unknown) => {
          if (viewTag(this.route) === tag) this.viewError = (err as Error).message || `could not load <${tag}>`;
        });
      }
    }
  }

  // ── sign-in ────────────────────────────────────────────────────────────────────────────────────

  async #checkAuth(): Promise<void> {
    try {
      const me = await whoAmI(this.client);
      this.auth = { state: "in", me };
      if (this.route.view === "login") this.#go(this.route.next ?? "/", { replace: true });
    } catch (err) {
      if (err instanceof ApiProblem && err.status === 401) {
        this.#signedOut();
      } else {
        this.auth = { state: "error", message: (err as Error).message || "The server did not answer." };
      }
    }
  }

  /** Shows the login form at `/login?next=<the page asked for>`. */
  #signedOut(notice?: string): void {
    this.auth = notice ? { state: "out", notice } : { state: "out" };
    if (this.route.view !== "login") {
      const next = location.pathname + location.search;
      this.#go(next === "/" ? "/login" : routeHref({ view: "login", next }), { replace: true });
    }
  }

  #onLogin = (): void => {
    forgetWhoAmI(this.client);
    this.auth = { state: "checking" };
    void this.#checkAuth();
  };

  async #logout(): Promise<void> {
    try {
      await this.client.post<void>("/api/updraft/auth/logout");
    } catch {
      // the session may already be gone; sign out here anyway
    }
    forgetWhoAmI(this.client);
    this.auth = { state: "out" };
    this.#go("/login");
  }

  #onStreamStatus(s: StreamStatus): void {
    const was = this.live;
    this.live = s;
    // A stream that drops may mean the session ended.
    if (s === "reconnecting" && was === "live") this.#recheck();
  }

  #rechecking = false;
  /** After a 401 or a dropped stream: asks who we are again, and shows the form if the session ended. */
  #recheck(): void {
    if (this.auth.state !== "in" || this.#rechecking) return;
    this.#rechecking = true;
    forgetWhoAmI(this.client);
    void whoAmI(this.client)
      .then(
        (me) => {
          if (this.auth.state === "in") this.auth = { state: "in", me };
        },
        (err: unknown) => {
          if (err instanceof ApiProblem && err.status === 401) this.#signedOut("Your session ended. Sign in again to carry on.");
        },
      )
      .finally(() => (this.#rechecking = false));
  }

  // ── routing ────────────────────────────────────────────────────────────────────────────────────

  #fromLocation(): AppRoute {
    return parseLocation(location.pathname, location.search);
  }

  /** Shows a place: pushes (or replaces) a history entry and renders it. */
  #go(to: AppRoute | string, options: { replace?: boolean } = {}): void {
    const url = typeof to === "string" ? to : routeHref(to);
    const before = this.route;
    if (url !== location.pathname + location.search) {
      if (options.replace) history.replaceState(null, "", url);
      else history.pushState(null, "", url);
    }
    this.route = this.#fromLocation();
    if (this.route.view === "login" && this.auth.state === "in") {
      this.#go(this.route.next ?? "/", { replace: true });
      return;
    }
    if (!options.replace && pageChanged(before, this.route)) {
      window.scrollTo({ top: 0 });
      void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>("main")?.focus({ preventScroll: true }));
    }
  }

  #onPopState = (): void => {
    this.route = this.#fromLocation();
    if (this.auth.state === "out" && this.route.view !== "login") this.#signedOut();
  };

  #onNavigate = (e: CustomEvent<Route>): void => {
    if (!e.detail || typeof e.detail !== "object") return;
    e.stopPropagation();
    this.#go(e.detail);
  };

  /** Links inside any element's shadow root move within the app instead of loading a page. */
  #onClick = (e: MouseEvent): void => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const a = e.composedPath().find((n): n is HTMLAnchorElement => n instanceof HTMLAnchorElement && n.hasAttribute("href"));
    if (!a || (a.target && a.target !== "_self") || a.hasAttribute("download")) return;
    const raw = a.getAttribute("href") ?? "";
    if (raw.startsWith("#")) return;
    const url = new URL(a.href, location.href);
    if (url.origin !== location.origin) return;
    if (parseLocation(url.pathname, url.search).view === "not-found") return;
    e.preventDefault();
    this.#go(url.pathname + url.search);
  };

  #skipToMain(e: Event): void {
    e.preventDefault();
    this.renderRoot.querySelector<HTMLElement>("main")?.focus();
  }

  // ── theme ──────────────────────────────────────────────────────────────────────────────────────

  #setTheme(pref: ThemePreference): void {
    this.themePref = pref;
    saveThemePreference(pref);
    this.#applyTheme();
  }

  #applyTheme(): void {
    const theme = this.themePref === "system" ? "" : this.themePref;
    this.theme = theme;
    this.#themeProvider.setValue(theme);
    // The page around the app (its scrollbars, the body's background) follows too.
    document.documentElement.style.colorScheme = theme || "light dark";
  }

  // ── rendering ──────────────────────────────────────────────────────────────────────────────────

  override render() {
    void this.#navigatorProvider;
    const auth = this.auth;
    if (auth.state === "checking") return html`<div class="center" role="status" aria-live="polite"><div class="spinner"></div><span class="visually-hidden">Loading</span></div>`;
    if (auth.state === "error") return this.#serverError(auth.message);
    if (auth.state === "out" || this.route.view === "login") {
      return html`<div class="frame"><main class="flush" part="main"><updraft-login notice=${auth.state === "out" ? (auth.notice ?? "") : ""}></updraft-login></main></div>`;
    }
    const me = auth.me;
    return html`<div class="frame">
      ${this.#header(me)}
      ${this.#breadcrumbs()}
      <main id="main" part="main" tabindex="-1">${this.viewError ? this.#loadFailed() : this.#view(me)}</main>
    </div>`;
  }

  #serverError(message: string): TemplateResult {
    return html`<div class="center" role="alert">
      ${logoMark(40)}
      <h1>Updraft is not answering</h1>
      <p class="muted">${message}</p>
      <button class="primary" @click=${() => { this.auth = { state: "checking" }; void this.#checkAuth(); }}>Try again</button>
    </div>`;
  }

  #header(me: Me): TemplateResult {
    const r = this.route;
    const current = (view: string) => (r.view === view || (view === "dags" && r.view === "dag") ? "page" : nothing);
    const adminOpen = r.view === "admin";
    return html`<header part="header">
      <a class="skip" href="#main" @click=${this.#skipToMain}>Skip to content</a>
      <a class="brand" href="/" aria-label="Updraft home">${logoMark(26)}<span>Updraft</span></a>
      <nav class="main" part="nav" aria-label="Main">
        <a href="/" aria-current=${current("home")}>Home</a>
        <a href="/dags" aria-current=${current("dags")}>DAGs</a>
        <a href="/workers" aria-current=${current("workers")}>Workers</a>
        ${canAdminister(me)
          ? html`<updraft-menu label="Admin" align="start" ?current=${adminOpen}>
              <span slot="button">Admin</span><span slot="button">${chevronDown()}</span>
              ${ADMIN_PAGES.map((page) => html`<a role="menuitem" href=${routeHref({ view: "admin", page })}
                aria-current=${adminOpen && r.view === "admin" && r.page === page ? "page" : nothing}>${ADMIN_LABELS[page]}</a>`)}
            </updraft-menu>`
          : nothing}
      </nav>
      <span class="spacer"></span>
      ${this.live === "closed"
        ? html`<span role="status" class="visually-hidden"></span>`
        : html`<span class="live" data-status=${this.live} role="status" title="Live updates: ${LIVE_LABELS[this.live]}">
            <span class="dot" aria-hidden="true"></span><span class="label">${LIVE_LABELS[this.live]}</span></span>`}
      ${this.#themeMenu()}
      ${this.#userMenu(me)}
    </header>`;
  }

  #themeMenu(): TemplateResult {
    const icons = { light: sunIcon, dark: moonIcon, system: systemIcon } as const;
    const shown = this.themePref;
    return html`<updraft-menu label="Theme: ${shown}">
      <span slot="button">${icons[shown]()}</span>
      <span class="menu-heading" role="none">Theme</span>
      ${THEME_CHOICES.map((c) => html`<button role="menuitemradio" aria-checked=${c.value === shown ? "true" : "false"} @click=${() => this.#setTheme(c.value)}>
        <span class="menu-item-icon">${icons[c.value]()}</span>${c.label}<span class="check">${checkIcon()}</span></button>`)}
    </updraft-menu>`;
  }

  #userMenu(me: Me): TemplateResult {
    const who = displayName(me);
    const cookieSession = !this.token;
    // The initial is drawn by CSS so that the button's visible text is the name its label carries.
    return html`<updraft-menu label="Account: ${who}">
      <span slot="button" class="avatar" aria-hidden="true" data-initial=${me.name.startsWith("token:") ? "" : who.slice(0, 1)}>${me.name.startsWith("token:") ? keyIcon() : nothing}</span>
      <span slot="button" class="user-name">${who}</span>
      <span slot="button">${chevronDown()}</span>
      <div class="who" role="none">
        <strong>${who}</strong>
        <span class="scope">${me.scope}</span>
        ${me.dags ? html`<span class="muted">DAGs: ${me.dags.join(", ")}</span>` : nothing}
      </div>
      ${cookieSession
        ? html`<button role="menuitem" @click=${() => void this.#logout()}><span class="menu-item-icon">${logoutIcon()}</span>Log out</button>`
        : html`<span role="menuitem" aria-disabled="true"><span class="menu-item-icon">${keyIcon()}</span>Signed in with a token</span>`}
    </updraft-menu>`;
  }

  #breadcrumbs(): TemplateResult | typeof nothing {
    const r = this.route;
    if (r.view !== "dag") return nothing;
    const tab = r.tab ?? "grid";
    const crumbs: TemplateResult[] = [html`<a href="/dags">DAGs</a>`];
    const last = !r.runId && !r.taskId;
    crumbs.push(last
      ? html`<span class="id" aria-current="page">${r.dagId}</span>`
      : html`<a class="id" href=${routeHref({ view: "dag", dagId: r.dagId, tab })}>${r.dagId}</a>`);
    if (r.runId) {
      crumbs.push(r.taskId
        ? html`<span class="kind">Run</span><a class="id" href=${routeHref({ view: "dag", dagId: r.dagId, tab, runId: r.runId })} title=${r.runId}>${r.runId}</a>`
        : html`<span class="kind">Run</span><span class="id" aria-current="page" title=${r.runId}>${r.runId}</span>`);
    }
    if (r.taskId) {
      const name = r.mapIndex !== undefined ? `${r.taskId} [${r.mapIndex}]` : r.taskId;
      crumbs.push(html`<span class="kind">Task</span><span class="id" aria-current="page" title=${name}>${name}</span>`);
    }
    return html`<nav class="crumbs" part="breadcrumbs" aria-label="Breadcrumb"><ol>${crumbs.map((c) => html`<li>${c}</li>`)}</ol></nav>`;
  }

  #view(me: Me): TemplateResult {
    const r = this.route;
    switch (r.view) {
      case "home":
        return html`<updraft-home></updraft-home>`;
      case "dags":
        return html`<updraft-dags></updraft-dags>`;
      case "dag":
        return html`<updraft-dag dag-id=${r.dagId} tab=${r.tab ?? "grid"} run-id=${r.runId ?? ""} task-id=${r.taskId ?? ""}
          map-index=${ifDefined(r.taskId ? r.mapIndex : undefined)}></updraft-dag>`;
      case "workers":
        return html`<updraft-workers></updraft-workers>`;
      case "admin": {
        if (r.page !== "workers" && !canAdminister(me)) return this.#notAllowed();
        switch (r.page) {
          case "variables":
            return html`<updraft-variables></updraft-variables>`;
          case "connections":
            return html`<updraft-connections></updraft-connections>`;
          case "pools":
            return html`<updraft-pools></updraft-pools>`;
          case "import-errors":
            return html`<updraft-import-errors></updraft-import-errors>`;
          case "event-log":
            return html`<updraft-event-log></updraft-event-log>`;
          case "workers":
            return html`<updraft-workers></updraft-workers>`;
          default: {
            const never: never = r.page;
            throw new Error(`unknown admin page ${String(never)}`);
          }
        }
      }
      case "login":
        return html``;
      case "not-found":
        return html`<div class="center"><div>
          <h1>Page not found</h1>
          <p class="muted">Nothing lives at <code>${r.path}</code>.</p>
          <p><a href="/dags">Go to the DAGs</a></p>
        </div></div>`;
      default: {
        const never: never = r;
        throw new Error(`unknown view ${JSON.stringify(never)}`);
      }
    }
  }

  #loadFailed(): TemplateResult {
    return html`<div class="center" role="alert"><div>
      <h1>This view did not load</h1>
      <p class="muted">${this.viewError}. The server may have been updated since this page opened.</p>
      <p><button class="primary" @click=${() => location.reload()}>Reload the page</button></p>
    </div></div>`;
  }

  #notAllowed(): TemplateResult {
    return html`<div class="center"><div>
      <h1>Not available with these credentials</h1>
      <p class="muted">This page needs credentials that are not restricted to some DAGs.</p>
      <p><a href="/dags">Go to the DAGs</a></p>
    </div></div>`;
  }
}

/** Whether the admin pages are of use to these credentials (a token restricted to some DAGs sees none of them). */
function canAdminister(me: Me): boolean {
  return me.dags === null && me.scope !== "worker";
}

/** `user:ada` → `ada`; `token:3` → `token #3`. */
function displayName(me: Me): string {
  const [kind, ...rest] = me.name.split(":");
  const id = rest.join(":");
  if (kind === "user" && id) return id;
  if (kind === "token" && id) return `token #${id}`;
  return me.name;
}

/** Whether two places are different pages (not just another tab, run or task of the same DAG). */
function pageChanged(a: AppRoute, b: AppRoute): boolean {
  if (a.view !== b.view) return true;
  if (a.view === "dag" && b.view === "dag") return a.dagId !== b.dagId;
  return routeHref(a) !== routeHref(b);
}

define("updraft-app", UpdraftApp);
