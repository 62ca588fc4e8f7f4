/**
 * The sequence diagram as plain text, for pasting into an issue or a chat:
 *
 *    #  alice                    broker                   bob
 *    1  |----------------------->|                        |  status: alice online (retained)
 *    2  |                        |.......................>|  offer  [held]
 *
 * ASCII only, so it survives any monospace font. Labels are untrusted text; control
 * characters are replaced so a label cannot break the layout.
 */
import type { DiagramRow } from '../trace/selectors';

const GAP = 25;

/** Arrow body per row status; anything unlisted is drawn solid. */
const LINE: Readonly<Record<string, { fill: string; head: string; suffix: string }>> = {
  sent: { fill: '-', head: '>', suffix: '' },
  delivered: { fill: '-', head: '>', suffix: '' },
  pending: { fill: '.', head: '>', suffix: '  [held]' },
  rejected: { fill: '-', head: 'x', suffix: '  [rejected]' },
  dropped: { fill: '-', head: 'x', suffix: '  [dropped]' },
  foreign: { fill: '-', head: 'x', suffix: '  [held apart]' },
  p2p: { fill: '=', head: '>', suffix: '  [peer to peer]' },
};

function clean(text: string): string {
  return text.replace(/[\p{Cc}\p{Zl}\p{Zp}]/gu, ' ');
}

/** lanes: left to right, e.g. ['alice', 'broker', 'bob']. */
export function toLadder(rows: readonly DiagramRow[], lanes: readonly string[]): string {
  const width = String(Math.max(rows.length, 1)).length;
  const pad = (s: string) => s.padStart(width + 1);
  const head = pad('#') + '  ' + lanes.map((l, k) => (k === lanes.length - 1 ? clean(l) : clean(l).slice(0, GAP - 1).padEnd(GAP))).join('');
  const out = [head.trimEnd()];
  for (const row of rows) {
    const cells = lanes.map((_, k) => (k === lanes.length - 1 ? '|' : '|'.padEnd(GAP)));
    const from = lanes.indexOf(row.from);
    const to = lanes.indexOf(row.to);
    let label = clean(row.label);
    if (row.status === 'note' || from === to || from < 0 || to < 0) {
      const at = Math.max(from, to, 0);
      cells[at] = `* ${label}`.padEnd(at === lanes.length - 1 ? 0 : GAP);
      out.push(`${pad(String(row.n))}  ${cells.join('')}`.trimEnd());
      continue;
    }
    const style = LINE[row.status] ?? LINE.sent!;
    const [left, right] = from < to ? [from, to] : [to, from];
    const span = (right - left) * GAP - 1;
    const body = style.fill.repeat(span - 1);
    const arrow = from < to ? `${body}${style.head}` : `${style.head === 'x' ? 'x' : '<'}${body}`;
    cells[left] = `|${arrow}`;
    for (let k = left + 1; k < right; k++) cells[k] = '';
    label += style.suffix;
    out.push(`${pad(String(row.n))}  ${cells.join('')}  ${label}`.trimEnd());
  }
  return out.join('\n') + '\n';
}
