// <updraft-login>: the app's sign-in form. A user signs in with a name and password (a user of
// `updraft users create`) or pastes an API token; either way the server answers with an HttpOnly
// session cookie, so no secret stays in the page.
import { html, css, nothing } from "lit";
import { property, state } from "lit/decorators.js";
import { UpdraftElement } from "../../shared/updraft-element.ts";
import { ApiProblem } from "../../shared/api-client.ts";
import { define } from "../../shared/define.ts";
import { keyIcon, logoMark, userIcon } from "./icons.ts";

/**
 * `<updraft-login></updraft-login>` posts to `/api/updraft/auth/login` and fires `updraft-login`
 * (bubbling, composed) once the session cookie is set.
 * Parts: `card`, `form`, `error`, `submit`.
 */
export class UpdraftLogin extends UpdraftElement {
  static override styles = [
    ...UpdraftElement.styles,
    css`
      :host {
        display: grid;
        place-items: center;
        min-height: 100%;
        padding: 48px 16px;
        background:
          radial-gradient(1200px 500px at 50% -10%, color-mix(in srgb, var(--updraft-accent) 16%, transparent), transparent 70%),
          var(--updraft-surface);
      }
      .card {
        width: min(400px, 100%);
        padding: 32px 32px 24px;
        border: 1px solid var(--updraft-border);
        border-radius: 12px;
        background: var(--updraft-bg);
        box-shadow: 0 20px 50px rgb(16 24 40 / 12%), var(--updraft-shadow);
      }
      .brand {
        display: flex;
        align-items: center;
        gap: 10px;
        margin-bottom: 24px;
        font-size: 20px;
        font-weight: 700;
        letter-spacing: -0.01em;
      }
      h1 {
        margin: 0 0 4px;
        font-size: 18px;
        font-weight: 600;
      }
      .lead {
        margin: 0 0 20px;
      }
      form {
        display: grid;
        gap: 14px;
      }
      label {
        display: grid;
        gap: 6px;
        font-weight: 500;
        font-size: 13px;
      }
      input,
      textarea {
        width: 100%;
        padding: 8px 10px;
        font-size: 14px;
      }
      textarea {
        font-family: var(--updraft-font-mono);
        font-size: 13px;
        resize: vertical;
        min-height: 72px;
        word-break: break-all;
      }
      input:focus-visible,
      textarea:focus-visible {
        outline: 2px solid var(--updraft-focus);
        outline-offset: 0;
        border-color: var(--updraft-focus);
      }
      button.primary {
        height: 38px;
        font-weight: 600;
        margin-top: 4px;
      }
      .error {
        display: flex;
        gap: 8px;
        padding: 8px 10px;
        border: 1px solid color-mix(in srgb, var(--updraft-danger) 45%, transparent);
        border-radius: var(--updraft-radius);
        background: color-mix(in srgb, var(--updraft-danger) 10%, transparent);
        font-size: 13px;
      }
      .switch {
        display: flex;
        align-items: center;
        justify-content: center;
        gap: 6px;
        width: 100%;
        margin-top: 16px;
        padding: 8px;
        border: 0;
        border-top: 1px solid var(--updraft-border);
        border-radius: 0;
        background: transparent;
        color: var(--updraft-accent);
        font-weight: 500;
      }
      .switch:hover:not(:disabled) {
        background: transparent;
        text-decoration: underline;
      }
      .hint {
        margin: 0;
        font-size: 12px;
      }
      code {
        font-family: var(--updraft-font-mono);
        font-size: 12px;
        padding: 1px 4px;
        border-radius: 4px;
        background: var(--updraft-surface-2);
        white-space: nowrap;
      }
    `,
  ];

  /** `password` (a user's name and password) or `token` (a pasted API token). */
  @property({ reflect: true }) mode: "password" | "token" = "password";
  /** A message shown above the form, e.g. that the session ended. */
  @property() notice = "";

  @state() private busy = false;
  @state() private error = "";

  async #submit(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const form = new FormData(e.target as HTMLFormElement);
    const body = this.mode === "token"
      ? { token: String(form.get("token") ?? "").trim() }
      : { username: String(form.get("username") ?? "").trim(), password: String(form.get("password") ?? "") };
    this.busy = true;
    this.error = "";
    try {
      await this.client.post<void>("/api/updraft/auth/login", body);
      this.dispatchEvent(new CustomEvent("updraft-login", { bubbles: true, composed: true }));
    } catch (err) {
      this.error = err instanceof ApiProblem && err.status === 404
        ? "This server does not offer sign-in: it has no /api/updraft/auth/login."
        : err instanceof ApiProblem
          ? sentence(err.message) || "Those credentials are not valid."
          : "Could not reach the server.";
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLInputElement>(this.mode === "token" ? "textarea" : "input[name=password]")?.select();
    } finally {
      this.busy = false;
    }
  }

  async #switch(): Promise<void> {
    this.mode = this.mode === "token" ? "password" : "token";
    this.error = "";
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>("input, textarea")?.focus();
  }

  override firstUpdated(): void {
    this.renderRoot.querySelector<HTMLElement>("input, textarea")?.focus();
  }

  override render() {
    const token = this.mode === "token";
    return html`<div class="card" part="card">
      <div class="brand">${logoMark(30)}<span>Updraft</span></div>
      <h1>${token ? "Sign in with an API token" : "Sign in"}</h1>
      <p class="lead muted">${this.notice || (token ? html`Paste a token made with <code>updraft tokens create</code>.` : "Welcome back. Sign in to your Updraft server.")}</p>
      <form part="form" @submit=${this.#submit} aria-describedby=${this.error ? "login-error" : nothing}>
        ${this.error ? html`<div class="error" id="login-error" part="error" role="alert">${this.error}</div>` : nothing}
        ${token
          ? html`<label>API token
              <textarea name="token" required autocomplete="off" spellcheck="false" placeholder="updr_…" ?disabled=${this.busy}></textarea>
            </label>`
          : html`<label>Username
                <input name="username" required autocomplete="username" autocapitalize="none" spellcheck="false" ?disabled=${this.busy} />
              </label>
              <label>Password
                <input name="password" type="password" required autocomplete="current-password" ?disabled=${this.busy} />
              </label>`}
        <button class="primary" part="submit" type="submit" ?disabled=${this.busy}>${this.busy ? "Signing in…" : "Sign in"}</button>
        ${token ? html`<p class="hint muted">The token is exchanged for a session cookie; the page keeps no copy of it.</p>` : nothing}
      </form>
      <button class="switch" type="button" @click=${this.#switch}>
        ${token ? html`${userIcon()} Use a username and password instead` : html`${keyIcon()} Paste a token instead`}
      </button>
    </div>`;
  }
}

/** The server's problem detail as a sentence: "wrong user name or password" → "Wrong user name or password." */
function sentence(s: string): string {
  const t = s.trim();
  if (!t) return "";
  return `${t[0]!.toUpperCase()}${t.slice(1)}${/[.!?]$/.test(t) ? "" : "."}`;
}

define("updraft-login", UpdraftLogin);
