/**
 * Diagram rows → mermaid `sequenceDiagram` text.
 *
 * Labels come from the network (anyone can publish on a public broker), so every piece
 * of text is escaped by escapeLabel: only a small set of plain characters passes as
 * is, everything else becomes a mermaid entity code `#<decimal>;`. Mermaid swaps entity
 * codes for placeholders before it parses and turns them into `&#…;` only in the
 * finished SVG, so an encoded `<`, `;`, `#`, `%` or newline can never act as markup,
 * a statement separator, a comment or a directive. Participants get fixed aliases
 * (P0, P1, P2), so no name ever appears where mermaid expects syntax.
 */
import { BROKER_LANE, marksText, type DiagramRow, type RowStatus } from '../trace/selectors';

/** Characters that mean nothing to mermaid's sequence grammar, in labels and aliases. */
const PLAIN = /^[A-Za-z0-9 .()_/-]$/;

export const MAX_LABEL_CHARS = 80;
export const MAX_NAME_CHARS = 40;

/** Lines before the first row: `sequenceDiagram` and three participants. */
export const HEADER_LINES = 4;

const ARROW: Readonly<Record<Exclude<RowStatus, 'note'>, string>> = {
  sent: '->>',
  delivered: '->>',
  pending: '-->>',
  // Dotted like a held message that never arrives, and crossed out.
  dropped: '--x',
  rejected: '-x',
  // Held apart: it reached the lab and went no further, like a rejected one.
  foreign: '-x',
  // Peer to peer, past the broker: mermaid's open ("async") arrowhead tells it from a hop.
  p2p: '-)',
};

const ARROW_CLASS: Readonly<Record<RowStatus, string>> = {
  sent: 'lab-sent',
  pending: 'lab-pending',
  delivered: 'lab-delivered',
  dropped: 'lab-dropped',
  rejected: 'lab-rejected',
  foreign: 'lab-foreign',
  note: 'lab-note',
  p2p: 'lab-p2p',
};

/**
 * Words added after the label, outside the escaped and capped part, so a long label can
 * never push them out: the drawing says "dropped" as plainly as the table does.
 */
export const STATUS_SUFFIX: Readonly<Partial<Record<RowStatus, string>>> = {
  dropped: '(dropped)',
  foreign: '(held apart)',
};

/** CSS class for an arrow's status, for styling the rendered SVG. */
export function arrowClassFor(status: RowStatus): string {
  return ARROW_CLASS[status];
}

/**
 * Untrusted text → one safe line of mermaid label text, at most `max` visible
 * characters (the last one an ellipsis when cut). Invisible format characters
 * (bidi overrides, zero-width joiners) are removed, so text cannot pretend to be
 * something else; line breaks, tabs and other spaces become one space.
 */
export function escapeLabel(text: string, max = MAX_LABEL_CHARS, { colon = false }: { colon?: boolean } = {}): string {
  const clean = String(text)
    .toWellFormed()
    .replace(/\p{Cf}/gu, '')
    .replace(/[\p{Cc}\p{Z}]+/gu, ' ')
    .trim();
  let chars = Array.from(clean);
  if (chars.length > max) chars = [...chars.slice(0, Math.max(0, max - 1)), '…'];
  return chars.map((ch) => (PLAIN.test(ch) || (colon && ch === ':') ? ch : `#${ch.codePointAt(0)};`)).join('');
}

/**
 * The sequence diagram for these rows: lanes alice | broker | bob (peers[0], the
 * broker, peers[1]), one line per row numbered with the row's `n` (mermaid's own
 * autonumber stays off, so numbers match the table). Sent and delivered rows are
 * solid arrows, pending ones dotted, dropped ones dotted and crossed (`--x`), rejected
 * ones end in a cross, notes sit over their peer, peer-to-peer rows go straight from one peer
 * to the other with an open arrowhead. With `lanes`, any number of lanes.
 */
export function toMermaid(rows: readonly DiagramRow[], peers: readonly [string, string], lanes?: readonly string[]): string {
  // `lanes` (two or more) replaces the alice | broker | bob layout with these lanes, left to
  // right, aliased P0, P1, …: the lobby lab draws a server and three peers.
  const many = lanes && lanes.length >= 2 ? lanes : null;
  const alias = (lane: string): string | null =>
    many
      ? many.includes(lane) ? `P${many.indexOf(lane)}` : null
      : lane === BROKER_LANE ? 'P1' : lane === peers[0] ? 'P0' : lane === peers[1] ? 'P2' : null;
  const name = (text: string, fallback: string) => escapeLabel(text, MAX_NAME_CHARS) || fallback;
  const lines = many
    ? ['sequenceDiagram', ...many.map((lane, k) => `  participant P${k} as ${name(lane, `lane ${k + 1}`)}`)]
    : [
        'sequenceDiagram',
        `  participant P0 as ${name(peers[0], 'peer 1')}`,
        `  participant P1 as ${BROKER_LANE}`,
        `  participant P2 as ${name(peers[1], 'peer 2')}`,
      ];
  for (const row of rows) {
    // Tamper marks ("(edited)") are fixed words, so like the status they need no escaping.
    // A colon is plain text inside mermaid's message text (it runs to the line's end, # or ;),
    // and a label starts with its row number, never "wrap:". As an entity it was cut in two
    // when mermaid wrapped a long word ("signalingState#58;" drawn as "signalingStatefl-°°58;").
    const text = [escapeLabel(row.label, MAX_LABEL_CHARS, { colon: true }), marksText(row), STATUS_SUFFIX[row.status]].filter(Boolean).join(' ');
    const label = `${Math.trunc(Number(row.n)) || 0}.${text ? ` ${text}` : ''}`;
    const from = alias(row.from);
    const to = alias(row.to);
    if (row.status === 'note') {
      lines.push(`  Note over ${alias(row.over ?? row.from) ?? 'P1'}: ${label}`);
    } else if (from && to && ARROW[row.status]) {
      lines.push(`  ${from}${ARROW[row.status]}${to}: ${label}`);
    } else {
      // A lane we did not declare: still one line, drawn as a note over the broker.
      lines.push(`  Note over P1: ${label}`);
    }
  }
  return lines.join('\n');
}

/** The smallest text the drawing may show, in CSS px as rendered (issue 13: 8 px was unreadable). */
export const MIN_TEXT_PX = 13;

/** Mermaid's sequence layout for one box width: see sequenceFit. */
export interface SequenceFit {
  /** Actor box width, and the width mermaid wraps a note or a label's first guess to. */
  width: number;
  actorMargin: number;
  diagramMarginX: number;
  /** Room around a wrapped label; a lane box wraps its name to width − 2 × wrapPadding. */
  wrapPadding: number;
  /** Labels, notes and lane names: mermaid 12 sets all three from the top-level fontSize. */
  fontSize: number;
  wrap: true;
  /** The drawing's width: what the box must hold at scale 1. */
  total: number;
}

/** Side margin, narrowest lane box, widest lane box, narrowest and widest gap between lanes. */
const FIT = { marginX: 8, minWidth: 48, maxWidth: 120, minGap: 8, maxGap: 300 } as const;

/**
 * Lane sizes that make a drawing of `lanes` lanes exactly as wide as the box (`boxWidth`
 * CSS px), so the SVG is shown at scale 1 and its text at its configured size, never shrunk
 * below MIN_TEXT_PX, and with no sideways scroll. With `wrap`, mermaid wraps a label to the
 * distance between the lanes it joins (at least `width`), so no label widens a gap past
 * `actorMargin`: the drawing's width is 2 × diagramMarginX + lanes × width + gaps × actorMargin.
 * A wide box gets wide gaps (fewer wrapped lines), up to maxGap; the drawing is then narrower
 * than the box and is centred.
 *
 * A word wider than a lane box still widens the gaps it sits between (mermaid's margin there is
 * the label's width + actorMargin − width), by as much in each: a drawing that came out `over`
 * px too wide is redrawn with `trim` = trimFor(over, lanes) px taken off actorMargin, which takes
 * the same px off every widened gap. Whatever is left, drawnScale shrinks within MIN_TEXT_PX.
 */
export function sequenceFit(boxWidth: number, lanes: number, trim = 0): SequenceFit {
  const n = Math.max(2, Math.trunc(lanes) || 2);
  const usable = Math.max(0, Math.floor(boxWidth) - 2 * FIT.marginX);
  const share = usable / n;
  // Wide lane boxes, narrow gaps: mermaid wraps a label's first guess to the box's width, and a
  // word wider than that widens the gap past actorMargin (and the drawing past the box).
  let width = Math.round(Math.min(FIT.maxWidth, Math.max(FIT.minWidth, share * 0.8)));
  // Too narrow for the narrowest boxes and gaps: shrink the boxes (lane names are short).
  if (n * width + (n - 1) * FIT.minGap > usable) width = Math.max(FIT.minWidth, Math.floor((usable - (n - 1) * FIT.minGap) / n));
  const actorMargin = Math.max(0, Math.min(FIT.maxGap, Math.max(FIT.minGap, Math.floor((usable - n * width) / (n - 1)))) - Math.max(0, trim));
  return {
    width,
    actorMargin,
    diagramMarginX: FIT.marginX,
    wrapPadding: 6,
    fontSize: 14,
    wrap: true,
    total: 2 * FIT.marginX + n * width + (n - 1) * actorMargin,
  };
}

/** How much more to take off actorMargin when a drawing of `lanes` lanes came out `over` px too wide. */
export function trimFor(over: number, lanes: number): number {
  return over > 0.5 ? Math.ceil(over / Math.max(1, Math.trunc(lanes) - 1)) : 0;
}

/**
 * The mermaid init directive that draws with this fit. The component puts it before the text
 * it renders (not in toMermaid, so the exported text stays plain), which keeps each diagram's
 * layout its own when several share a page and one mermaid.
 */
export function fitDirective(fit: SequenceFit): string {
  const { total: _total, fontSize, ...sequence } = fit;
  return `%%{init: ${JSON.stringify({ fontSize, sequence: { ...sequence, useMaxWidth: false } })}}%%`;
}

/**
 * The scale to show a drawing `drawnWidth` px wide in a box `boxWidth` px wide: 1 if it fits,
 * else the shrink that fits it if its text stays at least MIN_TEXT_PX, else 1 (the box scrolls).
 */
export function drawnScale(drawnWidth: number, boxWidth: number, fontSize: number): number {
  if (!(drawnWidth > boxWidth) || !(boxWidth > 0)) return 1;
  const scale = boxWidth / drawnWidth;
  return scale * fontSize >= MIN_TEXT_PX ? scale : 1;
}
