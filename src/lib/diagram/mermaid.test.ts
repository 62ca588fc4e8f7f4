import fc from 'fast-check';
import mermaid from 'mermaid';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { diagramRows, type DiagramDetail, type DiagramRow, type RowStatus } from '../trace/selectors';
import { parseTraceJson } from '../trace/export';
import { arrowClassFor, escapeLabel, HEADER_LINES, MAX_LABEL_CHARS, STATUS_SUFFIX, toMermaid } from './mermaid';
import { itReturnsNamed } from '../testing/table';

const PEERS: [string, string] = ['alice', 'bob'];

/** What a reader sees: entity codes turned back into characters. */
const visible = (escaped: string) => escaped.replace(/#(\d+);/g, (_, cp: string) => String.fromCodePoint(Number(cp)));

/** Only plain characters and entity codes. */
const SAFE = String.raw`(?:[A-Za-z0-9 .()_/-]|#\d+;)*`;
/** A row's text may also hold a colon: mermaid's message text runs to the end of the line. */
const SAFE_ROW = String.raw`(?:[A-Za-z0-9 .()_/:-]|#\d+;)*`;
const LINE_RULES = [
  new RegExp(`^  participant P[012] as ${SAFE}$`),
  new RegExp(`^  P[012](?:->>|-->>|--x|-x|-\\))P[012]: \\d+\\.(?: ${SAFE_ROW})?$`),
  new RegExp(`^  Note over P[012]: \\d+\\.(?: ${SAFE_ROW})?$`),
];

/** Labels an attacker might publish. */
const hostile = [
  '<img src=x onerror=alert(1)>',
  'alice->>bob: hi',
  '%%{init: {"securityLevel":"loose"}}%%',
  ';',
  '#',
  'a\nNote over P0: x',
  'a\r\nP0->>P2: forged',
  'end',
  '```js\nalert(1)\n```',
  'x'.repeat(10_000),
  '😀 unicode ünïcödé 中文',
  'javascript:alert(1)',
  '<script>alert(1)</script>',
  'click P0 call alert()',
  '#60;script#62;',
  'a<br/>b',
  '$$\\alert$$',
  '\u202Egnp.exe',
];

function row(label: string, over: Partial<DiagramRow> = {}): DiagramRow {
  return { n: 1, eventIndex: 0, from: 'broker', to: 'bob', label, status: 'delivered', retained: false, will: false, ...over };
}

/** Every line is the header or matches one of the whitelisted forms; one line per row. */
function expectSafe(text: string, rowCount: number) {
  const lines = text.split('\n');
  expect(lines).toHaveLength(HEADER_LINES + rowCount);
  expect(lines[0]).toBe('sequenceDiagram');
  for (const line of lines.slice(1)) {
    expect(LINE_RULES.some((rule) => rule.test(line)), line).toBe(true);
    // Outside entity codes, nothing mermaid or HTML could read as syntax. A row's text may hold
    // a colon: mermaid's message text runs to the line's end, and it starts with the row number.
    const text = line.replace(/#\d+;/g, '').replace(/^ {2}(?:participant P\d as|P\d\S*P\d:|Note over P\d:)/, '');
    expect(text).not.toMatch(line.startsWith('  participant') ? /[<>;:#%{}`"'\\&\r\n]/ : /[<>;#%{}`"'\\&\r\n]/);
    if (!line.startsWith('  participant')) expect(text).toMatch(/^ \d+\./);
  }
}

describe('escapeLabel', () => {
  itReturnsNamed(escapeLabel, [
    ['plain text', 'offer', 'offer'],
    ['punctuation we allow', 'candidate host udp (retained) a/b_c-d.e', 'candidate host udp (retained) a/b_c-d.e'],
    ['colon', 'status: alice online', 'status#58; alice online'],
    ['html', '<img src=x onerror=alert(1)>', '#60;img src#61;x onerror#61;alert(1)#62;'],
    ['arrow syntax', 'alice->>bob: hi', 'alice-#62;#62;bob#58; hi'],
    ['directive', '%%{init: {"theme":"dark"}}%%', '#37;#37;#123;init#58; #123;#34;theme#34;#58;#34;dark#34;#125;#125;#37;#37;'],
    ['semicolon', 'a;b', 'a#59;b'],
    ['hash', '#60; is not an entity here', '#35;60#59; is not an entity here'],
    ['newline injection', 'a\nNote over P0: x', 'a Note over P0#58; x'],
    ['CRLF and tabs', 'a\r\n\tb', 'a b'],
    ['end keyword', 'end', 'end'],
    ['backticks', '`code`', '#96;code#96;'],
    ['ampersand entity', '&lt;b&gt;', '#38;lt#59;b#38;gt#59;'],
    ['javascript url', 'javascript:alert(1)', 'javascript#58;alert(1)'],
    ['comma', 'a, b', 'a#44; b'],
    ['quotes', `"a" 'b'`, '#34;a#34; #39;b#39;'],
    ['unicode', 'café', 'caf#233;'],
    ['emoji', 'hi 😀', 'hi #128512;'],
    ['bidi override is dropped', 'abc\u202Eevil', 'abcevil'],
    ['zero-width chars are dropped', 'a\u200Bb\u200Dc', 'abc'],
    ['lone surrogate', 'a\uD800b', 'a#65533;b'],
    ['whitespace trimmed and collapsed', '  a   b  ', 'a b'],
    ['NUL and DEL', 'a\u0000b\u007Fc', 'a b c'],
    ['line separator', 'a\u2028b', 'a b'],
    ['empty', '', ''],
  ]);

  it('lets a colon through only where asked (row labels, which start with their number)', () => {
    expect(escapeLabel('signalingState: stable', 80, { colon: true })).toBe('signalingState: stable');
    expect(escapeLabel('a;b: #1', 80, { colon: true })).toBe('a#59;b: #35;1');
  });

  it('caps a long label at 80 visible characters, ending in an ellipsis', () => {
    const out = escapeLabel('x'.repeat(500));
    expect(out).toBe(`${'x'.repeat(79)}#8230;`);
    expect(Array.from(visible(out))).toHaveLength(MAX_LABEL_CHARS);
    expect(escapeLabel('x'.repeat(80))).toBe('x'.repeat(80));
    expect(escapeLabel('😀'.repeat(100), 3)).toBe('#128512;#128512;#8230;');
  });

  it('round trips printable text: the reader sees exactly what was sent', () => {
    const printable = fc
      .string({ unit: 'binary', maxLength: MAX_LABEL_CHARS })
      .filter((s) => s.isWellFormed() && !/[\p{Cc}\p{Cf}\p{Z}]/u.test(s.replace(/ /g, 'x')) && !/^ | $|  /.test(s));
    fc.assert(
      fc.property(printable, (s) => {
        expect(visible(escapeLabel(s))).toBe(s);
      }),
    );
  });

  it('only ever emits plain characters and entity codes, within the cap', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const out = escapeLabel(s);
        expect(out).toMatch(new RegExp(`^${SAFE}$`));
        expect(Array.from(visible(out)).length).toBeLessThanOrEqual(MAX_LABEL_CHARS);
        expect(visible(out)).not.toMatch(/[\p{Cc}\p{Cf}\u2028\u2029]/u);
      }),
    );
  });
});

describe('arrowClassFor', () => {
  // A status's class is its name after "lab-".
  for (const status of ['sent', 'pending', 'delivered', 'dropped', 'rejected', 'note'] satisfies RowStatus[]) {
    it(`${status} → lab-${status}`, () => {
      expect(arrowClassFor(status)).toBe(`lab-${status}`);
    });
  }
});

describe('toMermaid', () => {
  const rows: DiagramRow[] = [
    row('status: alice online (retained)', { n: 1, from: 'alice', to: 'broker', status: 'sent' }),
    row('offer', { n: 2, status: 'delivered', qid: 'q1' }),
    row('answer', { n: 3, from: 'broker', to: 'alice', status: 'pending', qid: 'q2' }),
    row('rejected: not JSON', { n: 4, status: 'rejected' }),
    row('plug pulled', { n: 5, from: 'bob', to: 'bob', over: 'bob', status: 'note' }),
    row('candidate host udp', { n: 6, status: 'dropped', qid: 'q3' }),
  ];

  it('writes the diagram', () => {
    expect(toMermaid(rows, PEERS)).toBe(
      [
        'sequenceDiagram',
        '  participant P0 as alice',
        '  participant P1 as broker',
        '  participant P2 as bob',
        '  P0->>P1: 1. status: alice online (retained)',
        '  P1->>P2: 2. offer',
        '  P1-->>P0: 3. answer',
        '  P1-xP2: 4. rejected: not JSON',
        '  Note over P2: 5. plug pulled',
        '  P1--xP2: 6. candidate host udp (dropped)',
      ].join('\n'),
    );
  });

  it('marks tampered messages after the label, before the status, even when the label is cut', () => {
    const marked = [
      row('offer', { n: 1, status: 'pending', qid: 'q1', marks: ['delay', 'edit'] }),
      row('answer', { n: 2, status: 'dropped', qid: 'q2', marks: ['duplicate'] }),
      row('x'.repeat(200), { n: 3, status: 'delivered', qid: 'q3', marks: ['move'] }),
    ];
    const lines = toMermaid(marked, PEERS).split('\n').slice(HEADER_LINES);
    expect(lines[0]).toBe('  P1-->>P2: 1. offer (delayed) (edited)');
    expect(lines[1]).toBe('  P1--xP2: 2. answer (duplicate) (dropped)');
    expect(lines[2]).toMatch(/x#8230; \(moved\)$/);
  });

  it('declares only the three lanes, even with no rows', () => {
    expect(toMermaid([], PEERS).split('\n')).toHaveLength(HEADER_LINES);
  });

  it('keeps hostile peer names inside their alias', () => {
    const text = toMermaid(rows, ['x\nparticipant Evil', '<b>,@{}']);
    expectSafe(text, rows.length);
    expect(text).toContain('  participant P0 as x participant Evil');
    expect(text).toContain('  participant P2 as #60;b#62;#44;#64;#123;#125;');
  });

  it('names an unnamed peer', () => {
    expect(toMermaid([], ['', '\u200B'])).toContain('participant P0 as peer 1\n  participant P1 as broker\n  participant P2 as peer 2');
  });

  it('draws a row on an undeclared lane as a note over the broker, never a new participant', () => {
    const text = toMermaid([row('offer', { from: 'mallory', to: 'bob', status: 'sent' })], PEERS);
    expect(text.split('\n').at(-1)).toBe('  Note over P1: 1. offer');
  });


  it.each(hostile)('survives the hostile label %j', (label) => {
    const many = [row(label), row(label, { n: 2, status: 'note', over: 'alice' }), row(label, { n: 3, status: 'rejected' })];
    expectSafe(toMermaid(many, PEERS), many.length);
  });

  it('has one safe line per row, whatever the labels and names', () => {
    const anyRow = fc.record({
      n: fc.nat(),
      eventIndex: fc.nat(),
      from: fc.constantFrom('alice', 'bob', 'broker', 'carol'),
      to: fc.constantFrom('alice', 'bob', 'broker', 'carol'),
      label: fc.string({ unit: 'binary' }),
      status: fc.constantFrom<RowStatus>('sent', 'pending', 'delivered', 'dropped', 'rejected', 'note', 'p2p'),
      over: fc.option(fc.constantFrom('alice', 'bob', 'carol'), { nil: undefined }),
      retained: fc.boolean(),
      will: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(anyRow, { maxLength: 20 }), fc.string({ unit: 'binary' }), (rs, name) => {
        expectSafe(toMermaid(rs, [name, 'bob']), rs.length);
      }),
    );
  });
});

/**
 * The real parser is the final judge: mermaid (12, as installed) must read exactly the
 * participants and messages we meant, with the text the reader should see.
 */
describe('toMermaid, read back by mermaid', () => {
  type Parsed = { actors: Map<string, { description: string }>; messages: { from: string; to: string; message: string; type: number }[] };
  const LINE = { SOLID: 0, DOTTED: 1, NOTE: 2, SOLID_CROSS: 3, DOTTED_CROSS: 4, SOLID_POINT: 24 } as const;

  async function parse(text: string): Promise<Parsed> {
    await mermaid.parse(text);
    const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
    const db = diagram.db as unknown as { getActors(): Parsed['actors']; getMessages(): Parsed['messages']; LINETYPE: Record<string, number> };
    expect(db.LINETYPE).toMatchObject(LINE);
    return { actors: db.getActors(), messages: db.getMessages() };
  }
  /** Mermaid's entity placeholders (see encodeEntities) back to characters. */
  const shown = (s: string) => s.replace(/\uFB02\u00B0\u00B0(\d+)\u00B6\u00DF/g, (_, cp: string) => String.fromCodePoint(Number(cp)));

  const TYPE_OF: Record<RowStatus, number> = { sent: LINE.SOLID, delivered: LINE.SOLID, pending: LINE.DOTTED, dropped: LINE.DOTTED_CROSS, rejected: LINE.SOLID_CROSS, foreign: LINE.SOLID_CROSS, note: LINE.NOTE, p2p: LINE.SOLID_POINT };
  /** The text mermaid should show for a row: number, escaped label, status words. */
  const expectedText = (r: DiagramRow) => [`${r.n}.`, visible(escapeLabel(r.label)), STATUS_SUFFIX[r.status]].filter(Boolean).join(' ');

  it('reads hostile labels back as plain text, one message per row', async () => {
    const BOB = '<b>bob</b>';
    const rows = hostile.map((label, k) =>
      row(label, { n: k + 1, status: (['sent', 'pending', 'delivered', 'dropped', 'rejected', 'foreign', 'note', 'p2p'] as const)[k % 8], from: k % 2 ? 'broker' : 'alice', to: k % 2 ? BOB : 'broker', over: BOB }),
    );
    const { actors, messages } = await parse(toMermaid(rows, ['alice', BOB]));
    expect([...actors.keys()]).toEqual(['P0', 'P1', 'P2']);
    expect(shown(actors.get('P2')!.description)).toBe('<b>bob</b>');
    expect(messages).toHaveLength(rows.length);
    messages.forEach((m, k) => {
      expect(m.type).toBe(TYPE_OF[rows[k]!.status]);
      expect(shown(m.message)).toBe(expectedText(rows[k]!));
    });
  });

  it('parses generated diagrams with exactly the rows we drew', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            label: fc.string({ unit: 'binary', maxLength: 100 }),
            status: fc.constantFrom<RowStatus>('sent', 'pending', 'delivered', 'dropped', 'rejected', 'note', 'p2p'),
          }),
          { maxLength: 8 },
        ),
        fc.string({ unit: 'binary', maxLength: 20 }),
        async (specs, name) => {
          const rows = specs.map((s, k) => row(s.label, { n: k + 1, status: s.status, over: 'alice' }));
          const { actors, messages } = await parse(toMermaid(rows, [name, 'bob']));
          expect(actors.size).toBe(3);
          expect(messages).toHaveLength(rows.length);
          messages.forEach((m, k) => {
            expect(m.type).toBe(TYPE_OF[rows[k]!.status]);
            expect(shown(m.message)).toBe(expectedText(rows[k]!));
          });
        },
      ),
      { numRuns: 60 },
    );
  });
});

/**
 * The whole exchange, from the recorded trickle session at each detail level: notes over a
 * peer for its calls and states, arrows straight from peer to peer. SequenceDiagram patches
 * drawn arrows by order (every row that is not a note, in order), so mermaid's messages
 * other than notes must be exactly those rows.
 */
describe('toMermaid of the rows at each detail level', () => {
  const parsed = parseTraceJson(readFileSync(new URL('../../../tests/fixtures/traces/trickle.json', import.meta.url), 'utf8'));
  if (!parsed.ok) throw new Error(parsed.reason);
  const events = parsed.events;

  it.each<[DiagramDetail, string[]]>([
    ['signalling', ['  P0->>P1: 5. offer', '  P1->>P2: 6. offer']],
    ['api', ['  Note over P0: 1. createDataChannel(chat)', '  Note over P0: 6. createOffer()', '  Note over P2: 12. setRemoteDescription(offer)']],
    ['p2p', ['  P0-)P2: 33. data channel is open', '  P2-)P0: 34. data channel is open', '  P0-)P2: 48. data channel: hello over the data cha#8230;']],
  ])('at %s draws %j', (detail, lines) => {
    const text = toMermaid(diagramRows(events, PEERS, detail), PEERS).split('\n');
    for (const line of lines) expect(text).toContain(line);
  });

  it.each<DiagramDetail>(['signalling', 'api', 'p2p'])('at %s, mermaid reads one message per row and the arrows in row order', async (detail) => {
    const rows = diagramRows(events, PEERS, detail);
    await mermaid.parse(toMermaid(rows, PEERS));
    const diagram = await mermaid.mermaidAPI.getDiagramFromText(toMermaid(rows, PEERS));
    const messages = (diagram.db as unknown as { getMessages(): { message: string; type: number }[] }).getMessages();
    expect(messages).toHaveLength(rows.length);
    const NOTE = 2;
    const arrows = messages.filter((m) => m.type !== NOTE).map((m) => Number(/^(\d+)\./.exec(m.message)?.[1]));
    expect(arrows).toEqual(rows.filter((r) => r.status !== 'note').map((r) => r.n));
  });
});
