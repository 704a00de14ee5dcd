// Styles of `<updraft-graph>`: a pannable, zoomable SVG stage of rounded task boxes, each with its
// state's colour as a stripe, an outline and a badge with the state's glyph, and the side panel.
import { css } from "lit";
import { panelStyles } from "../grid/panel-styles.ts";

export const graphStyles = [
  panelStyles,
  css`
    :host {
      display: block;
      --panel-max-height: var(--updraft-graph-height, 65vh);
    }
    .wrap {
      position: relative;
      display: flex;
      flex-direction: column;
      gap: 6px;
    }
    .toolbar {
      display: flex;
      align-items: center;
      gap: 8px;
      flex-wrap: wrap;
      font-size: 13px;
    }
    .toolbar .spacer {
      flex: 1;
    }
    .zoom {
      display: inline-flex;
    }
    .zoom button {
      border-radius: 0;
      min-width: 32px;
    }
    .zoom button:first-child {
      border-radius: var(--updraft-radius) 0 0 var(--updraft-radius);
    }
    .zoom button:last-child {
      border-radius: 0 var(--updraft-radius) var(--updraft-radius) 0;
    }
    .zoom button + button {
      margin-left: -1px;
    }
    .live {
      display: inline-flex;
      align-items: center;
      gap: 6px;
      color: var(--updraft-text-muted);
      font-size: 12px;
    }
    .live::before {
      content: "";
      width: 8px;
      height: 8px;
      border-radius: 50%;
      background: var(--updraft-text-muted);
    }
    .live[data-status="live"]::before {
      background: var(--updraft-state-success);
    }
    .main {
      display: flex;
      gap: 12px;
      align-items: flex-start;
    }
    .stage {
      position: relative;
      flex: 1 1 auto;
      min-width: 0;
      height: var(--updraft-graph-height, 65vh);
      min-height: 320px;
      overflow: hidden;
      border: 1px solid var(--updraft-border);
      border-radius: var(--updraft-radius);
      background-color: var(--updraft-surface);
      background-image: radial-gradient(circle, color-mix(in srgb, var(--updraft-text-muted) 28%, transparent) 1px, transparent 1.2px);
      background-size: 18px 18px;
      cursor: grab;
      touch-action: none;
      user-select: none;
      outline: none;
    }
    .stage.dragging {
      cursor: grabbing;
    }
    .stage:focus-visible {
      outline: 2px solid var(--updraft-focus);
      outline-offset: 2px;
    }
    svg.canvas {
      display: block;
      width: 100%;
      height: 100%;
    }
    .edge {
      fill: none;
      stroke: var(--updraft-text-muted);
      stroke-opacity: 0.7;
      stroke-width: 1.4;
    }
    .edge.submit {
      stroke-dasharray: 5 4;
    }
    .edge.hl {
      stroke: var(--updraft-accent);
      stroke-opacity: 1;
      stroke-width: 2.2;
    }
    .arrow {
      fill: var(--updraft-text-muted);
    }
    .arrow.hl {
      fill: var(--updraft-accent);
    }
    .node {
      cursor: pointer;
      outline: none;
    }
    .node .box {
      fill: var(--updraft-bg);
      stroke: var(--s, var(--updraft-border));
      stroke-width: 1.5;
      filter: drop-shadow(0 1px 1.5px rgb(0 0 0 / 12%));
    }
    .node[data-state="none"] .box,
    .node[data-state="absent"] .box {
      stroke: var(--updraft-border);
    }
    .node.child .box {
      stroke-dasharray: 5 3;
    }
    .node:hover .box {
      fill: var(--updraft-surface-2);
    }
    .node.selected .box {
      stroke: var(--updraft-accent);
      stroke-width: 3;
    }
    .node:focus-visible .box {
      stroke: var(--updraft-focus);
      stroke-width: 3;
    }
    .node .stripe {
      fill: var(--s, transparent);
    }
    .node .id {
      fill: var(--updraft-text);
      font-size: 13px;
      font-weight: 600;
    }
    .node .kind {
      fill: var(--updraft-text-muted);
      font-size: 11px;
    }
    .node .badge-bg {
      fill: var(--s, transparent);
    }
    .node[data-state="none"] .badge-bg {
      fill: none;
      stroke: var(--updraft-text-muted);
      stroke-dasharray: 2 2;
    }
    .node[data-state="absent"] .badge {
      display: none;
    }
    .empty {
      position: absolute;
      inset: 0;
      display: grid;
      place-items: center;
      color: var(--updraft-text-muted);
    }
  `,
];
