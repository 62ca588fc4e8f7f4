/**
 * What mermaid cannot do for a sequence diagram, done on the SVG it drew: lane names that stay in
 * view (the lanes are read from the lane boxes mermaid drew, whatever rows there are), and
 * lifelines as long as the drawing (with mirrorActors off, mermaid 12 draws every lifeline
 * 2000 px long, so on a long diagram the arrows go on past their lanes).
 */

/** One lane's name and its box, in px from the drawing's top left corner. */
export interface LaneBox {
  name: string;
  left: number;
  top: number;
  width: number;
  height: number;
}

/** The lanes mermaid drew in `drawing` (its top boxes), and the row they take: width and height. */
export function measureLanes(drawing: HTMLElement): { lanes: LaneBox[]; width: number; height: number } {
  const origin = drawing.getBoundingClientRect();
  const lanes = Array.from(drawing.querySelectorAll<SVGRectElement>('rect.actor-top'), (rect) => {
    const box = rect.getBoundingClientRect();
    const name = rect.parentElement?.querySelector('text.actor')?.textContent?.trim() ?? rect.getAttribute('name') ?? '';
    return { name, left: box.left - origin.left, top: box.top - origin.top, width: box.width, height: box.height };
  }).sort((a, b) => a.left - b.left);
  const height = lanes.length > 0 ? Math.max(...lanes.map((l) => l.top + l.height)) + 4 : 0;
  return { lanes, width: drawing.scrollWidth, height };
}

/** Every lifeline reaches the bottom of the drawing, past its last arrow or note. */
export function reachLastRow(drawing: HTMLElement): void {
  const svg = drawing.querySelector('svg');
  const box = svg?.viewBox.baseVal;
  if (!svg || !box || box.height <= 0) return;
  const bottom = box.y + box.height - 10;
  for (const line of svg.querySelectorAll('line[data-et="life-line"]')) {
    if (Number(line.getAttribute('y2')) < bottom) line.setAttribute('y2', String(bottom));
  }
}
