// Styles of the side panel (a run's facts, an instance, mapped instances) and of the hover card,
// shared by the grid and the graph.
import { css } from "lit";

export const panelStyles = css`
  .panel {
    flex: 1 0 min(520px, 45%);
    min-width: 320px;
    max-width: 960px;
    max-height: var(--panel-max-height, 75vh);
    overflow: auto;
    border: 1px solid var(--updraft-border);
    border-radius: var(--updraft-radius);
    background: var(--updraft-bg);
    box-shadow: var(--updraft-shadow);
  }
  .panel-head {
    position: sticky;
    top: 0;
    z-index: 1;
    display: flex;
    align-items: center;
    gap: 8px;
    padding: 8px 10px;
    background: var(--updraft-surface);
    border-bottom: 1px solid var(--updraft-border);
  }
  .panel-head .what {
    flex: 1;
    min-width: 0;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    font-weight: 600;
  }
  .panel-head .what .muted {
    font-weight: 400;
  }
  .panel-body {
    padding: 10px 12px;
  }
  .icon-btn {
    border: none;
    background: transparent;
    padding: 2px 6px;
    font-size: 16px;
    line-height: 1;
    color: var(--updraft-text-muted);
  }
  .facts {
    display: grid;
    grid-template-columns: max-content 1fr;
    gap: 4px 14px;
    margin: 0 0 12px;
    font-size: 13px;
  }
  .facts dt {
    color: var(--updraft-text-muted);
  }
  .facts dd {
    margin: 0;
    font-variant-numeric: tabular-nums;
    overflow-wrap: anywhere;
  }
  .tip {
    position: absolute;
    z-index: 10;
    pointer-events: none;
    min-width: 180px;
    max-width: 320px;
    padding: 8px 10px;
    border-radius: var(--updraft-radius);
    background: var(--updraft-surface);
    border: 1px solid var(--updraft-border);
    box-shadow: 0 4px 16px rgb(0 0 0 / 18%);
    font-size: 12px;
    line-height: 1.5;
  }
  .tip .t {
    font-weight: 600;
    margin-bottom: 2px;
    overflow-wrap: anywhere;
  }
  .tip .kv {
    display: grid;
    grid-template-columns: max-content 1fr;
    gap: 0 10px;
    font-variant-numeric: tabular-nums;
  }
  .tip .kv span:nth-child(odd) {
    color: var(--updraft-text-muted);
  }
  .tip .counts {
    display: flex;
    flex-wrap: wrap;
    gap: 4px;
    margin-top: 4px;
  }
`;
