// Styles of `<updraft-home>`: health cards, the DAG counts, the 24 h state bars, recent failures.
import { css } from "lit";

export const homeStyles = css`
  h1 {
    margin: 0 0 14px;
    font-size: 20px;
    font-weight: 650;
    letter-spacing: -0.01em;
  }
  h2 {
    margin: 0 0 10px;
    font-size: 13px;
    font-weight: 650;
    letter-spacing: 0.03em;
    text-transform: uppercase;
    color: var(--updraft-text-muted);
  }
  section {
    margin-bottom: 22px;
  }
  .section-head {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 12px;
    margin-bottom: 10px;
  }
  .section-head h2 {
    margin: 0;
  }
  .segmented {
    display: inline-flex;
    border: 1px solid var(--updraft-border);
    border-radius: var(--updraft-radius);
    overflow: hidden;
    background: var(--updraft-surface);
  }
  .segmented button {
    height: 26px;
    padding: 0 10px;
    border: 0;
    border-radius: 0;
    background: transparent;
    color: var(--updraft-text-muted);
    font-size: 12.5px;
  }
  .segmented button + button {
    border-left: 1px solid var(--updraft-border);
  }
  .segmented button[aria-pressed="true"] {
    background: var(--updraft-bg);
    color: var(--updraft-text);
    box-shadow: inset 0 -2px 0 var(--updraft-accent);
  }
  .cards {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(220px, 1fr));
    gap: 12px;
  }
  .card {
    display: grid;
    align-content: start;
    gap: 6px;
    padding: 14px 16px;
    border: 1px solid var(--updraft-border);
    border-radius: 8px;
    background: var(--updraft-bg);
    box-shadow: var(--updraft-shadow);
  }
  .card .label {
    display: flex;
    align-items: center;
    gap: 8px;
    font-size: 12.5px;
    font-weight: 600;
    color: var(--updraft-text-muted);
  }
  .card .value {
    display: flex;
    align-items: center;
    gap: 8px;
    font-size: 17px;
    font-weight: 650;
  }
  .card .sub {
    font-size: 12.5px;
    color: var(--updraft-text-muted);
  }
  .card a.value {
    color: inherit;
  }
  .health {
    display: inline-grid;
    place-items: center;
    width: 20px;
    height: 20px;
    border-radius: 50%;
    color: #fff;
  }
  .health.ok {
    background: var(--updraft-state-success);
  }
  .health.bad {
    background: var(--updraft-state-failed);
  }
  .health.unknown {
    background: var(--updraft-state-queued);
  }
  .workers-line {
    display: flex;
    flex-wrap: wrap;
    gap: 4px 12px;
    font-size: 12.5px;
    color: var(--updraft-text-muted);
  }
  .workers-line strong {
    color: var(--updraft-text);
  }
  .history {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(380px, 1fr));
    gap: 12px;
  }
  .panel {
    padding: 14px 16px;
    border: 1px solid var(--updraft-border);
    border-radius: 8px;
    background: var(--updraft-bg);
  }
  .panel-head {
    display: flex;
    align-items: baseline;
    justify-content: space-between;
    gap: 8px;
    margin-bottom: 10px;
  }
  .panel-head strong {
    font-size: 15px;
  }
  .panel-head .total {
    color: var(--updraft-text-muted);
    font-variant-numeric: tabular-nums;
  }
  .stack {
    display: flex;
    height: 12px;
    margin-bottom: 10px;
    border-radius: 6px;
    overflow: hidden;
    background: var(--updraft-surface-2);
  }
  .stack span {
    display: block;
    height: 100%;
    min-width: 3px;
  }
  .stack span + span {
    box-shadow: -1px 0 0 var(--updraft-bg);
  }
  .legend {
    display: flex;
    flex-wrap: wrap;
    gap: 6px 14px;
    margin: 0;
    padding: 0;
    list-style: none;
  }
  .legend li {
    display: inline-flex;
    align-items: center;
    gap: 5px;
    font-size: 13px;
  }
  .legend .n {
    font-weight: 650;
    font-variant-numeric: tabular-nums;
  }
  .legend a {
    color: inherit;
  }
  .none {
    color: var(--updraft-text-muted);
    font-size: 13px;
  }
  table {
    width: 100%;
    border-collapse: collapse;
    border: 1px solid var(--updraft-border);
    border-radius: 8px;
    overflow: hidden;
    background: var(--updraft-bg);
  }
  th,
  td {
    padding: 8px 12px;
    border-bottom: 1px solid var(--updraft-border);
    text-align: left;
    vertical-align: middle;
  }
  th {
    background: var(--updraft-surface);
    color: var(--updraft-text-muted);
    font-size: 12px;
    font-weight: 600;
  }
  tr:last-child td {
    border-bottom: 0;
  }
  td.run {
    max-width: 320px;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    font-family: var(--updraft-font-mono);
    font-size: 12px;
  }
  td.when {
    white-space: nowrap;
    color: var(--updraft-text-muted);
  }
  .empty-failures {
    display: flex;
    align-items: center;
    gap: 10px;
    padding: 14px 16px;
    border: 1px solid var(--updraft-border);
    border-radius: 8px;
    color: var(--updraft-text-muted);
  }
`;
