// Where a key takes the grid's focus: arrows move one cell (up from the first row reaches the
// runs' bars, left from the first run the task names), Home/End go to the row's ends, Ctrl+Home
// and Ctrl+End to the grid's corners, PageUp/PageDown a page of rows. Row -1 is the bars; column
// -1 the task names (there is no cell where both meet).

/** A place in the grid: row (-1 for the runs' bars) and column (-1 for the task names). */
export interface GridPos {
  r: number;
  c: number;
}

/** The new position for a key, or null when the key does not move focus. */
export function nextPos(key: string, ctrl: boolean, p: GridPos, rows: number, cols: number, page: number): GridPos | null {
  const lastR = rows - 1;
  const lastC = cols - 1;
  const { r, c } = p;
  const minR = c === -1 || cols === 0 ? 0 : -1;
  let next: GridPos;
  switch (key) {
    case "ArrowRight": next = { r, c: Math.min(lastC, c + 1) }; break;
    case "ArrowLeft": next = { r, c: Math.max(r === -1 ? 0 : -1, c - 1) }; break;
    case "ArrowDown": next = { r: Math.min(lastR, r + 1), c }; break;
    case "ArrowUp": next = { r: Math.max(minR, r - 1), c }; break;
    case "PageDown": next = { r: Math.min(lastR, Math.max(0, r) + page), c }; break;
    case "PageUp": next = { r: Math.max(minR, r - page), c }; break;
    case "Home": next = ctrl ? { r: 0, c: -1 } : { r, c: r === -1 ? 0 : -1 }; break;
    case "End": next = ctrl ? { r: lastR, c: lastC } : { r, c: lastC }; break;
    default: return null;
  }
  if (next.r < -1 || (next.r === -1 && next.c < 0) || (next.r >= 0 && next.r > lastR)) return null;
  return next;
}
