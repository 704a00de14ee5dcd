// Lays a DAG out with dagre, loaded on first use (`import()`), so that the layout code is a chunk
// of its own that pages without a graph never fetch. Left to right, as Airflow draws DAGs.
import type { GridNode } from "../../shared/grid-types.ts";

/** A node's box (top-left corner and size) in layout coordinates. */
export interface NodeBox {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface GraphLayout {
  nodes: Map<string, NodeBox>;
  /** Each edge as a path of points, from the source's right side to the target's left side. */
  edges: Array<{ source: string; target: string; kind: "dependency" | "submit"; points: Array<{ x: number; y: number }> }>;
  width: number;
  height: number;
}

export const NODE_H = 52;

/** The second line of a node: its kind, and whether it is mapped, submitted or gone from the DAG. */
export function kindLabel(n: GridNode): string {
  return `${n.kind}${n.is_mapped ? " · mapped" : ""}${n.parent_task_id ? ` · from ${n.parent_task_id}` : ""}${!n.in_dag && !n.parent_task_id ? " · removed" : ""}`;
}

/** How wide a node's box is for its label (task id, kind line). */
export function nodeWidth(n: GridNode): number {
  const label = Math.max(n.id.length * 7.8 + (n.is_mapped || n.parent_task_id ? 40 : 0), kindLabel(n).length * 6.3);
  return Math.round(Math.min(340, Math.max(150, label + 60)));
}

type Dagre = typeof import("@dagrejs/dagre");
let dagre: Promise<Dagre> | null = null;

/** Positions every node and routes every edge. */
export async function layoutGraph(nodes: GridNode[], edges: Array<{ source_id: string; target_id: string; kind: "dependency" | "submit" }>): Promise<GraphLayout> {
  dagre ??= import("@dagrejs/dagre");
  const d = await dagre;
  const g = new d.graphlib.Graph({ multigraph: false });
  g.setGraph({ rankdir: "LR", nodesep: 18, ranksep: 56, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  const ids = new Set(nodes.map((n) => n.id));
  for (const n of nodes) g.setNode(n.id, { width: nodeWidth(n), height: NODE_H });
  const kept = edges.filter((e) => ids.has(e.source_id) && ids.has(e.target_id) && e.source_id !== e.target_id);
  for (const e of kept) g.setEdge(e.source_id, e.target_id, {});
  d.layout(g);
  const boxes = new Map<string, NodeBox>();
  for (const n of nodes) {
    const p = g.node(n.id) as { x: number; y: number; width: number; height: number };
    boxes.set(n.id, { x: p.x - p.width / 2, y: p.y - p.height / 2, w: p.width, h: p.height });
  }
  const out: GraphLayout["edges"] = kept.map((e) => {
    const pts = ((g.edge(e.source_id, e.target_id) as { points?: Array<{ x: number; y: number }> } | undefined)?.points ?? []).map((p) => ({ x: p.x, y: p.y }));
    return { source: e.source_id, target: e.target_id, kind: e.kind, points: pts };
  });
  const graph = g.graph() as { width?: number; height?: number };
  return { nodes: boxes, edges: out, width: graph.width ?? 0, height: graph.height ?? 0 };
}

/** A smooth SVG path through an edge's points. */
export function edgePath(points: Array<{ x: number; y: number }>): string {
  if (points.length === 0) return "";
  const [first, ...rest] = points;
  if (rest.length === 0) return `M${first!.x},${first!.y}`;
  let d = `M${first!.x},${first!.y}`;
  for (let i = 0; i < rest.length; i++) {
    const p = rest[i]!;
    const prev = i === 0 ? first! : rest[i - 1]!;
    const mx = (prev.x + p.x) / 2;
    d += ` C${mx},${prev.y} ${mx},${p.y} ${p.x},${p.y}`;
  }
  return d;
}
