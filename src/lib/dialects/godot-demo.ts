/**
 * The Godot 3 demo's dialect (goatchurchprime/godot_webrtc_mqtt, Control.gd): every peer has
 * topics <root>/<id>/<leaf>, and a message goes to the RECIPIENT's leaf, so the wire never
 * says who sent it. Everything is QoS 0.
 *
 *   status  "connected", retained; the last will is "stopped", retained (Control.gd:143, :168)
 *   offer   raw SDP text (Control.gd:196-201)        answer  the same
 *   ice     JSON [mid, index, sdp] (Control.gd:206)  chat    plain text (Control.gd:90-93)
 *   chat starting with "$": a latency probe, answered "*<its length>" (Control.gd:236-240)
 *
 * The demo splits topics on "/" and wants three levels (Control.gd:210-212): its root is one
 * level. Fixtures and sources: tests/fixtures/godot/README.md.
 */
import type { Dialect, DialectMessage, ReadResult, WireMessage } from './types';
import type { EchoFormat } from '../latency/echo';
import { LIMITS, candidateProblem, qos0, sizeProblem, writeProblem, clip, isValidPeerId, levelsUnder, parseJson, refuse, sdpProblem } from './common';
import { rootProblem as labRootProblem } from '../signalling/topics';

const LEAVES = ['status', 'offer', 'answer', 'ice', 'chat'] as const;
type Leaf = (typeof LEAVES)[number];

const ONLINE = 'connected';
const WILL = 'stopped';
/** The demo's own probes are 1 KB, 10 KB and 100 KB (Control.gd:39-50): its largest payload. */
export const MAX_PROBE_BYTES = 102_400;
const FILL = 'abcdefghijklmnopqrstuvwxyz';


/** A probe of `bytes` bytes: "$" then letters a–z, as the demo's test buffers are. */
export function latencyProbe(bytes: number): string {
  return `$${FILL.repeat(Math.ceil(bytes / FILL.length)).slice(0, Math.max(0, bytes - 1))}`;
}

/**
 * The demo's latency test as an EchoFormat: a probe is "$" and letters, its answer "*" and
 * the probe's whole length (Control.gd:184-187, :236-240). The answer names no probe, so its
 * length is the id: one probe of a size at a time, as the demo has one timer.
 */
export const DOLLAR_PROBES: EchoFormat = {
  probe: (_seq, size) => {
    if (!Number.isInteger(size) || size < 2 || size > MAX_PROBE_BYTES) throw new RangeError(`the demo's probes are 2–${MAX_PROBE_BYTES} bytes (its largest test is 100 KB)`);
    return { text: latencyProbe(size), id: size };
  },
  read(text) {
    if (text.length > MAX_PROBE_BYTES) return null;
    if (text.startsWith('$')) return { t: 'ping', id: text.length };
    const m = /^\*(\d{1,7})$/.exec(text);
    return m ? { t: 'pong', id: Number(m[1]) } : null;
  },
  answer: (probe) => `*${probe.length}`,
};

/** How each leaf's payload reads; `to` is the topic's peer, the recipient. */
const READERS: Readonly<Record<Exclude<Leaf, 'status'>, (to: string, payload: string) => ReadResult>> = {
  offer: (to, payload) => description('offer', to, payload),
  answer: (to, payload) => description('answer', to, payload),
  ice: (to, payload) => {
    const json = parseJson(payload);
    if (!json.ok) return refuse(`ice: ${json.reason}`);
    const v = json.value;
    if (!Array.isArray(v) || v.length !== 3) return refuse('ice: not the array [mid, index, sdp]');
    const [mid, index, line] = v as unknown[];
    const problem = candidateProblem(mid, index, line);
    if (problem) return refuse(`ice: ${problem}`);
    return {
      ok: true,
      message: { kind: 'candidate', from: null, to, candidate: line as string, sdpMid: mid as string, sdpMLineIndex: index as number },
      reading: 'The array [mid, index, sdp] read as sdpMid, sdpMLineIndex and candidate.',
    };
  },
  chat: (to, payload) => {
    const probe = DOLLAR_PROBES.read(payload);
    if (probe?.t === 'ping') {
      return { ok: true, message: { kind: 'latency-probe', from: null, to, bytes: probe.id }, reading: `Starts with "$": the demo's latency probe, ${probe.id} bytes. Its answer is "*${probe.id}".` };
    }
    if (probe) return { ok: true, message: { kind: 'latency-echo', from: null, to, bytes: probe.id }, reading: `"*${probe.id}": the answer to a ${probe.id}-byte latency probe.` };
    if (payload.startsWith('*')) return refuse(`chat: starts with "*" but is not "*<length>": "${clip(payload, 20)}"`);
    if (payload.length > LIMITS.chat) return refuse(`chat: ${payload.length} chars, over the ${LIMITS.chat}-char limit`);
    if (payload.length === 0) return refuse('chat: empty');
    return { ok: true, message: { kind: 'chat', from: null, to, text: payload }, reading: 'Plain text on the chat topic.' };
  },
};

function description(kind: 'offer' | 'answer', to: string, payload: string): ReadResult {
  const problem = sdpProblem(payload);
  if (problem) return refuse(`${kind}: ${problem}`);
  return { ok: true, message: { kind, from: null, to, sdp: payload }, reading: `Raw SDP text on ${to}'s ${kind} topic: the ${kind} for ${to}.` };
}

/** The message for `self` or, when `self` is null (a watcher), for anyone. */
function read(root: string, self: string | null, topic: string, payload: string): ReadResult {
  const size = sizeProblem(payload, MAX_PROBE_BYTES, "the demo's");
  if (size) return refuse(size);
  const levels = levelsUnder(root, topic);
  if (!levels || levels.length !== 2) return refuse(`topic "${clip(topic, 60)}" is not <root>/<id>/<${LEAVES.join('|')}>`);
  const [peer, leaf] = levels as [string, string];
  if (!isValidPeerId(peer)) return refuse(`"${clip(peer, 40)}" is not a peer id`);
  if (!(LEAVES as readonly string[]).includes(leaf)) return refuse(`"${clip(leaf, 20)}" is not one of the demo's topics (${LEAVES.join(', ')})`);
  if (leaf === 'status') {
    if (payload === '') return { ok: true, message: { kind: 'cleared', from: peer }, reading: 'An empty retained payload: the status is cleared.' };
    if (payload === ONLINE) return { ok: true, message: { kind: 'status', from: peer, status: 'online', will: false, detail: ONLINE }, reading: `"${ONLINE}": ${peer} is online.` };
    if (payload === WILL) return { ok: true, message: { kind: 'status', from: peer, status: 'offline', will: true, detail: WILL }, reading: `"${WILL}": ${peer}'s last will, published by the broker when it dropped.` };
    return refuse(`status "${clip(payload, 20)}" is neither "${ONLINE}" nor "${WILL}"`);
  }
  if (self !== null && peer !== self) return refuse(`on ${peer}'s ${leaf} topic, not ${self}'s`);
  return READERS[leaf as Exclude<Leaf, 'status'>](peer, payload);
}

function write(root: string, self: string, m: DialectMessage): WireMessage | { refused: string } {
  const problem = writeProblem(m);
  if (problem) return { refused: problem };
  switch (m.kind) {
    case 'status':
      return qos0(`${root}/${self}/status`, m.status === 'online' ? ONLINE : WILL, true);
    case 'cleared':
      return qos0(`${root}/${self}/status`, '', true);
    case 'offer':
    case 'answer':
      return qos0(`${root}/${m.to}/${m.kind}`, m.sdp);
    case 'candidate':
      return qos0(`${root}/${m.to}/ice`, JSON.stringify([m.sdpMid, m.sdpMLineIndex, m.candidate]));
    case 'chat':
      if (/^[$*]/.test(m.text)) return { refused: 'the demo reads a chat that starts with $ or * as its latency test' };
      return qos0(`${root}/${m.to}/chat`, m.text);
    case 'latency-probe':
      return qos0(`${root}/${m.to}/chat`, latencyProbe(m.bytes));
    case 'latency-echo':
      return qos0(`${root}/${m.to}/chat`, `*${m.bytes}`);
    case 'handshake':
      return { refused: 'the demo has no handshake: whoever presses "WebRTC connect" offers' };
  }
}

export const godotDemo: Dialect = {
  id: 'godot-demo',
  label: 'Godot 3 demo (godot_webrtc_mqtt)',
  defaultRoot: 'crumble77',
  maxPayloadBytes: MAX_PROBE_BYTES,
  // Control.gd:66: create_data_channel("chat", {"id": 1, "negotiated": true}); put_packet() sends binary.
  channels: [{ label: 'chat', init: { negotiated: true, id: 1 } }],
  binary: true,
  channelChat: true,
  latency: DOLLAR_PROBES,
  scheme: [
    { topic: '<root>/<id>/status', carries: '"connected", retained; the last will "stopped", retained' },
    { topic: '<root>/<to>/offer, /answer', carries: 'the SDP as raw text; the topic names only the recipient' },
    { topic: '<root>/<to>/ice', carries: 'a candidate as the JSON array [mid, index, sdp]' },
    { topic: '<root>/<to>/chat', carries: 'plain text; "$…" is a latency probe, answered "*<its length>"' },
  ],
  rootProblem: (root) => labRootProblem(root) ?? (root.includes('/') ? 'the Godot 3 demo wants <root>/<id>/<topic>, three levels, so its root has no /' : null),
  // The demo's two ids (Control.tscn:115-117); the lab's own page picks other animals.
  randomId: () => (Math.random() < 0.5 ? 'dog111' : 'cat222'),
  idProblem: (id) => (isValidPeerId(id) ? null : 'use 1–32 of A-Z a-z 0-9 _ - (the demo offers dog111 and cat222)'),
  subscriptions: (root, self) => Object.fromEntries([...LEAVES.map((l) => `${root}/${self}/${l}`), `${root}/+/status`].map((t) => [t, { qos: 0 as const }])),
  presence: (root, self) => ({ online: qos0(`${root}/${self}/status`, ONLINE, true), will: qos0(`${root}/${self}/status`, WILL, true) }),
  write,
  read,
};
