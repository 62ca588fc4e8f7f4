/**
 * The Godot 4 networking workbench's dialect (goatchurchprime/godot_multiplayer_networking_workbench,
 * addons/player-networking/MQTTsignalling.gd). Everything is QoS 0; JSON is written with its
 * keys sorted, as Godot's JSON.stringify does.
 *
 *   <room>/<id>/status              {"playername":…,"subject":"unconnected"|"serveropen"|"connectto"|"closed",…},
 *                                   retained; the will is {"comment":"by_will","subject":"closed"} (:94-102, :194-195)
 *   <room>/<from>/packet/<to>       {"subject":"request_connection"|"connection_accepted"|"request_offer"},
 *                                   {"data":sdp,"subject":"offer"|"answer"},
 *                                   {"index_name":…,"mid_name":…,"sdp_name":…,"subject":"ice_candidate"}
 *   <room>/<from>/message/<to>      raw text (:234-236)
 *
 * Ids are "x" and a number: the server makes a multiplayer peer id of it with int() (:332),
 * and the server itself is 1. Fixtures and sources: tests/fixtures/godot/README.md.
 */
import type { Dialect, DialectMessage, ReadResult, WireMessage } from './types';
import { LIMITS, candidateProblem, qos0, sizeProblem, writeProblem, clip, isValidPeerId, levelsUnder, parseJson, refuse, sdpProblem, sortedJson } from './common';
import { isRecord } from '../signalling/shape';
import { rootProblem } from '../signalling/topics';
import { MAX_PAYLOAD_BYTES } from '../signalling/types';

/** Status subjects the workbench publishes (MQTTsignalling.gd:178, :299, :384, :207), and what each says. */
const STATUS: Readonly<Record<string, string>> = {
  unconnected: 'here, not yet a server or a client',
  serveropen: 'a server, open for clients',
  connectto: 'a client of the server it names',
  connecting: 'connecting',
  closed: 'gone',
};
const HANDSHAKE = ['request_connection', 'connection_accepted', 'request_offer'] as const;
const WILL_PAYLOAD = sortedJson({ subject: 'closed', comment: 'by_will' });
/** "x" and 2–2147483641 (MQTTsignalling.gd:187-191). */
const ID = /^x([1-9]\d{0,9})$/;


function readStatus(from: string, payload: string): ReadResult {
  if (payload === '') return { ok: true, message: { kind: 'cleared', from }, reading: 'An empty retained payload: another peer cleared this closed status.' };
  const json = parseJson(payload);
  if (!json.ok) return refuse(`status: ${json.reason}`);
  const v = json.value;
  if (!isRecord(v) || typeof v.subject !== 'string') return refuse('status: not an object with a "subject"');
  const about = STATUS[v.subject];
  if (!about) return refuse(`status: unknown subject "${clip(v.subject, 24)}"`);
  const will = v.subject === 'closed' && v.comment === 'by_will';
  const name = typeof v.playername === 'string' ? ` (${clip(v.playername, 32)})` : '';
  const selected = v.subject === 'connectto' && typeof v.selectedserver === 'string' && isValidPeerId(v.selectedserver) ? v.selectedserver : null;
  const server = selected ? ` ${selected}` : '';
  return {
    ok: true,
    message: { kind: 'status', from, status: v.subject === 'closed' ? 'offline' : 'online', will, detail: v.subject, ...(selected ? { server: selected } : {}) },
    reading: will ? `"closed", "by_will": ${from}'s last will, published by the broker.` : `"${v.subject}": ${from}${name} is ${about}${server}.`,
  };
}

function readPacket(from: string, to: string, payload: string): ReadResult {
  const json = parseJson(payload);
  if (!json.ok) return refuse(`packet: ${json.reason}`);
  const v = json.value;
  if (!isRecord(v) || typeof v.subject !== 'string') return refuse('packet: not an object with a "subject"');
  const subject = v.subject;
  if ((HANDSHAKE as readonly string[]).includes(subject)) {
    return { ok: true, message: { kind: 'handshake', from, to, subject }, reading: `"${subject}": a step of the workbench's handshake before the server offers.` };
  }
  if (subject === 'offer' || subject === 'answer') {
    const problem = sdpProblem(v.data);
    if (problem) return refuse(`${subject}: ${problem}`);
    return { ok: true, message: { kind: subject, from, to, sdp: v.data as string }, reading: `{"data": sdp, "subject": "${subject}"}: the SDP is "data".` };
  }
  if (subject === 'ice_candidate') {
    const problem = candidateProblem(v.mid_name, v.index_name, v.sdp_name);
    if (problem) return refuse(`ice_candidate: ${problem}`);
    return {
      ok: true,
      message: { kind: 'candidate', from, to, candidate: v.sdp_name as string, sdpMid: v.mid_name as string, sdpMLineIndex: v.index_name as number },
      reading: 'mid_name, index_name and sdp_name read as sdpMid, sdpMLineIndex and candidate.',
    };
  }
  return refuse(`packet: unknown subject "${clip(subject, 24)}"`);
}

function read(room: string, self: string | null, topic: string, payload: string): ReadResult {
  const size = sizeProblem(payload, MAX_PAYLOAD_BYTES, "the lab's");
  if (size) return refuse(size);
  const levels = levelsUnder(room, topic);
  const shape = `<room>/<id>/status, <room>/<from>/packet/<to> or <room>/<from>/message/<to>`;
  if (!levels) return refuse(`topic "${clip(topic, 60)}" is not under the room`);
  // The room may hold "/" (the workbench reads topics from their end, MQTTsignalling.gd:258-290);
  // below it: <from>/status, or <from>/packet|message/<to>.
  const [from = '', what = '', to = ''] = levels;
  const status = levels.length === 2 && what === 'status';
  if (!status && !(levels.length === 3 && (what === 'packet' || what === 'message'))) return refuse(`topic "${clip(topic, 60)}" is not ${shape}`);
  if (!isValidPeerId(from)) return refuse(`"${clip(from, 40)}" is not a peer id`);
  if (status) return readStatus(from, payload);
  if (!isValidPeerId(to)) return refuse(`"${clip(to, 40)}" is not a peer id`);
  if (self !== null && to !== self) return refuse(`addressed to ${to}, not ${self}`);
  if (what === 'message') {
    if (payload.length === 0 || payload.length > LIMITS.chat) return refuse(`message: ${payload.length} chars, not 1–${LIMITS.chat}`);
    return { ok: true, message: { kind: 'chat', from, to, text: payload }, reading: 'Raw text on the message topic.' };
  }
  return readPacket(from, to, payload);
}

function write(room: string, self: string, m: DialectMessage): WireMessage | { refused: string } {
  const packet = (to: string, body: Record<string, string | number>) => qos0(`${room}/${self}/packet/${to}`, sortedJson(body));
  const problem = writeProblem(m);
  if (problem) return { refused: problem };
  switch (m.kind) {
    case 'status': {
      const subject = m.status === 'offline' ? 'closed' : m.detail in STATUS && m.detail !== 'closed' ? m.detail : 'unconnected';
      // A server says how many it serves (always 0 in the workbench, :299); a client names its server (:384).
      const extra: Record<string, string | number> = subject === 'serveropen' ? { nconnections: 0 } : subject === 'connectto' && m.server ? { selectedserver: m.server } : {};
      return qos0(`${room}/${self}/status`, sortedJson({ subject, playername: self, ...extra }), true);
    }
    case 'cleared':
      return qos0(`${room}/${m.from}/status`, '', true);
    case 'offer':
    case 'answer':
      return packet(m.to, { subject: m.kind, data: m.sdp });
    case 'candidate':
      // writeProblem refused a null mid or index above.
      return packet(m.to, { subject: 'ice_candidate', mid_name: m.sdpMid!, index_name: m.sdpMLineIndex!, sdp_name: m.candidate });
    case 'handshake':
      return packet(m.to, { subject: m.subject });
    case 'chat':
      return qos0(`${room}/${self}/message/${m.to}`, m.text);
    case 'latency-probe':
    case 'latency-echo':
      return { refused: 'the workbench has no latency test over MQTT' };
  }
}

export const godotWorkbench: Dialect = {
  id: 'godot-workbench',
  label: 'Godot 4 networking workbench',
  defaultRoot: 'cabbage',
  maxPayloadBytes: MAX_PAYLOAD_BYTES,
  // WebRTCMultiplayerPeer.add_peer() (webrtc_multiplayer_peer.cpp): three negotiated channels,
  // reliable, ordered with a 1 ms lifetime, and unordered with a 1 ms lifetime.
  channels: [
    { label: 'reliable', init: { negotiated: true, id: 1, ordered: true } },
    { label: 'ordered', init: { negotiated: true, id: 2, ordered: true, maxPacketLifeTime: 1 } },
    { label: 'unreliable', init: { negotiated: true, id: 3, ordered: false, maxPacketLifeTime: 1 } },
  ],
  binary: true,
  // The channels carry Godot's SceneMultiplayer packets, not text: chat goes over <from>/message/<to>.
  channelChat: false,
  handshake: {
    serverStatus: 'serveropen',
    opening: 'request_connection',
    on: {
      // The server accepts and says again that it is open (:333-336).
      request_connection: { reply: 'connection_accepted', status: 'serveropen' },
      // The client says whose it is, then asks for the offer (:381-385, :418).
      connection_accepted: { reply: 'request_offer', status: 'connectto' },
      // The server makes the connection and offers (:338-348).
      request_offer: { offer: true },
    },
  },
  scheme: [
    { topic: '<root>/<id>/status', carries: 'JSON {"subject": "unconnected" | "serveropen" | "connectto" | "closed", "playername": …}, retained' },
    { topic: '<root>/<from>/packet/<to>', carries: 'JSON by "subject": the handshake, "offer" / "answer" with "data", "ice_candidate"' },
    { topic: '<root>/<from>/message/<to>', carries: 'raw text' },
  ],
  rootProblem,
  // MQTTsignalling.gd:191: "x%d" % (2 + (randi() % 0x7ffffff8)).
  randomId: () => `x${2 + Math.floor(Math.random() * 0x7ffffff8)}`,
  idProblem: (id) => {
    const m = ID.exec(id);
    return m && Number(m[1]) >= 2 && Number(m[1]) <= 2147483641 ? null : 'the workbench makes a number of an id (int("x123") is 123; the server is 1): use x and 2–2147483641, e.g. x12345678';
  },
  subscriptions: (room, self) => ({
    [`${room}/+/status`]: { qos: 0 },
    [`${room}/+/packet/${self}`]: { qos: 0 },
    [`${room}/+/message/${self}`]: { qos: 0 },
  }),
  presence: (room, self) => ({
    online: qos0(`${room}/${self}/status`, sortedJson({ subject: 'unconnected', playername: self }), true),
    will: qos0(`${room}/${self}/status`, WILL_PAYLOAD, true),
  }),
  write,
  read,
};
