// The app's icons: small inline SVGs drawn in currentColor (no icon font, nothing to fetch).
import { svg, html, type TemplateResult } from "lit";

const icon = (body: ReturnType<typeof svg>, size = 16): TemplateResult =>
  html`<svg class="icon" viewBox="0 0 16 16" width=${size} height=${size} aria-hidden="true" focusable="false">${body}</svg>`;

/** Updraft's mark: a rising chevron over a gust of air, in the accent colour. */
export const logoMark = (size = 24): TemplateResult =>
  html`<svg class="logo-mark" viewBox="0 0 24 24" width=${size} height=${size} aria-hidden="true" focusable="false">
    <rect width="24" height="24" rx="6" fill="var(--updraft-accent)" />
    <path d="M7 12.5l5-5 5 5" fill="none" stroke="var(--updraft-accent-text)" stroke-width="2.4" stroke-linecap="round" stroke-linejoin="round" />
    <path d="M6 17c2-1.3 4-1.3 6 0s4 1.3 6 0" fill="none" stroke="var(--updraft-accent-text)" stroke-width="1.8" stroke-linecap="round" opacity=".75" />
  </svg>`;

export const chevronDown = (): TemplateResult =>
  icon(svg`<path d="M4 6l4 4 4-4" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round" stroke-linejoin="round"/>`, 12);

export const sunIcon = (): TemplateResult =>
  icon(svg`<circle cx="8" cy="8" r="3" fill="none" stroke="currentColor" stroke-width="1.5"/><path d="M8 1.5v1.6M8 12.9v1.6M1.5 8h1.6M12.9 8h1.6M3.4 3.4l1.1 1.1M11.5 11.5l1.1 1.1M3.4 12.6l1.1-1.1M11.5 4.5l1.1-1.1" stroke="currentColor" stroke-width="1.5" stroke-linecap="round"/>`);

export const moonIcon = (): TemplateResult =>
  icon(svg`<path d="M13.5 9.6A5.8 5.8 0 0 1 6.4 2.5a5.8 5.8 0 1 0 7.1 7.1z" fill="none" stroke="currentColor" stroke-width="1.5" stroke-linejoin="round"/>`);

export const systemIcon = (): TemplateResult =>
  icon(svg`<rect x="1.8" y="2.5" width="12.4" height="8.5" rx="1.3" fill="none" stroke="currentColor" stroke-width="1.5"/><path d="M5.5 13.8h5M8 11v2.8" stroke="currentColor" stroke-width="1.5" stroke-linecap="round"/>`);

export const checkIcon = (): TemplateResult =>
  icon(svg`<path d="M3.5 8.5l3 3 6-7" fill="none" stroke="currentColor" stroke-width="1.7" stroke-linecap="round" stroke-linejoin="round"/>`, 14);

export const logoutIcon = (): TemplateResult =>
  icon(svg`<path d="M6 2.5H3.5a1 1 0 0 0-1 1v9a1 1 0 0 0 1 1H6M10.5 11l3-3-3-3M13.5 8H6" fill="none" stroke="currentColor" stroke-width="1.5" stroke-linecap="round" stroke-linejoin="round"/>`);

export const keyIcon = (): TemplateResult =>
  icon(svg`<circle cx="5.5" cy="10.5" r="3" fill="none" stroke="currentColor" stroke-width="1.5"/><path d="M7.7 8.3L13.5 2.5M11.5 4.5l1.8 1.8M10 6l1.5 1.5" fill="none" stroke="currentColor" stroke-width="1.5" stroke-linecap="round"/>`);

export const userIcon = (): TemplateResult =>
  icon(svg`<circle cx="8" cy="5.5" r="2.8" fill="none" stroke="currentColor" stroke-width="1.5"/><path d="M2.8 14c.6-2.8 2.7-4.3 5.2-4.3s4.6 1.5 5.2 4.3" fill="none" stroke="currentColor" stroke-width="1.5" stroke-linecap="round"/>`);
