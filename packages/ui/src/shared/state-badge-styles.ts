// Styles for `statePill` and `stateGlyph`.
import { css } from "lit";

export const stateBadgeStyles = css`
  .pill {
    display: inline-flex;
    align-items: center;
    gap: 4px;
    padding: 1px 8px 1px 6px;
    border-radius: 999px;
    font-size: 12px;
    font-weight: 600;
    line-height: 18px;
    white-space: nowrap;
    border: 1px solid rgb(0 0 0 / 12%);
  }
  .pill[data-state="none"] {
    border-color: var(--updraft-border);
    color: var(--updraft-text-muted) !important;
  }
  .glyph {
    vertical-align: -1px;
    flex: none;
  }
`;
