/**
 * Data channel options and what they become on the wire: the DCEP DATA_CHANNEL_OPEN message
 * (RFC 8832 §5.1), the SCTP delivery they ask for (RFC 8831 §6.1, §6.6) and the stream-id rule
 * by DTLS role (RFC 8832 §6). Pure: the channel-options experiment reads its answers here.
 */

export type Side = 'alice' | 'bob';
/** As getStats() reports it on the 'transport' stats (webrtc-stats RTCTransportStats.dtlsRole). */
export type DtlsRole = 'client' | 'server' | 'unknown';

/** How a channel gives up on a message: never, after n retransmissions, or after n ms. */
export type Reliability = 'reliable' | 'retransmits' | 'lifetime';

/** What the reader picks in the experiment. */
export interface ChannelOptions {
  label: string;
  ordered: boolean;
  reliability: Reliability;
  /** maxRetransmits or maxPacketLifeTime (ms), for the partly reliable kinds. */
  limit: number;
  /** Both ends create the channel with `id`; no DCEP (RFC 8832 §6.1 leaves it to the app). */
  negotiated: boolean;
  id: number;
}

/** The largest stream id a channel may have: 65535 is reserved (RFC 8831 §6). */
export const MAX_STREAM_ID = 65534;

/** The options as createDataChannel() takes them (webrtc-pc RTCDataChannelInit). */
export function channelInit(o: ChannelOptions): RTCDataChannelInit {
  const init: RTCDataChannelInit = { ordered: o.ordered };
  if (o.reliability === 'retransmits') init.maxRetransmits = o.limit;
  if (o.reliability === 'lifetime') init.maxPacketLifeTime = o.limit;
  if (o.negotiated) Object.assign(init, { negotiated: true, id: o.id });
  return init;
}

/** Why createDataChannel() would refuse these options, or null (webrtc-pc createDataChannel(); the WebIDL unsigned short for the limits). */
export function optionsProblem(o: ChannelOptions): string | null {
  if (new TextEncoder().encode(o.label).length > 65535) return 'the label is longer than 65,535 bytes';
  if (o.reliability !== 'reliable' && !(Number.isInteger(o.limit) && o.limit >= 0 && o.limit <= 65535)) {
    return `${o.reliability === 'retransmits' ? 'maxRetransmits' : 'maxPacketLifeTime'} must be a whole number from 0 to 65535`;
  }
  if (o.negotiated && !(Number.isInteger(o.id) && o.id >= 0 && o.id <= MAX_STREAM_ID)) return `a negotiated id must be a whole number from 0 to ${MAX_STREAM_ID}`;
  return null;
}

/**
 * The stream ids a side picks for the channels it announces with DCEP: the DTLS client takes
 * even ones, the server odd ones, so both can open channels at once without colliding
 * (RFC 8832 §6). null while the role is not known.
 */
export function parityOf(role: DtlsRole): 'even' | 'odd' | null {
  return role === 'client' ? 'even' : role === 'server' ? 'odd' : null;
}

/** Whether `id` has the parity `role` must use; null when either is not known. */
export function followsParity(id: number | null, role: DtlsRole): boolean | null {
  const parity = parityOf(role);
  if (id === null || parity === null) return null;
  return (id % 2 === 0) === (parity === 'even');
}

/** DATA_CHANNEL_OPEN's channel types (RFC 8832 §5.1, §8.2.2): the high bit is "unordered". */
const CHANNEL_TYPE: Readonly<Record<Reliability, { byte: number; name: string }>> = {
  reliable: { byte: 0x00, name: 'DATA_CHANNEL_RELIABLE' },
  retransmits: { byte: 0x01, name: 'DATA_CHANNEL_PARTIAL_RELIABLE_REXMIT' },
  lifetime: { byte: 0x02, name: 'DATA_CHANNEL_PARTIAL_RELIABLE_TIMED' },
};
const UNORDERED = 0x80;

export function channelType(o: Pick<ChannelOptions, 'ordered' | 'reliability'>): { byte: number; name: string } {
  const t = CHANNEL_TYPE[o.reliability];
  if (o.ordered) return t;
  return { byte: t.byte | UNORDERED, name: `${t.name}_UNORDERED` };
}

/** One field of a DCEP message. */
export interface DcepField {
  offset: number;
  length: number;
  name: string;
  /** The field's value as a reader would say it. */
  value: string;
}

/** Priority "normal": below normal 128, normal 256, high 512, extra high 1024 (RFC 8831). */
export const NORMAL_PRIORITY = 256;

/**
 * DATA_CHANNEL_OPEN for these options (RFC 8832 §5.1), big-endian, with each field. The
 * browser sends it on the new channel's own stream with PPID 50 (WebRTC DCEP, §8.1), and the
 * other side answers DATA_CHANNEL_ACK (0x02, §5.2) on the same stream number.
 */
export function dcepOpen(o: Pick<ChannelOptions, 'label' | 'ordered' | 'reliability' | 'limit'>, protocol = '', priority = NORMAL_PRIORITY): { bytes: Uint8Array; fields: DcepField[] } {
  const label = new TextEncoder().encode(o.label);
  const proto = new TextEncoder().encode(protocol);
  const type = channelType(o);
  const param = o.reliability === 'reliable' ? 0 : o.limit;
  const bytes = new Uint8Array(12 + label.length + proto.length);
  const view = new DataView(bytes.buffer);
  view.setUint8(0, 0x03);
  view.setUint8(1, type.byte);
  view.setUint16(2, priority);
  view.setUint32(4, param);
  view.setUint16(8, label.length);
  view.setUint16(10, proto.length);
  bytes.set(label, 12);
  bytes.set(proto, 12 + label.length);
  const paramMeaning = { reliable: 'ignored for a reliable channel', retransmits: 'retransmissions at most', lifetime: 'ms to keep trying' }[o.reliability];
  const fields: DcepField[] = [
    { offset: 0, length: 1, name: 'Message Type', value: '0x03 DATA_CHANNEL_OPEN' },
    { offset: 1, length: 1, name: 'Channel Type', value: `0x${hex2(type.byte)} ${type.name}` },
    { offset: 2, length: 2, name: 'Priority', value: String(priority) },
    { offset: 4, length: 4, name: 'Reliability Parameter', value: `${param} (${paramMeaning})` },
    { offset: 8, length: 2, name: 'Label Length', value: String(label.length) },
    { offset: 10, length: 2, name: 'Protocol Length', value: String(proto.length) },
  ];
  if (label.length) fields.push({ offset: 12, length: label.length, name: 'Label', value: JSON.stringify(o.label) });
  if (proto.length) fields.push({ offset: 12 + label.length, length: proto.length, name: 'Protocol', value: JSON.stringify(protocol) });
  return { bytes, fields };
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}

/** What SCTP does with a message on such a channel (RFC 8831 §6.6; PR-SCTP, RFC 3758 and RFC 7496). */
export function delivery(o: { ordered: boolean; maxRetransmits?: number | null; maxPacketLifeTime?: number | null }): string {
  const order = o.ordered ? 'in the order sent' : 'as it arrives, in any order';
  if (o.maxRetransmits != null) return `resent at most ${o.maxRetransmits} time${o.maxRetransmits === 1 ? '' : 's'}, then given up; delivered ${order}`;
  if (o.maxPacketLifeTime != null) return `resent for ${o.maxPacketLifeTime} ms at most, then given up; delivered ${order}`;
  return `resent until it arrives; delivered ${order}`;
}
