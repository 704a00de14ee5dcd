// Styles of `<updraft-app>`: the top bar, its menus, the breadcrumbs and the page frame.
import { css } from "lit";

export const appStyles = css`
  :host {
    background: var(--updraft-bg);
  }
  /* The page's own CSS may set the host's display (the shell does): the frame does the layout. */
  .frame {
    display: flex;
    flex-direction: column;
    min-height: 100vh;
    background: var(--updraft-bg);
  }
  .skip {
    position: absolute;
    left: 8px;
    top: -48px;
    z-index: 100;
    padding: 8px 12px;
    border-radius: var(--updraft-radius);
    background: var(--updraft-accent);
    color: var(--updraft-accent-text);
    font-weight: 600;
  }
  .skip:focus {
    top: 8px;
  }
  header {
    position: sticky;
    top: 0;
    z-index: 40;
    display: flex;
    align-items: center;
    gap: 4px;
    height: 52px;
    padding: 0 16px;
    border-bottom: 1px solid var(--updraft-border);
    background: color-mix(in srgb, var(--updraft-bg) 92%, transparent);
    backdrop-filter: blur(8px);
  }
  .brand {
    display: inline-flex;
    align-items: center;
    gap: 9px;
    margin-right: 18px;
    padding: 4px 6px 4px 2px;
    border-radius: var(--updraft-radius);
    color: var(--updraft-text);
    font-size: 16px;
    font-weight: 700;
    letter-spacing: -0.01em;
  }
  .brand:hover {
    text-decoration: none;
  }
  nav.main {
    display: flex;
    align-items: center;
    gap: 2px;
  }
  nav.main > a {
    display: inline-flex;
    align-items: center;
    height: 32px;
    padding: 0 10px;
    border-radius: var(--updraft-radius);
    color: inherit;
    font-weight: 500;
  }
  nav.main > a:hover {
    background: var(--updraft-surface-2);
    text-decoration: none;
  }
  nav.main > a[aria-current="page"],
  nav.main > a.current {
    color: var(--updraft-accent);
    background: color-mix(in srgb, var(--updraft-accent) 10%, transparent);
  }
  nav.main updraft-menu[current]::part(button) {
    background: color-mix(in srgb, var(--updraft-accent) 10%, transparent);
  }
  .spacer {
    flex: 1;
  }
  .live {
    display: inline-flex;
    align-items: center;
    gap: 6px;
    margin-right: 6px;
    padding: 3px 10px 3px 8px;
    border: 1px solid var(--updraft-border);
    border-radius: 999px;
    color: var(--updraft-text-muted);
    font-size: 12px;
    font-weight: 500;
    white-space: nowrap;
  }
  .live .dot {
    width: 8px;
    height: 8px;
    border-radius: 50%;
    background: var(--updraft-text-muted);
  }
  .live[data-status="live"] .dot {
    background: var(--updraft-state-success);
    box-shadow: 0 0 0 3px color-mix(in srgb, var(--updraft-state-success) 25%, transparent);
  }
  .live[data-status="reconnecting"] .dot,
  .live[data-status="connecting"] .dot {
    background: var(--updraft-state-up_for_retry);
    animation: pulse 1.2s ease-in-out infinite;
  }
  @keyframes pulse {
    50% {
      opacity: 0.3;
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .live .dot {
      animation: none !important;
    }
  }
  /* Menu items live in this shadow root (slotted into <updraft-menu>), so they are styled here. */
  updraft-menu > [role^="menuitem"] {
    display: flex;
    align-items: center;
    gap: 10px;
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
  updraft-menu > [role^="menuitem"]:hover,
  updraft-menu > [role^="menuitem"]:focus {
    background: var(--updraft-surface-2);
    text-decoration: none;
    outline: none;
  }
  updraft-menu > [role^="menuitem"]:focus-visible {
    outline: 2px solid var(--updraft-focus);
    outline-offset: -2px;
  }
  updraft-menu > [role="menuitem"][aria-current="page"] {
    color: var(--updraft-accent);
    font-weight: 600;
  }
  updraft-menu > [aria-disabled="true"] {
    cursor: default;
    color: var(--updraft-text-muted);
  }
  updraft-menu > [aria-disabled="true"]:hover {
    background: transparent;
  }
  .menu-item-icon {
    display: inline-flex;
    width: 16px;
    justify-content: center;
    color: var(--updraft-text-muted);
  }
  [role="menuitemradio"] .check {
    margin-left: auto;
    display: inline-flex;
    color: var(--updraft-accent);
  }
  [role="menuitemradio"][aria-checked="false"] .check {
    visibility: hidden;
  }
  .avatar {
    display: inline-grid;
    place-items: center;
    width: 24px;
    height: 24px;
    border-radius: 50%;
    background: color-mix(in srgb, var(--updraft-accent) 18%, var(--updraft-bg));
    color: var(--updraft-accent);
    font-size: 12px;
    font-weight: 700;
    text-transform: uppercase;
    line-height: 1;
  }
  .avatar .icon {
    display: block;
    width: 14px;
    height: 14px;
  }
  .avatar[data-initial]::before {
    content: attr(data-initial);
  }
  .who {
    padding: 8px 10px 10px;
    margin-bottom: 4px;
    border-bottom: 1px solid var(--updraft-border);
    display: grid;
    gap: 4px;
    min-width: 220px;
  }
  .who strong {
    font-size: 14px;
  }
  .scope {
    justify-self: start;
    padding: 0 8px;
    border-radius: 999px;
    background: var(--updraft-surface-2);
    color: var(--updraft-text-muted);
    font-size: 11px;
    font-weight: 600;
    line-height: 18px;
    text-transform: uppercase;
    letter-spacing: 0.04em;
  }
  .menu-heading {
    display: block;
    padding: 6px 10px 4px;
    color: var(--updraft-text-muted);
    font-size: 11px;
    font-weight: 600;
    text-transform: uppercase;
    letter-spacing: 0.05em;
  }
  .crumbs {
    display: flex;
    align-items: center;
    min-height: 40px;
    padding: 0 24px;
    border-bottom: 1px solid var(--updraft-border);
    background: var(--updraft-surface);
    font-size: 13px;
  }
  .crumbs ol {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 6px;
    margin: 0;
    padding: 0;
    list-style: none;
    min-width: 0;
  }
  .crumbs li {
    display: inline-flex;
    align-items: center;
    gap: 6px;
    min-width: 0;
  }
  .crumbs li + li::before {
    content: "›";
    color: var(--updraft-text-muted);
  }
  .crumbs a {
    color: var(--updraft-text-muted);
  }
  .crumbs a:hover {
    color: var(--updraft-accent);
  }
  .crumbs [aria-current="page"] {
    color: var(--updraft-text);
    font-weight: 600;
  }
  .crumbs .kind {
    color: var(--updraft-text-muted);
    font-weight: 400;
  }
  .crumbs .id {
    max-width: 42ch;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    font-family: var(--updraft-font-mono);
    font-size: 12px;
  }
  main {
    flex: 1;
    min-width: 0;
    padding: 20px 24px 32px;
  }
  main:focus {
    outline: none;
  }
  main.flush {
    display: flex;
    flex-direction: column;
    padding: 0;
  }
  main.flush > updraft-login {
    flex: 1;
  }
  .center {
    display: grid;
    place-items: center;
    gap: 12px;
    min-height: 60vh;
    text-align: center;
  }
  .center h1 {
    margin: 0;
    font-size: 22px;
  }
  .center p {
    margin: 0;
  }
  .spinner {
    width: 28px;
    height: 28px;
    border: 3px solid var(--updraft-surface-2);
    border-top-color: var(--updraft-accent);
    border-radius: 50%;
    animation: spin 0.8s linear infinite;
  }
  @keyframes spin {
    to {
      transform: rotate(360deg);
    }
  }
  .missing {
    padding: 24px;
    border: 1px dashed var(--updraft-border);
    border-radius: var(--updraft-radius);
    text-align: center;
  }
  @media (max-width: 900px) {
    .live .label {
      display: none;
    }
    .user-name {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip: rect(0 0 0 0);
      white-space: nowrap;
    }
    header {
      padding: 0 8px;
    }
    .brand {
      margin-right: 6px;
    }
    main {
      padding: 16px 12px 24px;
    }
    .crumbs {
      padding: 0 12px;
    }
  }
`;
