/**
 * The topic scheme: where each signal lives on the broker.
 *
 *   <root>/<peerId>/status   that peer's presence, a JSON StatusSignal
 *                            ({"kind":"status","status":"online",…}).
 *                            Published retained, QoS 1, so a peer that subscribes later
 *                            still learns who is here (MQTT 3.1.1 §3.3.1.3).
 *                            The peer's last will is the same topic with status "offline",
 *                            reason "will", retained: when the peer drops without a
 *                            DISCONNECT, the broker publishes it for them (§3.1.2.5).
 *
 *   <root>/<peerId>/signal   every offer, answer, candidate and end-of-candidates
 *                            addressed TO that peer; the kind is inside the JSON.
 *                            QoS 1, not retained: a stale offer must not be replayed
 *                            to the next session.
 *
 * Each peer subscribes to  <root>/+/status  (everyone's presence) and to its own
 * <root>/<self>/signal  (its inbox). To watch a whole session from a terminal:
 *
 *   mosquitto_sub -h test.mosquitto.org -p 1883 -t 'webrtc-lab/ab12cd34/#' -v
 *
 * <root> defaults to webrtc-lab/<8 random characters>, so sessions on a public broker
 * do not see each other by accident. It is not a secret: anyone who knows it can
 * publish there, which is why every payload is validated (./codec.ts).
 */

/** Peer ids: one topic level, safe in a shell, a URL and a mermaid alias. */
const PEER_ID = /^[A-Za-z0-9_-]{1,32}$/;

/** Our own cap on the root (MQTT allows 65535 bytes, §4.7.3; nobody types that). */
export const MAX_ROOT_BYTES = 128;

export const ROOT_PREFIX = 'webrtc-lab';

/** The last topic level names what is published there. */
export const TOPIC_SUFFIX = { status: 'status', signal: 'signal' } as const;
export type TopicKind = keyof typeof TOPIC_SUFFIX;

export type ParsedTopic = { kind: TopicKind; peer: string };

export function isValidPeerId(id: unknown): boolean {
  return typeof id === 'string' && PEER_ID.test(id);
}

/**
 * Rules for a topic root we publish under (MQTT 3.1.1 §4.7 and §1.5.3), in order, each with
 * the reason a reader is shown. Beyond MQTT's own: no invisible format characters, since a
 * root is shared as a link and read by people (U+202E turns `lab/evil` into what reads as
 * `lab/live`, a zero-width space makes two roots look alike).
 */
const ROOT_RULES: readonly { broken: (root: string) => boolean; reason: string }[] = [
  { broken: (r) => r === '', reason: 'it is empty' },
  { broken: (r) => !r.isWellFormed(), reason: 'it holds a lone surrogate, which is not UTF-8 (MQTT 3.1.1 §1.5.3)' },
  { broken: (r) => utf8Length(r) > MAX_ROOT_BYTES, reason: `it is over ${MAX_ROOT_BYTES} bytes of UTF-8` },
  { broken: (r) => /[+#]/.test(r), reason: 'it holds a wildcard, + or #, which a topic name may not (§4.7.1)' },
  { broken: (r) => /\p{Cc}/u.test(r), reason: 'it holds a control character (§1.5.3)' },
  {
    broken: (r) => /[\p{Cf}\p{Zl}\p{Zp}\p{Noncharacter_Code_Point}]/u.test(r),
    reason: 'it holds an invisible format character (a bidi control such as U+202E, a zero-width one, a line separator or a noncharacter), which would make it read as another root',
  },
  { broken: (r) => r.startsWith('$'), reason: 'it starts with $, which marks the broker\'s own topics (§4.7.2)' },
  // `a//b` is legal MQTT, a zero-length level, and a different topic from `a/b` (§4.7.1.1).
  { broken: (r) => r.split('/').includes(''), reason: 'it has an empty level: a leading, trailing or double /' },
];

/** Why `root` cannot be a topic root we publish under, or null when it can. */
export function rootProblem(root: unknown): string | null {
  if (typeof root !== 'string') return 'it is not text';
  return ROOT_RULES.find((rule) => rule.broken(root))?.reason ?? null;
}

export function isValidRoot(root: unknown): boolean {
  return rootProblem(root) === null;
}

// #region topics
export function statusTopic(root: string, id: string): string {
  return `${root}/${id}/${TOPIC_SUFFIX.status}`;
}

export function signalTopic(root: string, id: string): string {
  return `${root}/${id}/${TOPIC_SUFFIX.signal}`;
}

// #region subscriptions
/**
 * What a peer subscribes to, in mqtt.js `subscribe()` form. `qos` is the highest QoS the
 * broker may use towards us (§3.8.3.1); the MQTT chapter asks for 2 to show every handshake.
 */
export function subscriptionsFor(root: string, selfId: string, qos: 0 | 1 | 2 = 1): Record<string, { qos: 0 | 1 | 2 }> {
  return {
    [`${root}/+/${TOPIC_SUFFIX.status}`]: { qos },
    [signalTopic(root, selfId)]: { qos },
  };
}
// #endregion subscriptions
// #endregion topics

/** `<root>/<peer>/status|signal` → its kind and peer; anything else → null. Never throws. */
export function parseTopic(root: string, topic: string): ParsedTopic | null {
  if (typeof topic !== 'string' || typeof root !== 'string') return null;
  const prefix = `${root}/`;
  if (!topic.startsWith(prefix)) return null;
  const levels = topic.slice(prefix.length).split('/');
  if (levels.length !== 2) return null;
  const [peer, suffix] = levels as [string, string];
  if (!isValidPeerId(peer)) return null;
  const kind = (Object.keys(TOPIC_SUFFIX) as TopicKind[]).find((k) => TOPIC_SUFFIX[k] === suffix);
  return kind ? { kind, peer } : null;
}

/**
 * The command a tinkerer runs to watch a session. mosquitto_sub speaks MQTT over TCP,
 * so host/port are the broker's TCP listener (1883), not the page's ws:// URL.
 * Every argument that is not plainly safe is single-quoted for POSIX shells.
 */
export function mosquittoSubCommand(root: string, host = 'localhost', port = 1883): string {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new RangeError(`port must be an integer 1–65535, got ${String(port)}`);
  }
  return `mosquitto_sub -h ${shellQuote(host)} -p ${port} -t ${shellQuote(`${root}/#`, true)} -v`;
}

/**
 * The `mosquitto_pub` command that publishes the same message again: same topic, QoS and
 * retain flag (`-r`), payload as `-m`. A payload with a NUL cannot pass through a shell
 * argument, so it is refused.
 */
export function mosquittoPubCommand(
  message: { topic: string; payload: string; qos: 0 | 1 | 2; retain: boolean },
  host = 'localhost',
  port = 1883,
): string {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new RangeError(`port must be an integer 1–65535, got ${String(port)}`);
  }
  if (message.payload.includes('\0')) throw new RangeError('a payload with a NUL byte cannot be passed as a shell argument');
  const flags = [`-q ${message.qos}`, ...(message.retain ? ['-r'] : [])].join(' ');
  return `mosquitto_pub -h ${shellQuote(host)} -p ${port} -t ${shellQuote(message.topic, true)} ${flags} -m ${shellQuote(message.payload, true)}`;
}

/**
 * POSIX single quotes: nothing inside is special except `'` itself, which becomes
 * `'\''` (close, escaped quote, reopen).
 */
export function shellQuote(arg: string, always = false): string {
  if (!always && /^[A-Za-z0-9_.:@,/-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

const ROOT_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** `webrtc-lab/<8 random lowercase alnum>`: a fresh, unguessable-enough session root. */
export function randomRoot(fill: RandomFill = defaultFill): string {
  return `${ROOT_PREFIX}/${randomToken(8, ROOT_ALPHABET, fill)}`;
}

/**
 * `length` characters from `alphabet`, drawn without modulo bias (bytes that would
 * favour the first letters are thrown away and redrawn).
 */
export function randomToken(
  length: number,
  alphabet = ROOT_ALPHABET,
  fill: RandomFill = defaultFill,
): string {
  const n = alphabet.length;
  if (n < 1 || n > 256) throw new RangeError('alphabet must have 1–256 characters');
  const limit = 256 - (256 % n);
  let out = '';
  while (out.length < length) {
    for (const b of fill(new Uint8Array(length * 2))) {
      if (b < limit) out += alphabet[b % n];
      if (out.length === length) break;
    }
  }
  return out;
}

/** Fills the array with random bytes and returns it, like crypto.getRandomValues. */
export type RandomFill = (bytes: Uint8Array<ArrayBuffer>) => Uint8Array;

function defaultFill(bytes: Uint8Array<ArrayBuffer>): Uint8Array {
  return globalThis.crypto.getRandomValues(bytes);
}

/**
 * UTF-8 length of a string, without allocating the bytes: the one counter of the lab (the lobby
 * counts its frames with it too). A lone surrogate counts 3 bytes, as TextEncoder writes U+FFFD.
 */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return bytes;
}
