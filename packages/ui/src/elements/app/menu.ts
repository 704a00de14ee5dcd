// <updraft-menu>: a menu button for the app's top bar (the Admin menu, the theme and user menus),
// following the WAI-ARIA menu button pattern: Enter, Space or ArrowDown opens it on its first
// item, ArrowUp on its last; arrows, Home and End move; Escape closes it and returns focus to
// the button; Tab, a click outside or a chosen item closes it.
import { html, css, nothing } from "lit";
import { property, query } from "lit/decorators.js";
import { UpdraftElement } from "../../shared/updraft-element.ts";
import { define } from "../../shared/define.ts";

const ITEM = '[role="menuitem"], [role="menuitemradio"], [role="menuitemcheckbox"]';

/**
 * `<updraft-menu label="Admin"><span slot="button">Admin</span><a role="menuitem" href="/admin/pools">Pools</a></updraft-menu>`
 * The `button` slot is the button's content; the default slot holds the items (elements with a
 * `menuitem*` role; anything else, such as a heading, is shown but skipped by the keyboard).
 * Parts: `button`, `popup`.
 */
export class UpdraftMenu extends UpdraftElement {
  static override styles = [
    ...UpdraftElement.styles,
    css`
      :host {
        display: inline-block;
        position: relative;
        color: inherit;
      }
      .trigger {
        display: inline-flex;
        align-items: center;
        gap: 6px;
        height: 32px;
        padding: 0 10px;
        border: 1px solid transparent;
        background: transparent;
        color: inherit;
        border-radius: var(--updraft-radius);
        font-weight: 500;
      }
      ::slotted([slot="button"]) {
        display: inline-flex;
        align-items: center;
      }
      .trigger:hover:not(:disabled),
      :host([open]) .trigger {
        background: var(--updraft-surface-2);
      }
      :host([current]) .trigger {
        color: var(--updraft-accent);
      }
      .popup {
        position: absolute;
        top: calc(100% + 6px);
        z-index: 50;
        min-width: 200px;
        padding: 4px;
        text-align: start;
        border: 1px solid var(--updraft-border);
        border-radius: calc(var(--updraft-radius) + 2px);
        background: var(--updraft-bg);
        box-shadow: 0 10px 30px rgb(16 24 40 / 18%), var(--updraft-shadow);
      }
      :host(:not([align="start"])) .popup {
        right: 0;
      }
      :host([align="start"]) .popup {
        left: 0;
      }
      .popup[hidden] {
        display: none;
      }
      ::slotted([role^="menuitem"]) {
        display: flex;
        align-items: center;
        gap: 8px;
        width: 100%;
        padding: 7px 10px;
        border: 0;
        border-radius: 4px;
        background: transparent;
        color: var(--updraft-text);
        font: inherit;
        text-align: left;
        text-decoration: none;
        cursor: pointer;
        white-space: nowrap;
      }
      ::slotted([role^="menuitem"]:hover),
      ::slotted([role^="menuitem"]:focus) {
        background: var(--updraft-surface-2);
        text-decoration: none;
        outline: none;
      }
      ::slotted([role^="menuitem"]:focus-visible) {
        outline: 2px solid var(--updraft-focus);
        outline-offset: -2px;
      }
      ::slotted([aria-current="page"]),
      ::slotted([aria-checked="true"]) {
        color: var(--updraft-accent);
        font-weight: 600;
      }
    `,
  ];

  /** The button's accessible name when its content is an icon. */
  @property() label = "";
  /** `end` (default) opens the popup under the button's right edge, `start` under its left. */
  @property({ reflect: true }) align: "start" | "end" = "end";
  /** Whether the popup shows. */
  @property({ type: Boolean, reflect: true }) open = false;
  /** Marks the button as leading to the current page (one of its items is). */
  @property({ type: Boolean, reflect: true }) current = false;

  @query(".trigger") private trigger!: HTMLButtonElement;
  @query("slot:not([name])") private itemsSlot!: HTMLSlotElement;
  readonly #popupId = `updraft-menu-${Math.random().toString(36).slice(2, 9)}`;

  #onDocPointer = (e: PointerEvent): void => {
    if (!e.composedPath().includes(this)) this.close(false);
  };

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener("pointerdown", this.#onDocPointer, true);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener("pointerdown", this.#onDocPointer, true);
  }

  /** The menu's items, in order. */
  get items(): HTMLElement[] {
    const slotted = this.itemsSlot?.assignedElements({ flatten: true }) ?? [];
    return slotted.flatMap((el) => (el.matches(ITEM) ? [el] : [...el.querySelectorAll(ITEM)])) as HTMLElement[];
  }

  /** Opens the popup and focuses an item (`first`, `last`, or none). */
  async show(focus: "first" | "last" | "none" = "first"): Promise<void> {
    this.open = true;
    await this.updateComplete;
    const items = this.items;
    const chosen = items.find((i) => i.getAttribute("aria-checked") === "true" || i.getAttribute("aria-current") === "page");
    const target = focus === "first" ? (chosen ?? items[0]) : focus === "last" ? items.at(-1) : undefined;
    target?.focus();
  }

  /** Closes the popup, returning focus to the button unless the user moved it elsewhere. */
  close(refocus = true): void {
    if (!this.open) return;
    this.open = false;
    if (refocus) this.trigger?.focus();
  }

  #onSlotChange(): void {
    for (const item of this.items) item.tabIndex = -1;
  }

  #onTriggerKey(e: KeyboardEvent): void {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      void this.show(e.key === "ArrowDown" ? "first" : "last");
    }
  }

  #onTriggerClick(): void {
    if (this.open) this.close();
    else void this.show("first");
  }

  #onPopupKey(e: KeyboardEvent): void {
    const items = this.items;
    const active = e.composedPath().find((n) => items.includes(n as HTMLElement)) as HTMLElement | undefined;
    const at = active ? items.indexOf(active) : -1;
    const move = (i: number) => {
      e.preventDefault();
      items[(i + items.length) % items.length]?.focus();
    };
    switch (e.key) {
      case "ArrowDown":
        return move(at + 1);
      case "ArrowUp":
        return move(at - 1);
      case "Home":
        return move(0);
      case "End":
        return move(items.length - 1);
      case "Escape":
        e.preventDefault();
        e.stopPropagation();
        return this.close();
      case "Tab":
        return this.close(false);
      case " ":
        // Space activates a link item as Enter does.
        if (active instanceof HTMLAnchorElement) {
          e.preventDefault();
          active.click();
        }
        return;
      default: {
        // Typing a letter moves to the next item that starts with it.
        if (e.key.length !== 1 || e.ctrlKey || e.metaKey || e.altKey) return;
        const k = e.key.toLowerCase();
        for (let n = 1; n <= items.length; n++) {
          const i = (at + n) % items.length;
          if (items[i]?.textContent?.trim().toLowerCase().startsWith(k)) return move(i);
        }
      }
    }
  }

  #onPopupClick(e: MouseEvent): void {
    // A chosen item closes the menu (after the app has routed the click).
    if (e.composedPath().some((n) => this.items.includes(n as HTMLElement))) queueMicrotask(() => this.close(false));
  }

  override render() {
    return html`<button class="trigger" part="button" type="button" aria-haspopup="menu" aria-expanded=${this.open ? "true" : "false"}
        aria-controls=${this.#popupId} aria-label=${this.label || nothing} @click=${this.#onTriggerClick} @keydown=${this.#onTriggerKey}>
        <slot name="button"></slot>
      </button>
      <div class="popup" part="popup" id=${this.#popupId} role="menu" aria-label=${this.label || nothing} ?hidden=${!this.open}
        @keydown=${this.#onPopupKey} @click=${this.#onPopupClick}>
        <slot @slotchange=${this.#onSlotChange}></slot>
      </div>`;
  }
}

define("updraft-menu", UpdraftMenu);
