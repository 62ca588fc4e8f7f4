import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FakeTimers } from '../testing/fake-timers';
import { CLOSE, LOBBY_LIMITS, describeMessage, parseClientMessage, parseServerMessage, type LobbyLimits } from './protocol';
import { LobbyServer, defaultRandomId, defaultRandomSecret, type LobbyTransport } from './server';

/**
 * Clients are letters; they get ids 101, 102, … in connect order, and lobbies are named
 * LOBBY1, LOBBY2, …. Every frame the server writes is a line `A < TYPE id=… data=…`, every
 * close it starts `A x code reason`. A close completes (onClose) right after the step.
 */
type Step =
  | [client: string, 'connect' | 'close']
  | [client: string, frame: string | Uint8Array | object]
  | ['tick', ms: number];

class Harness {
  readonly timers = new FakeTimers();
  readonly server: LobbyServer;
  readonly out: string[] = [];
  private conns = new Map<string, LobbyTransport>();
  private closing: LobbyTransport[] = [];
  private nextId = 100;
  private nextLobby = 0;

  constructor(limits: Partial<LobbyLimits> = {}, randomId?: () => number) {
    this.server = new LobbyServer({
      limits,
      timers: this.timers,
      randomId: randomId ?? (() => ++this.nextId),
      randomSecret: () => `LOBBY${++this.nextLobby}`,
    });
  }

  step(s: Step): void {
    const [who, what] = s;
    if (who === 'tick') this.timers.advance(what as number);
    else if (what === 'connect') this.connect(who);
    else if (what === 'close') this.server.onClose(this.conn(who), 1000, '');
    else {
      const frame = typeof what === 'string' || what instanceof Uint8Array ? what : JSON.stringify(what);
      this.server.onMessage(this.conn(who), frame);
    }
    this.settle();
  }

  run(steps: Step[]): string[] {
    for (const s of steps) this.step(s);
    return this.out;
  }

  private connect(name: string): void {
    const transport: LobbyTransport = {
      send: (text) => {
        const parsed = parseServerMessage(text);
        this.out.push(`${name} < ${parsed.ok ? describeMessage(parsed.message) : `INVALID ${text}`}`);
      },
      close: (code, reason) => {
        this.out.push(`${name} x ${code} ${reason}`);
        this.closing.push(transport);
      },
    };
    this.conns.set(name, transport);
    this.server.onConnect(transport);
  }

  private conn(name: string): LobbyTransport {
    const t = this.conns.get(name);
    if (!t) throw new Error(`test bug: ${name} never connected`);
    return t;
  }

  /** The close handshakes finish: the server hears each close, which may close others. */
  private settle(): void {
    while (this.closing.length) this.server.onClose(this.closing.shift() as LobbyTransport, 1000, '');
  }
}

const JOIN_MESH = (lobby = '') => ({ type: 0, id: 0, data: lobby });
const JOIN_CS = (lobby = '') => ({ type: 0, id: 1, data: lobby });
const OFFER = (to: number, sdp = 'v=0') => ({ type: 4, id: to, data: sdp });
const ANSWER = (to: number, sdp = 'v=0') => ({ type: 5, id: to, data: sdp });
const CANDIDATE = (to: number, data = '\n0\n0\ncandidate:1 1 udp 1 192.0.2.1 9 typ host') => ({ type: 6, id: to, data });
const SEAL = { type: 7, id: 0, data: '' };

/** A hosts LOBBY1 (mesh), B and C join it. */
const THREE_IN_LOBBY: Step[] = [
  ['A', 'connect'], ['B', 'connect'], ['C', 'connect'],
  ['A', JOIN_MESH()], ['B', JOIN_MESH('LOBBY1')], ['C', JOIN_MESH('LOBBY1')],
];
const THREE_IN_LOBBY_OUT = [
  'A < ID id=1 data="true"',
  'A < JOIN id=0 data="LOBBY1"',
  'B < ID id=102 data="true"',
  'A < PEER_CONNECT id=102 data=""',
  'B < PEER_CONNECT id=1 data=""',
  'B < JOIN id=0 data="LOBBY1"',
  'C < ID id=103 data="true"',
  'A < PEER_CONNECT id=103 data=""',
  'C < PEER_CONNECT id=1 data=""',
  'B < PEER_CONNECT id=103 data=""',
  'C < PEER_CONNECT id=102 data=""',
  'C < JOIN id=0 data="LOBBY1"',
];

interface Case {
  name: string;
  steps: Step[];
  /** Lines after the set-up's own output. */
  expect: string[];
  limits?: Partial<LobbyLimits>;
  setup?: Step[];
}

const sequences: Case[] = [
  {
    name: 'creating a mesh lobby: ID (host is 1, data "true"), then the JOIN echo with its name',
    steps: [['A', 'connect'], ['A', JOIN_MESH()]],
    expect: ['A < ID id=1 data="true"', 'A < JOIN id=0 data="LOBBY1"'],
  },
  {
    name: 'JOIN with id 1 makes a client/server lobby: ID data is empty, the host is still 1',
    steps: [['A', 'connect'], ['B', 'connect'], ['A', JOIN_CS()], ['B', JOIN_CS('LOBBY1')]],
    expect: [
      'A < ID id=1 data=""', 'A < JOIN id=0 data="LOBBY1"',
      'B < ID id=102 data=""', 'A < PEER_CONNECT id=102 data=""', 'B < PEER_CONNECT id=1 data=""', 'B < JOIN id=0 data="LOBBY1"',
    ],
  },
  {
    name: 'the mode is the lobby creator\'s: a mesh JOIN into a client/server lobby gets data ""',
    steps: [['A', 'connect'], ['B', 'connect'], ['A', JOIN_CS()], ['B', JOIN_MESH('LOBBY1')]],
    expect: [
      'A < ID id=1 data=""', 'A < JOIN id=0 data="LOBBY1"',
      'B < ID id=102 data=""', 'A < PEER_CONNECT id=102 data=""', 'B < PEER_CONNECT id=1 data=""', 'B < JOIN id=0 data="LOBBY1"',
    ],
  },
  {
    name: 'three peers join: each newcomer hears ID, PEER_CONNECT for each member in join order, then JOIN',
    steps: THREE_IN_LOBBY,
    expect: THREE_IN_LOBBY_OUT,
  },
  {
    name: 'OFFER, ANSWER and CANDIDATE are relayed with id rewritten to the sender (host = 1)',
    setup: THREE_IN_LOBBY,
    steps: [['B', OFFER(1, 'offer-sdp')], ['A', ANSWER(102, 'answer-sdp')], ['B', CANDIDATE(103)], ['C', CANDIDATE(1, '\n0\n0\nc')]],
    expect: [
      'A < OFFER id=102 data="offer-sdp"',
      'B < ANSWER id=1 data="answer-sdp"',
      'C < CANDIDATE id=102 data="\\n0\\n0\\ncandidate:1 1 udp 1 192.0.2.1 9 typ host"',
      'A < CANDIDATE id=103 data="\\n0\\n0\\nc"',
    ],
  },
  {
    name: 'numbers are floored as server.js does: type 4.9 is an OFFER, id 102.5 is 102; a missing data is ""',
    setup: THREE_IN_LOBBY,
    steps: [['C', { type: 4.9, id: 102.5 }]],
    expect: ['B < OFFER id=103 data=""'],
  },
  {
    name: 'the host can address a peer by its real id, and anyone can address themselves',
    setup: THREE_IN_LOBBY,
    steps: [['A', OFFER(103)], ['B', OFFER(102)], ['A', OFFER(1)]],
    expect: ['C < OFFER id=1 data="v=0"', 'B < OFFER id=102 data="v=0"', 'A < OFFER id=1 data="v=0"'],
  },
  {
    name: 'a peer leaving: every other member gets PEER_DISCONNECT with its id',
    setup: THREE_IN_LOBBY,
    steps: [['B', 'close']],
    expect: ['A < PEER_DISCONNECT id=102 data=""', 'C < PEER_DISCONNECT id=102 data=""'],
  },
  {
    name: 'the host leaving closes everyone (4000) and deletes the lobby',
    setup: THREE_IN_LOBBY,
    steps: [['A', 'close'], ['D', 'connect'], ['D', JOIN_MESH('LOBBY1')]],
    expect: [
      'B x 4000 Room host has disconnected',
      'C x 4000 Room host has disconnected',
      'D x 4000 Lobby does not exists',
    ],
  },
  {
    name: 'SEAL: everyone hears SEAL, joins are refused, and after 10 s all are closed with 1000',
    setup: THREE_IN_LOBBY,
    steps: [
      ['A', SEAL], ['D', 'connect'], ['D', JOIN_MESH('LOBBY1')],
      ['tick', 9_999], ['B', OFFER(103, 'still relayed')], ['tick', 1],
      ['E', 'connect'], ['E', JOIN_MESH('LOBBY1')],
    ],
    expect: [
      'A < SEAL id=0 data=""', 'B < SEAL id=0 data=""', 'C < SEAL id=0 data=""',
      'D x 4000 Lobby is sealed',
      'C < OFFER id=102 data="still relayed"',
      'A x 1000 Seal complete', 'B x 1000 Seal complete', 'C x 1000 Seal complete',
      'E x 4000 Lobby does not exists',
    ],
  },
  {
    name: 'a second SEAL is announced again but does not move the deadline',
    setup: THREE_IN_LOBBY,
    steps: [['A', SEAL], ['tick', 5_000], ['A', SEAL], ['tick', 5_000]],
    expect: [
      'A < SEAL id=0 data=""', 'B < SEAL id=0 data=""', 'C < SEAL id=0 data=""',
      'A < SEAL id=0 data=""', 'B < SEAL id=0 data=""', 'C < SEAL id=0 data=""',
      'A x 1000 Seal complete', 'B x 1000 Seal complete', 'C x 1000 Seal complete',
    ],
  },
  {
    name: 'the host leaving a sealed lobby closes the rest with 4000 at once, and cancels the seal timer',
    setup: THREE_IN_LOBBY,
    steps: [['A', SEAL], ['A', 'close'], ['tick', 60_000]],
    expect: [
      'A < SEAL id=0 data=""', 'B < SEAL id=0 data=""', 'C < SEAL id=0 data=""',
      'B x 4000 Room host has disconnected', 'C x 4000 Room host has disconnected',
    ],
  },
  {
    name: 'a peer leaving a sealed lobby is still announced (server.js does not check sealed there)',
    setup: THREE_IN_LOBBY,
    steps: [['A', SEAL], ['C', 'close']],
    expect: [
      'A < SEAL id=0 data=""', 'B < SEAL id=0 data=""', 'C < SEAL id=0 data=""',
      'A < PEER_DISCONNECT id=103 data=""', 'B < PEER_DISCONNECT id=103 data=""',
    ],
  },
  {
    name: 'not joining a lobby within 1 s closes the connection; joining in time keeps it',
    steps: [['A', 'connect'], ['B', 'connect'], ['tick', 500], ['B', JOIN_MESH()], ['tick', 499], ['tick', 1], ['tick', 60_000]],
    expect: ['B < ID id=1 data="true"', 'B < JOIN id=0 data="LOBBY1"', 'A x 4000 Have not joined lobby yet'],
  },
  {
    name: 'frames that arrive after the server closed a connection are ignored',
    steps: [['A', 'connect'], ['A', 'garbage'], ['A', JOIN_MESH()]],
    expect: ['A x 4000 Invalid message format'],
  },
  {
    name: 'maxPeers: the next connection is refused with 4000 until someone leaves',
    limits: { maxPeers: 2 },
    steps: [['A', 'connect'], ['B', 'connect'], ['C', 'connect'], ['A', 'close'], ['D', 'connect'], ['D', JOIN_MESH()]],
    expect: ['C x 4000 Too many peers connected', 'D < ID id=1 data="true"', 'D < JOIN id=0 data="LOBBY1"'],
  },
  {
    name: 'maxLobbies: creating one more is refused; joining an existing one is fine',
    limits: { maxLobbies: 1 },
    steps: [['A', 'connect'], ['B', 'connect'], ['C', 'connect'], ['A', JOIN_MESH()], ['B', JOIN_MESH()], ['C', JOIN_MESH('LOBBY1')]],
    expect: [
      'A < ID id=1 data="true"', 'A < JOIN id=0 data="LOBBY1"',
      'B x 4000 Too many lobbies open, disconnecting',
      'C < ID id=103 data="true"', 'A < PEER_CONNECT id=103 data=""', 'C < PEER_CONNECT id=1 data=""', 'C < JOIN id=0 data="LOBBY1"',
    ],
  },
];

describe('LobbyServer message sequences (server_node/server.js behaviour)', () => {
  it.each(sequences)('$name', ({ steps, expect: expected, limits, setup }) => {
    const h = new Harness(limits);
    const before = setup ? h.run(setup).length : 0;
    expect(h.run(steps).slice(before)).toEqual(expected);
    h.server.dispose();
  });
});

const big = JSON.stringify({ type: 0, id: 0, data: 'x'.repeat(LOBBY_LIMITS.maxMessageBytes) });

/** Bad input from B, who is a member of LOBBY1 (host A) unless `outside`. D is in LOBBY2. */
const badInput: [name: string, frame: string | Uint8Array | object, expected: (typeof CLOSE)[keyof typeof CLOSE], outside?: boolean][] = [
  ['not JSON', 'hello', CLOSE.INVALID_FORMAT],
  ['truncated JSON', '{"type":4,', CLOSE.INVALID_FORMAT],
  ['JSON null (server.js would throw a TypeError)', 'null', CLOSE.INVALID_FORMAT],
  ['a JSON array', '[4,1,"x"]', CLOSE.INVALID_FORMAT],
  ['a JSON number', '4', CLOSE.INVALID_FORMAT],
  ['no type', { id: 1, data: 'x' }, CLOSE.INVALID_FORMAT],
  ['no id', { type: 4, data: 'x' }, CLOSE.INVALID_FORMAT],
  ['type as a string', { type: '4', id: 1, data: 'x' }, CLOSE.INVALID_FORMAT],
  ['negative type', { type: -1, id: 1 }, CLOSE.INVALID_FORMAT],
  ['negative id', { type: 4, id: -5 }, CLOSE.INVALID_FORMAT],
  ['a binary frame', new Uint8Array([0x7b, 0x7d]), CLOSE.INVALID_TRANSFER_MODE],
  ['a frame over 64 KiB', big, CLOSE.MESSAGE_TOO_BIG],
  ['an unknown type', { type: 99, id: 1 }, CLOSE.INVALID_CMD],
  ['a server-only type (ID)', { type: 1, id: 1 }, CLOSE.INVALID_CMD],
  ['a server-only type (PEER_CONNECT)', { type: 2, id: 1 }, CLOSE.INVALID_CMD],
  ['a server-only type (PEER_DISCONNECT)', { type: 3, id: 1 }, CLOSE.INVALID_CMD],
  ['relaying to a peer in another lobby', OFFER(104), CLOSE.INVALID_DEST],
  ['relaying to an id nobody has', ANSWER(999), CLOSE.INVALID_DEST],
  ['relaying to id 0', CANDIDATE(0), CLOSE.INVALID_DEST],
  ['relaying to a connected peer outside any lobby', OFFER(103), CLOSE.INVALID_DEST],
  ['sealing when not the host', SEAL, CLOSE.ONLY_HOST_CAN_SEAL],
  ['creating a lobby when already in one', JOIN_MESH(), CLOSE.ALREADY_IN_LOBBY],
  ['joining another lobby when already in one (adapted: server.js allows it)', JOIN_MESH('LOBBY2'), CLOSE.ALREADY_IN_LOBBY],
  ['joining a lobby that does not exist', JOIN_MESH('NOPE'), CLOSE.LOBBY_DOES_NOT_EXISTS, true],
  ['relaying before joining', OFFER(1), CLOSE.NEED_LOBBY, true],
  ['an unknown type before joining', { type: 99, id: 0 }, CLOSE.NEED_LOBBY, true],
  ['sealing before joining', SEAL, CLOSE.NEED_LOBBY, true],
];

describe('LobbyServer bad input closes the sender with server.js\'s code and reason', () => {
  it.each(badInput)('%s', (_name, frame, expected, outside) => {
    const h = new Harness();
    const setup: Step[] = [
      ['A', 'connect'], ['B', 'connect'], ['C', 'connect'], ['D', 'connect'],
      ['A', JOIN_MESH()], ['D', JOIN_MESH()],
      ...(outside ? [] : [['B', JOIN_MESH('LOBBY1')] as Step]),
    ];
    const before = h.run(setup).length;
    const after = h.run([['B', frame]]).slice(before);
    // B is closed, and when B was a member the host hears it leave. Nobody else hears a thing.
    expect(after).toEqual([`B x ${expected.code} ${expected.reason}`, ...(outside ? [] : ['A < PEER_DISCONNECT id=102 data=""'])]);
    // The server keeps serving the others.
    expect(h.run([['D', OFFER(1, 'to myself')]]).at(-1)).toBe('D < OFFER id=1 data="to myself"');
    h.server.dispose();
  });
});

describe('ids and lobby names', () => {
  it('skips 0, 1 and ids in use from the random source', () => {
    const ids = [0, 1, 101, 101, 1.5, -3, 102];
    const h = new Harness({}, () => ids.shift() ?? 500);
    const out = h.run([['A', 'connect'], ['B', 'connect'], ['B', JOIN_MESH()], ['A', JOIN_MESH('LOBBY1')]]);
    expect(out).toContain('A < ID id=101 data="true"');
    expect(h.server.snapshot().lobbies).toEqual([{ name: 'LOBBY1', hostId: 102, mesh: true, sealed: false, peers: [1, 101] }]);
  });

  it('a constant random source cannot hang the server', () => {
    const h = new Harness({}, () => 7);
    h.run([['A', 'connect'], ['B', 'connect'], ['C', 'connect'], ['A', JOIN_MESH()], ['B', JOIN_MESH('LOBBY1')], ['C', JOIN_MESH('LOBBY1')]]);
    expect(h.server.snapshot().lobbies[0].peers).toEqual([1, 2, 3]);
  });

  it('defaults: ids are 31-bit, lobby names are 16 characters of A-Z a-z 0-9', () => {
    fc.assert(fc.property(fc.constant(null), () => {
      const id = defaultRandomId();
      return Number.isInteger(id) && id >= 0 && id < 2 ** 31;
    }));
    expect(defaultRandomSecret()).toMatch(/^[A-Za-z0-9]{16}$/);
    expect(defaultRandomSecret(() => 0)).toBe('AAAAAAAAAAAAAAAA');
    expect(defaultRandomSecret(() => 0.999999)).toBe('9999999999999999');
  });
});

describe('LobbyServer never throws on arbitrary input', () => {
  const frame = fc.oneof(
    fc.string(),
    fc.string({ unit: 'binary' }),
    fc.uint8Array({ maxLength: 64 }),
    fc.json().map(String),
    fc
      .record(
        {
          type: fc.oneof(fc.integer({ min: -2, max: 9 }), fc.double(), fc.string()),
          id: fc.oneof(fc.constantFrom(0, 1, 101, 102, 103), fc.integer(), fc.double(), fc.constant(null)),
          data: fc.oneof(fc.constantFrom('', 'LOBBY1', 'LOBBY2'), fc.string(), fc.integer()),
        },
        { requiredKeys: [] },
      )
      .map((o) => JSON.stringify(o)),
    fc.constant(big),
  );
  const step = fc.oneof(
    fc.tuple(fc.constantFrom('A', 'B', 'C'), frame),
    fc.tuple(fc.constantFrom('A', 'B', 'C'), fc.constant('close' as const)),
    fc.tuple(fc.constant('tick' as const), fc.integer({ min: 0, max: 12_000 })),
  );
  const codes = new Set<number>(Object.values(CLOSE).map((c) => c.code));
  const reasons = new Set<string>(Object.values(CLOSE).map((c) => c.reason));

  it('every input ends in valid replies or a close with a known code and reason', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 30 }), (steps) => {
        const h = new Harness({ maxLobbies: 2 });
        const closed = new Set<string>();
        h.run([['A', 'connect'], ['B', 'connect'], ['C', 'connect']]);
        for (const s of steps) {
          const before = h.out.length;
          const wasOpen = s[0] !== 'tick' && !closed.has(s[0]);
          h.step(s as Step);
          if (s[0] !== 'tick' && s[1] === 'close') closed.add(s[0]);
          // A frame the parser refuses closes its (open) sender with exactly that reason.
          if (wasOpen && s[1] !== 'close') {
            const parsed = parseClientMessage(s[1] as string | Uint8Array);
            if (!parsed.ok) expect(h.out.slice(before)[0]).toBe(`${s[0]} x ${parsed.close.code} ${parsed.close.reason}`);
          }
          for (const line of h.out.slice(before)) {
            const m = /^([ABC]) (<|x) (.*)$/.exec(line);
            expect(m, line).not.toBeNull();
            const [, who, dir, rest] = m as RegExpExecArray;
            if (dir === '<') expect(rest).not.toMatch(/^INVALID/);
            else {
              const [, code, reason] = /^(\d+) (.+)$/.exec(rest) as RegExpExecArray;
              expect(codes.has(Number(code)) && reasons.has(reason), line).toBe(true);
              closed.add(who);
            }
          }
        }
        // Whatever happened, the lobbies are consistent: a host is 1, ids are unique.
        for (const lobby of h.server.snapshot().lobbies) {
          expect(new Set(lobby.peers).size).toBe(lobby.peers.length);
          expect(lobby.peers.filter((p) => p === 1).length).toBeLessThanOrEqual(1);
        }
        h.server.dispose();
      }),
      { numRuns: 300 },
    );
  });
});

describe('backpressure (ours: server.js has none)', () => {
  /** A client that reads everything (buffered stays 0), or one that stops reading (it only grows). */
  function client(server: LobbyServer, reads: boolean) {
    const got: string[] = [];
    const closes: string[] = [];
    let buffered = 0;
    const transport: LobbyTransport = {
      send: (text) => {
        got.push(text);
        if (!reads) buffered += text.length;
      },
      close: (code, reason) => closes.push(`${code} ${reason}`),
      bufferedAmount: () => buffered,
    };
    server.onConnect(transport);
    return { transport, got, closes };
  }

  it('closes a client whose send buffer passes the bound with 1008 and a reason, drops what follows, and serves the rest', () => {
    let id = 100;
    const server = new LobbyServer({ limits: { maxBufferedBytes: 2000 }, randomId: () => ++id, randomSecret: () => 'L' });
    const host = client(server, true);
    const slow = client(server, false);
    server.onMessage(host.transport, JSON.stringify({ type: 0, id: 0, data: '' }));
    server.onMessage(slow.transport, JSON.stringify({ type: 0, id: 0, data: 'L' }));
    const offer = JSON.stringify({ type: 4, id: 102, data: 'x'.repeat(500) });
    for (let n = 0; n < 10; n++) server.onMessage(host.transport, offer);
    expect(slow.closes).toEqual([`${CLOSE.SLOW_READER.code} ${CLOSE.SLOW_READER.reason}`]);
    expect(CLOSE.SLOW_READER.code).toBe(1008);
    // Closed by the send that took the buffer past 2,000 bytes: ~100 bytes of join replies, then the 4th offer of ~530.
    expect(slow.got.filter((t) => t.startsWith('{"type":4')).length).toBe(4);
    expect(host.closes).toEqual([]);
    // A client that reads is never closed, however much it is sent.
    server.onMessage(slow.transport, JSON.stringify({ type: 4, id: 1, data: 'x'.repeat(500) }));
    expect(host.closes).toEqual([]);
  });
});
