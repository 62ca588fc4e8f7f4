/**
 * Lab URL parameters (README "Pointing the lab at a real broker"): broker, root, ice, policy, autoplay,
 * and for the signalling chapter's experiments ice-mode=trickle|vanilla, glare=off|naive|polite,
 * naive=1 for peers that do not buffer early candidates, and detail=signalling|api|p2p for
 * how much the diagram shows (absent: the chapter's own choice).
 * Parsing never throws: a bad value falls back to the default and is reported.
 */
import { rootProblem } from '../signalling/topics';
import type { GlareMode, IceMode } from '../peer/lab-peer';
import { DIAGRAM_DETAILS, type DiagramDetail } from '../trace/selectors';

export interface BrokerPreset {
  url: string;
  label: string;
  /** Host and TCP port for `mosquitto_sub` (it speaks MQTT over TCP, not WebSocket). */
  tcp?: { host: string; port: number };
}

export const IN_PAGE = 'in-page';
export const DIRECT = 'direct';

export const BROKER_PRESETS: readonly BrokerPreset[] = [
  { url: IN_PAGE, label: 'In-page broker (aedes, nothing to install)' },
  { url: 'ws://localhost:9001', label: 'Local mosquitto (ws://localhost:9001)', tcp: { host: 'localhost', port: 1883 } },
  { url: 'wss://test.mosquitto.org:8081', label: 'test.mosquitto.org', tcp: { host: 'test.mosquitto.org', port: 1883 } },
  { url: 'wss://broker.emqx.io:8084/mqtt', label: 'broker.emqx.io', tcp: { host: 'broker.emqx.io', port: 1883 } },
  { url: 'wss://broker.hivemq.com:8884/mqtt', label: 'broker.hivemq.com', tcp: { host: 'broker.hivemq.com', port: 1883 } },
];

export interface LabParams {
  broker: string;
  root: string | null;
  iceServers: RTCIceServer[];
  policy: RTCIceTransportPolicy;
  autoplay: boolean;
  iceMode: IceMode;
  glare: GlareMode;
  /** naive=1: peers that do not buffer early candidates (the fault-injection experiments). */
  naivePeers: boolean;
  /** detail=: the diagram's detail level; null when absent (each lab has its own default). */
  detail: DiagramDetail | null;
  errors: string[];
}

const ICE_MODES: readonly IceMode[] = ['trickle', 'vanilla'];
const GLARE_MODES: readonly GlareMode[] = ['off', 'naive', 'polite'];

/** A parameter that must be one of a few words; anything else is the default, reported. */
function oneOf<T extends string>(search: URLSearchParams, name: string, allowed: readonly T[], errors: string[]): T {
  const value = search.get(name);
  if (value === null) return allowed[0]!;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  errors.push(`${name}: expected ${allowed.join(', ')}`);
  return allowed[0]!;
}

export function isBrokerUrl(value: string): boolean {
  if (value === IN_PAGE || value === DIRECT) return true;
  try {
    const url = new URL(value);
    return (url.protocol === 'ws:' || url.protocol === 'wss:') && url.hostname !== '';
  } catch {
    return false;
  }
}

function parseIceServers(text: string, errors: string[]): RTCIceServer[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    errors.push('ice: not valid JSON (expected a list like [{"urls":"stun:127.0.0.1:3478"}])');
    return [];
  }
  if (!Array.isArray(value)) {
    errors.push('ice: expected a JSON list of RTCIceServer objects');
    return [];
  }
  const servers: RTCIceServer[] = [];
  for (const [i, entry] of value.entries()) {
    if (typeof entry !== 'object' || entry === null) {
      errors.push(`ice[${i}]: expected an object`);
      continue;
    }
    const { urls, username, credential } = entry as Record<string, unknown>;
    const urlList = typeof urls === 'string' ? [urls] : Array.isArray(urls) ? urls : null;
    if (!urlList || urlList.length === 0 || !urlList.every((u) => typeof u === 'string' && /^(stun|stuns|turn|turns):/.test(u))) {
      errors.push(`ice[${i}].urls: expected stun:, stuns:, turn: or turns: URLs`);
      continue;
    }
    const server: RTCIceServer = { urls: urlList as string[] };
    if (typeof username === 'string') server.username = username;
    if (typeof credential === 'string') server.credential = credential;
    servers.push(server);
  }
  return servers;
}

export function parseLabParams(search: URLSearchParams): LabParams {
  const errors: string[] = [];
  let broker = IN_PAGE;
  const brokerParam = search.get('broker');
  if (brokerParam !== null) {
    if (isBrokerUrl(brokerParam)) broker = brokerParam;
    else errors.push(`broker: "${brokerParam.slice(0, 80)}" is not in-page or a ws:// / wss:// URL`);
  }
  let root: string | null = null;
  const rootParam = search.get('root');
  if (rootParam !== null) {
    const problem = rootProblem(rootParam);
    if (problem === null) root = rootParam;
    else errors.push(`root: not a valid MQTT topic root: ${problem}`);
  }
  const iceParam = search.get('ice');
  const iceServers = iceParam ? parseIceServers(iceParam, errors) : [];
  let policy: RTCIceTransportPolicy = 'all';
  const policyParam = search.get('policy');
  if (policyParam === 'relay' || policyParam === 'all') policy = policyParam;
  else if (policyParam !== null) errors.push('policy: expected all or relay');
  const autoplay = search.get('autoplay') === '1';
  const iceMode = oneOf(search, 'ice-mode', ICE_MODES, errors);
  const glare = oneOf(search, 'glare', GLARE_MODES, errors);
  const naiveParam = search.get('naive');
  if (naiveParam !== null && naiveParam !== '0' && naiveParam !== '1') errors.push('naive: expected 0 or 1');
  const naivePeers = naiveParam === '1';
  const detailParam = search.get('detail');
  const detail = DIAGRAM_DETAILS.find((d) => d.value === detailParam)?.value ?? null;
  if (detailParam !== null && detail === null) errors.push(`detail: expected ${DIAGRAM_DETAILS.map((d) => d.value).join(', ')}`);
  return { broker, root, iceServers, policy, autoplay, iceMode, glare, naivePeers, detail, errors };
}

/** The `mosquitto_sub` host and port for a broker URL, when there is a TCP listener to point at. */
export function tcpEndpointFor(broker: string): { host: string; port: number } | null {
  const preset = BROKER_PRESETS.find((p) => p.url === broker);
  if (preset) return preset.tcp ?? null;
  try {
    const url = new URL(broker);
    return { host: url.hostname, port: 1883 };
  } catch {
    return null;
  }
}

/** Where `mosquitto_pub` publishes for a broker: its TCP listener, else a local mosquitto's default. */
export const pubEndpointFor = (broker: string): { host: string; port: number } => tcpEndpointFor(broker) ?? { host: 'localhost', port: 1883 };
