/**
 * What each SDP line means, as data: one entry per line type (v=, o= …) and per attribute name
 * (a=rtpmap …), each with a plain-language meaning, an example line and the RFC section.
 * Sub-tables (codecs, fmtp parameters, RTCP feedback, header extensions, candidate fields …)
 * give the words for the values inside a line. annotate.ts applies these; nothing here runs
 * on its own.
 */
import { candidateTokens, candidateTypeMeaning } from '../ice/candidate';
import { decodePriority } from '../ice/priority';
import { count } from '../text/count';

/** One named part of a line's value. */
export interface AnnotatedField {
  name: string;
  value: string;
  meaning: string;
}

/** What an entry knows about the line's section, for meanings like "payload type 96 (VP8)". */
export interface LineContext {
  /** m= media kind of the section ('audio', 'video', 'application'), or undefined in the session. */
  kind?: string;
  /** The codec a payload type maps to in this section (from its a=rtpmap lines). */
  codec(pt: string): Codec | undefined;
}

export interface Codec {
  name: string;
  rate?: number;
  channels?: number;
}

/** Splits a value into fields; returns null when the value does not have the expected form. */
export type FieldParser = (value: string) => AnnotatedField[] | null;

export interface ValueMeaning {
  meaning: string;
  ref?: string;
}

export interface LineMeaning {
  /** 'v', 'o' … for line types; 'a=<name>' for attributes. */
  key: string;
  /** Short label for the line ("RTP payload map"). */
  title: string;
  /** Plain-language meaning for any line of this kind. */
  meaning: string;
  /** A real example line. */
  example: string;
  /** Where it is defined, e.g. 'RFC 8866 §5.1'. */
  ref: string;
  /** The expected form, shown when a value does not parse. */
  form?: string;
  fields?: FieldParser;
  /** Meanings (and refs) of whole values, e.g. setup:actpass. */
  values?: Readonly<Record<string, ValueMeaning>>;
  /** A sentence specific to this line, built from its fields (by field name); may carry its own ref. */
  explain?: (f: Readonly<Record<string, string>>, ctx: LineContext, value: string) => string | ValueMeaning | undefined;
}

// ---------------------------------------------------------------------------------------------
// Sub-tables

export interface CodecInfo {
  title: string;
  meaning: string;
  ref: string;
}

/** Encoding names seen in rtpmap lines (case-insensitive). */
export const CODECS: Readonly<Record<string, CodecInfo>> = {
  opus: { title: 'Opus', meaning: 'the default WebRTC audio codec, speech to music, 6–510 kbit/s', ref: 'RFC 7587' },
  red: { title: 'RED', meaning: 'redundant audio/video data: each packet also carries an older frame, so a lost packet can be rebuilt', ref: 'RFC 2198' },
  g722: { title: 'G.722', meaning: 'wideband (7 kHz) telephone audio; its RTP clock is 8000 for historical reasons', ref: 'RFC 3551 §4.5.2' },
  pcmu: { title: 'PCMU (G.711 µ-law)', meaning: 'classic 64 kbit/s telephone audio', ref: 'RFC 3551 §4.5.14' },
  pcma: { title: 'PCMA (G.711 A-law)', meaning: 'classic 64 kbit/s telephone audio', ref: 'RFC 3551 §4.5.14' },
  cn: { title: 'Comfort Noise', meaning: 'describes background noise during silence instead of sending audio', ref: 'RFC 3389' },
  'telephone-event': { title: 'telephone-event (DTMF)', meaning: 'keypad tones sent as events, not as sound', ref: 'RFC 4733' },
  isac: { title: 'iSAC', meaning: 'an older wideband speech codec from libwebrtc', ref: 'libwebrtc, no RFC' },
  ilbc: { title: 'iLBC', meaning: 'a low-bitrate speech codec that copes well with packet loss', ref: 'RFC 3952' },
  vp8: { title: 'VP8', meaning: 'a video codec every WebRTC browser must support', ref: 'RFC 7741' },
  vp9: { title: 'VP9', meaning: 'a video codec, more efficient than VP8, with scalable layers', ref: 'RFC 9628' },
  h264: { title: 'H.264', meaning: 'the video codec every WebRTC browser must support besides VP8; hardware encoders are common', ref: 'RFC 6184' },
  h265: { title: 'H.265 (HEVC)', meaning: 'a newer, more efficient video codec', ref: 'RFC 7798' },
  av1: { title: 'AV1', meaning: 'a royalty-free video codec, more efficient than VP9', ref: 'AV1 RTP specification (AOMedia)' },
  rtx: { title: 'RTX', meaning: 'retransmissions of lost packets, sent as their own stream', ref: 'RFC 4588' },
  ulpfec: { title: 'ULPFEC', meaning: 'forward error correction: extra parity packets that repair losses without a round trip', ref: 'RFC 5109' },
  'flexfec-03': { title: 'FlexFEC', meaning: 'flexible forward error correction', ref: 'RFC 8627' },
};

/** fmtp parameters (RFC 8866 §6.15 leaves them to each codec). */
export const FMTP_PARAMS: Readonly<Record<string, ValueMeaning>> = {
  minptime: { meaning: 'shortest audio frame, in ms, this side wants to receive', ref: 'RFC 7587 §6.1' },
  ptime: { meaning: 'preferred audio frame length in ms', ref: 'RFC 7587 §6.1' },
  maxptime: { meaning: 'longest audio frame, in ms, this side wants to receive', ref: 'RFC 7587 §6.1' },
  useinbandfec: { meaning: '1 = Opus may hide redundant data for the previous frame inside each packet (in-band FEC)', ref: 'RFC 7587 §6.1' },
  usedtx: { meaning: '1 = the sender may stop sending during silence (discontinuous transmission)', ref: 'RFC 7587 §6.1' },
  stereo: { meaning: '1 = this side prefers to receive stereo', ref: 'RFC 7587 §6.1' },
  'sprop-stereo': { meaning: '1 = this side is likely to send stereo', ref: 'RFC 7587 §6.1' },
  maxplaybackrate: { meaning: 'highest audio sample rate, in Hz, this side will play back', ref: 'RFC 7587 §6.1' },
  'sprop-maxcapturerate': { meaning: 'highest audio sample rate, in Hz, this side will capture', ref: 'RFC 7587 §6.1' },
  maxaveragebitrate: { meaning: 'highest average bitrate, in bit/s, this side wants to receive', ref: 'RFC 7587 §6.1' },
  cbr: { meaning: '1 = this side prefers constant bitrate', ref: 'RFC 7587 §6.1' },
  apt: { meaning: 'the payload type this RTX (or RED/FEC) stream repairs ("associated payload type")', ref: 'RFC 4588 §8.1' },
  'rtx-time': { meaning: 'how long, in ms, the sender keeps packets for retransmission', ref: 'RFC 4588 §8.1' },
  'profile-level-id': { meaning: 'H.264 profile and level as 3 hex bytes: 42e01f = Constrained Baseline level 3.1, 42001f = Baseline 3.1, 4d001f = Main 3.1, 640c1f/64001f = High', ref: 'RFC 6184 §8.1' },
  'packetization-mode': { meaning: 'H.264 packet layout: 0 = one NAL unit per packet, 1 = NAL units may be split (FU-A) or aggregated (STAP-A)', ref: 'RFC 6184 §8.1' },
  'level-asymmetry-allowed': { meaning: '1 = each direction may use a different H.264 level', ref: 'RFC 6184 §8.1' },
  'profile-id': { meaning: 'codec profile: for VP9 0 = 8-bit 4:2:0, 2 = 10/12-bit; for H.265 1 = Main', ref: 'RFC 9628 §6; RFC 7798 §7.1' },
  'max-fs': { meaning: 'largest frame this side can decode, in 16×16 macroblocks (12288 ≈ 4K)', ref: 'RFC 7741 §6.1' },
  'max-fr': { meaning: 'highest frame rate this side can decode, in frames per second', ref: 'RFC 7741 §6.1' },
  'level-idx': { meaning: 'AV1 level index (5 = level 3.1)', ref: 'AV1 RTP specification §7.2' },
  profile: { meaning: 'AV1 profile (0 = Main: 8/10-bit 4:2:0)', ref: 'AV1 RTP specification §7.2' },
  tier: { meaning: 'AV1 tier (0 = Main)', ref: 'AV1 RTP specification §7.2' },
  'level-id': { meaning: 'H.265 level × 30 (93 = level 3.1, 180 = level 6)', ref: 'RFC 7798 §7.1' },
  'tier-flag': { meaning: 'H.265 tier (0 = Main)', ref: 'RFC 7798 §7.1' },
  'tx-mode': { meaning: 'H.265 transmission mode (SRST = single RTP stream on a single transport)', ref: 'RFC 7798 §7.1' },
  'x-google-min-bitrate': { meaning: 'libwebrtc hint: lowest video bitrate in kbit/s (non-standard)', ref: 'libwebrtc, no RFC' },
  'x-google-max-bitrate': { meaning: 'libwebrtc hint: highest video bitrate in kbit/s (non-standard)', ref: 'libwebrtc, no RFC' },
  'x-google-start-bitrate': { meaning: 'libwebrtc hint: starting video bitrate in kbit/s (non-standard)', ref: 'libwebrtc, no RFC' },
};

/** RTCP feedback types, by "type" or "type parameter" (RFC 4585 §4.2). */
export const RTCP_FB: Readonly<Record<string, ValueMeaning>> = {
  nack: { meaning: 'generic NACK: the receiver reports lost packets so the sender can resend them', ref: 'RFC 4585 §6.2.1' },
  'nack pli': { meaning: 'Picture Loss Indication: the receiver lost part of a picture and asks for a new key frame', ref: 'RFC 4585 §6.3.1' },
  'nack sli': { meaning: 'Slice Loss Indication', ref: 'RFC 4585 §6.3.2' },
  'nack rpsi': { meaning: 'Reference Picture Selection Indication', ref: 'RFC 4585 §6.3.3' },
  'ccm fir': { meaning: 'Full Intra Request: the receiver asks for a key frame (e.g. a new viewer joined)', ref: 'RFC 5104 §3.5.1' },
  'ccm tmmbr': { meaning: 'Temporary Maximum Media Bitrate Request', ref: 'RFC 5104 §3.5.4' },
  'goog-remb': { meaning: 'REMB: the receiver estimates the available bandwidth and tells the sender (older congestion control)', ref: 'draft-alvestrand-rmcat-remb' },
  'transport-cc': { meaning: 'transport-wide congestion control: the receiver reports arrival times of every packet so the sender can estimate bandwidth', ref: 'draft-holmer-rmcat-transport-wide-cc-extensions-01' },
  'trr-int': { meaning: 'minimum interval, in ms, between regular RTCP reports', ref: 'RFC 4585 §4.2' },
  'ack rpsi': { meaning: 'positive acknowledgement with Reference Picture Selection', ref: 'RFC 4585 §4.2' },
};

/** RTP header extension URIs (RFC 8285 §5 says extmap names them by URI). */
export const EXTMAP_URIS: Readonly<Record<string, ValueMeaning & { title: string }>> = {
  'urn:ietf:params:rtp-hdrext:ssrc-audio-level': { title: 'audio level', meaning: 'each audio packet says how loud it is, so a server can pick the active speaker without decoding', ref: 'RFC 6464' },
  'urn:ietf:params:rtp-hdrext:csrc-audio-level': { title: 'mixer audio levels', meaning: 'a mixer reports how loud each contributing source is', ref: 'RFC 6465' },
  'urn:ietf:params:rtp-hdrext:sdes:mid': { title: 'MID', meaning: 'each packet carries its a=mid, so a receiver can tell bundled media sections apart on one port', ref: 'RFC 8843 §9.2' },
  'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id': { title: 'RTP stream id (rid)', meaning: 'each packet carries its a=rid, naming the simulcast stream it belongs to', ref: 'RFC 8852 §3.3' },
  'urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id': { title: 'repaired RTP stream id', meaning: 'an RTX/FEC packet names the rid of the stream it repairs', ref: 'RFC 8852 §3.3' },
  'urn:ietf:params:rtp-hdrext:toffset': { title: 'transmission time offset', meaning: 'how late a packet left compared with its RTP timestamp', ref: 'RFC 5450' },
  'urn:ietf:params:rtp-hdrext:encrypt': { title: 'encrypted extension', meaning: 'the named extension is encrypted', ref: 'RFC 6904' },
  'urn:3gpp:video-orientation': { title: 'video orientation', meaning: 'the sender says how the camera is rotated, so the receiver can turn the picture', ref: '3GPP TS 26.114' },
  'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time': { title: 'absolute send time', meaning: 'send time of each packet, for bandwidth estimation (REMB)', ref: 'webrtc.org experiment, no RFC' },
  'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01': { title: 'transport-wide sequence number', meaning: 'one counter across all streams, so the receiver can report every packet for congestion control', ref: 'draft-holmer-rmcat-transport-wide-cc-extensions-01' },
  'http://www.webrtc.org/experiments/rtp-hdrext/playout-delay': { title: 'playout delay', meaning: 'the sender asks for a minimum/maximum jitter-buffer delay (e.g. near zero for game streaming)', ref: 'webrtc.org experiment, no RFC' },
  'http://www.webrtc.org/experiments/rtp-hdrext/video-content-type': { title: 'video content type', meaning: 'marks screen-share content so the receiver can treat it differently', ref: 'webrtc.org experiment, no RFC' },
  'http://www.webrtc.org/experiments/rtp-hdrext/video-timing': { title: 'video timing', meaning: 'timestamps of encode and pacing steps, for end-to-end delay statistics', ref: 'webrtc.org experiment, no RFC' },
  'http://www.webrtc.org/experiments/rtp-hdrext/color-space': { title: 'color space', meaning: 'colour primaries, transfer and matrix (HDR)', ref: 'webrtc.org experiment, no RFC' },
  'http://www.webrtc.org/experiments/rtp-hdrext/video-layers-allocation00': { title: 'video layers allocation', meaning: 'which simulcast/SVC layers are being sent, at what bitrate and resolution', ref: 'webrtc.org experiment, no RFC' },
  'http://www.webrtc.org/experiments/rtp-hdrext/abs-capture-time': { title: 'absolute capture time', meaning: 'when the media was captured, for audio/video sync across servers', ref: 'webrtc.org experiment, no RFC' },
  'https://aomediacodec.github.io/av1-rtp-spec/#dependency-descriptor-rtp-header-extension': { title: 'dependency descriptor', meaning: 'how each frame depends on others, so a server can drop layers (AV1, VP9, VP8 SVC)', ref: 'AV1 RTP specification, appendix A' },
  'http://tools.ietf.org/html/draft-ietf-avtext-framemarking-07': { title: 'frame marking', meaning: 'marks key frames and layers for servers that cannot decode (Safari)', ref: 'draft-ietf-avtext-framemarking-07' },
};

/** Candidate extension attributes after "typ <type>" (name value pairs). */
export const CANDIDATE_EXTENSIONS: Readonly<Record<string, ValueMeaning>> = {
  raddr: { meaning: 'related address: for srflx, the host address behind the NAT; for relay, the srflx address (0.0.0.0 when hidden)', ref: 'RFC 8839 §5.1' },
  rport: { meaning: 'related port, paired with raddr', ref: 'RFC 8839 §5.1' },
  tcptype: { meaning: 'for TCP: active = will connect out, passive = will accept, so = simultaneous open', ref: 'RFC 6544 §4.5' },
  generation: { meaning: 'libwebrtc: which ICE generation (restart count) this candidate belongs to', ref: 'libwebrtc, no RFC' },
  ufrag: { meaning: 'the ICE username fragment this candidate belongs to, to tell old and new ones apart after an ICE restart', ref: 'libwebrtc, no RFC' },
  'network-id': { meaning: 'libwebrtc: a number for the network interface the candidate came from', ref: 'libwebrtc, no RFC' },
  'network-cost': { meaning: 'libwebrtc: how costly that network is (10 = low, 50 = unknown, 900 = cellular, 999 = maximum); lower is preferred', ref: 'libwebrtc, no RFC' },
};

/** a=ssrc source attributes (RFC 5576 §6). */
export const SSRC_ATTRIBUTES: Readonly<Record<string, ValueMeaning>> = {
  cname: { meaning: 'canonical name: the same for every stream from one endpoint, so the receiver can lip-sync audio and video', ref: 'RFC 5576 §6.1' },
  msid: { meaning: 'the stream and track this SSRC belongs to (older, per-SSRC form of a=msid)', ref: 'RFC 8830 §2' },
  mslabel: { meaning: 'legacy (Plan B) MediaStream id', ref: 'libwebrtc legacy, no RFC' },
  label: { meaning: 'legacy (Plan B) MediaStreamTrack id', ref: 'libwebrtc legacy, no RFC' },
};

/** ssrc-group semantics (RFC 5576 §4.2). */
export const SSRC_GROUP_SEMANTICS: Readonly<Record<string, ValueMeaning>> = {
  FID: { meaning: 'flow identification: the second SSRC carries retransmissions (RTX) of the first', ref: 'RFC 5576 §4.2; RFC 4588 §8' },
  SIM: { meaning: 'legacy simulcast: one SSRC per simulcast layer', ref: 'libwebrtc legacy, no RFC' },
  'FEC-FR': { meaning: 'the second SSRC carries forward error correction for the first', ref: 'RFC 5956' },
  FEC: { meaning: 'the second SSRC carries forward error correction for the first', ref: 'RFC 5576 §4.2' },
};

/** a=group semantics. */
export const GROUP_SEMANTICS: Readonly<Record<string, ValueMeaning>> = {
  BUNDLE: { meaning: 'these media sections share one transport: one ICE connection, one DTLS handshake, one port. The first mid is the offerer\'s "tagged" section whose transport the others use', ref: 'RFC 8843 §5' },
  LS: { meaning: 'lip synchronization: play these media sections in sync', ref: 'RFC 5888 §7' },
  FID: { meaning: 'flow identification: these media sections are one flow sent in several ways', ref: 'RFC 5888 §8' },
};

/** a=ice-options tokens (RFC 8839 §5.6; IANA ICE Options registry). */
export const ICE_OPTIONS: Readonly<Record<string, ValueMeaning>> = {
  trickle: { meaning: 'trickle ICE: candidates may be sent one by one after this description, instead of all inside it', ref: 'RFC 8840 §4.1' },
  renomination: { meaning: 'the controlling peer may nominate a different candidate pair later (libwebrtc)', ref: 'draft-thatcher-ice-renomination' },
  ice2: { meaning: 'this agent follows RFC 8445 (ICE revised)', ref: 'RFC 8445 §10' },
  'rtp+ecn': { meaning: 'can test the path for ECN with RTP', ref: 'RFC 6679 §6.1' },
};

/** Hash functions in a=fingerprint (RFC 8122 §5). */
export const HASH_FUNCTIONS: Readonly<Record<string, string>> = {
  'sha-1': 'SHA-1 (allowed, but too weak for new use)',
  'sha-224': 'SHA-224',
  'sha-256': 'SHA-256, what browsers use',
  'sha-384': 'SHA-384',
  'sha-512': 'SHA-512',
  md5: 'MD5 (obsolete)',
  md2: 'MD2 (obsolete)',
};

/** Well-known m= proto values. */
export const PROTOS: Readonly<Record<string, ValueMeaning>> = {
  'UDP/TLS/RTP/SAVPF': { meaning: 'RTP with RTCP feedback, encrypted by SRTP whose keys come from DTLS, over UDP (or TCP via ICE)', ref: 'RFC 5764 §8' },
  'TCP/DTLS/RTP/SAVPF': { meaning: 'as UDP/TLS/RTP/SAVPF, over TCP', ref: 'RFC 7850' },
  'RTP/SAVPF': { meaning: 'secure RTP with RTCP feedback (older form)', ref: 'RFC 5124' },
  'RTP/SAVP': { meaning: 'secure RTP', ref: 'RFC 3711' },
  'RTP/AVPF': { meaning: 'plain RTP with RTCP feedback', ref: 'RFC 4585' },
  'RTP/AVP': { meaning: 'plain, unencrypted RTP (not allowed in WebRTC)', ref: 'RFC 3551' },
  'UDP/DTLS/SCTP': { meaning: 'SCTP inside DTLS over UDP: the transport for data channels', ref: 'RFC 8841 §4' },
  'TCP/DTLS/SCTP': { meaning: 'SCTP inside DTLS over TCP', ref: 'RFC 8841 §4' },
  'DTLS/SCTP': { meaning: 'the old name for SCTP over DTLS, with the SCTP port as the format (before RFC 8841)', ref: 'draft-ietf-mmusic-sctp-sdp-05' },
};

// ---------------------------------------------------------------------------------------------
// Field parsers

type Spec = readonly [name: string, meaning: string | ((value: string) => string)];

/** Fields from a regular expression: capture group i is spec i (missing groups are skipped). */
export function byPattern(re: RegExp, specs: readonly Spec[]): FieldParser {
  return (value) => {
    const m = re.exec(value.trim());
    if (!m) return null;
    const out: AnnotatedField[] = [];
    specs.forEach(([name, meaning], i) => {
      const v = m[i + 1]?.trim();
      if (v !== undefined && v !== '') out.push({ name, value: v, meaning: typeof meaning === 'string' ? meaning : meaning(v) });
    });
    return out;
  };
}

const fromTable = (table: Readonly<Record<string, ValueMeaning>>, fallback: string) => (v: string) => {
  const hit = table[v] ?? table[v.toLowerCase()];
  return hit ? `${hit.meaning} (${hit.ref})` : fallback;
};

/** "k=v;k=v" (fmtp, rid restrictions, rtcp-xr) into fields, meanings from `table`. */
function params(re: RegExp, table: Readonly<Record<string, ValueMeaning>>, unknown: string): (s: string) => AnnotatedField[] {
  return (s) =>
    s
      .split(re)
      .map((p) => p.trim())
      .filter(Boolean)
      .map((p) => {
        const eq = p.indexOf('=');
        const name = eq < 0 ? p : p.slice(0, eq);
        const value = eq < 0 ? '' : p.slice(eq + 1);
        return { name, value, meaning: fromTable(table, unknown)(name) };
      });
}

function addressMeaning(a: string): string {
  if (/\.local$/i.test(a)) return 'an mDNS name (.local) that hides this machine\'s IP address; the other peer resolves it on the local network. Browsers do this until the page is allowed to use the camera or microphone';
  if (a.includes(':')) return 'an IPv6 address';
  if (/^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)/.test(a)) return 'a private IPv4 address (RFC 1918): reachable only inside this network';
  if (/^(192\.0\.2\.|198\.51\.100\.|203\.0\.113\.)/.test(a)) return 'an IPv4 address from a documentation range (RFC 5737)';
  if (/^\d+\.\d+\.\d+\.\d+$/.test(a)) return 'an IPv4 address';
  return 'the candidate\'s address';
}

/** decodePriority takes 32 bits; a longer number in pasted text is only reported. */
const MAX_PRIORITY = 2 ** 32 - 1;

const CANDIDATE_FIXED: readonly Spec[] = [
  ['foundation', 'candidates with the same foundation share type, base address and server; ICE checks them together'],
  ['component', (v) => (v === '1' ? '1 = RTP (or the only component when RTCP is multiplexed)' : v === '2' ? '2 = RTCP' : 'component id')],
  ['transport', (v) => (v.toLowerCase() === 'tcp' ? 'TCP (RFC 6544)' : v.toLowerCase() === 'udp' ? 'UDP' : 'transport protocol')],
  ['priority', (v) => {
    if (Number(v) > MAX_PRIORITY) return `higher is tried first; above ${MAX_PRIORITY}, the largest a priority can be (RFC 8445 §5.1.2.1)`;
    const p = decodePriority(Number(v));
    return `higher is tried first: type preference ${p.typePreference}, local preference ${p.localPreference}, component ${p.component} (RFC 8445 §5.1.2.1)`;
  }],
  ['address', addressMeaning],
  ['port', (v) => (v === '9' ? 'port 9 (discard): a placeholder, used by active TCP candidates that never listen' : 'the port')],
];

/**
 * RFC 8839 §5.1: foundation component transport priority address port "typ" type *(name value).
 * Only the shape is checked, not parseCandidate's values: real SDP arrives with redacted addresses.
 */
const candidateFields: FieldParser = (value) => {
  const t = candidateTokens(value).tokens;
  if (t.length < 8 || t[6] !== 'typ' || !/^\d+$/.test(t[1]) || !/^\d+$/.test(t[3]) || !/^\d+$/.test(t[5])) return null;
  const out: AnnotatedField[] = CANDIDATE_FIXED.map(([name, meaning], i) => ({
    name,
    value: t[i],
    meaning: typeof meaning === 'string' ? meaning : meaning(t[i]),
  }));
  const type = candidateTypeMeaning(t[7]);
  out.push({ name: 'type', value: t[7], meaning: type ? `${type.label}: ${type.brief}` : 'an unknown candidate type' });
  for (let i = 8; i < t.length; i += 2) {
    const ext = CANDIDATE_EXTENSIONS[t[i]];
    out.push({ name: t[i], value: t[i + 1] ?? '', meaning: ext ? `${ext.meaning} (${ext.ref})` : 'an extension attribute this table does not know' });
  }
  return out;
};

const sizeText = (bytes: number) =>
  bytes === 0
    ? 'no limit'
    : bytes >= 2 ** 30 - 1
      ? `${(bytes / 2 ** 30).toFixed(1)} GiB`
      : bytes >= 2 ** 20
        ? `${(bytes / 2 ** 20).toFixed(1)} MiB`
        : bytes >= 1024
          ? `${Math.round(bytes / 1024)} KiB`
          : `${bytes} bytes`;

/** H.264 profile-level-id (RFC 6184 §8.1): profile_idc, constraint flags, level_idc × 10. */
const H264_PROFILES: ReadonlyArray<[prefix: string, name: string]> = [
  ['42e0', 'Constrained Baseline'],
  ['4240', 'Constrained Baseline'],
  ['42', 'Baseline'],
  ['4d', 'Main'],
  ['58', 'Extended'],
  ['640c', 'Constrained High'],
  ['64', 'High'],
  ['f4', 'High 4:4:4 Predictive'],
];

export function h264Profile(plid: string): string {
  const hex = plid.toLowerCase();
  const profile = H264_PROFILES.find(([p]) => hex.startsWith(p))?.[1] ?? `profile 0x${hex.slice(0, 2)}`;
  const level = Number.parseInt(hex.slice(4, 6), 16) / 10;
  return `H.264 ${profile} profile, level ${level}`;
}

function describeCodec(c: Codec | undefined, pt: string): string {
  if (!c) return `payload type ${pt}`;
  return `payload type ${pt} (${CODECS[c.name.toLowerCase()]?.title ?? c.name})`;
}

// ---------------------------------------------------------------------------------------------
// The table: line types, then attributes.

const ENTRIES: readonly LineMeaning[] = [
  {
    key: 'v',
    title: 'Protocol version',
    meaning: 'The SDP version. It is always 0.',
    example: 'v=0',
    ref: 'RFC 8866 §5.1',
  },
  {
    key: 'o',
    title: 'Origin',
    meaning: 'Who created this description and which version of it this is.',
    example: 'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
    ref: 'RFC 8866 §5.2',
    form: '<username> <sess-id> <sess-version> IN IP4|IP6 <address>',
    fields: byPattern(/^(\S+) (\d+) (\d+) (\S+) (\S+) (\S+)$/, [
      ['username', (v) => (v === '-' ? '"-": no user name (browsers never send one)' : v.startsWith('mozilla') ? 'Firefox writes its name and version here' : 'the originator\'s user name')],
      ['sess-id', 'a random number that identifies this session; it stays the same for every later offer or answer'],
      ['sess-version', 'goes up by one each time this peer sends a changed description (RFC 3264 §8)'],
      ['nettype', 'IN = Internet'],
      ['addrtype', 'IP4 or IP6'],
      ['unicast-address', (v) => (v === '127.0.0.1' || v === '0.0.0.0' ? 'a placeholder: browsers do not reveal a real address here (RFC 8829 §5.2.1)' : 'the address of the machine that created the session')],
    ]),
    explain: (f) => {
      const who = f.username?.startsWith('mozilla...THIS_IS_SDPARTA-')
        ? `Written by Firefox ${f.username.slice('mozilla...THIS_IS_SDPARTA-'.length)}. `
        : '';
      return `${who}Session id ${f['sess-id']}, version ${f['sess-version']}: the version rises by one with every new description from this peer, so the other side can tell a change from a repeat.`;
    },
  },
  {
    key: 's',
    title: 'Session name',
    meaning: 'A name for the session. WebRTC has none, so browsers write "-".',
    example: 's=-',
    ref: 'RFC 8866 §5.3',
  },
  { key: 'i', title: 'Session information', meaning: 'Free text describing the session or a media section.', example: 'i=A Seminar on the session description protocol', ref: 'RFC 8866 §5.4' },
  { key: 'u', title: 'URI', meaning: 'A link to more information about the session.', example: 'u=http://www.example.com/seminars/sdp.pdf', ref: 'RFC 8866 §5.5' },
  { key: 'e', title: 'Email address', meaning: 'Who to contact about the session.', example: 'e=j.doe@example.com (Jane Doe)', ref: 'RFC 8866 §5.6' },
  { key: 'p', title: 'Phone number', meaning: 'A phone number to contact about the session.', example: 'p=+1 617 555-6011', ref: 'RFC 8866 §5.6' },
  {
    key: 'c',
    title: 'Connection data',
    meaning: 'The network address media is sent to. With ICE, the real addresses are the a=candidate lines; this is the default candidate or a placeholder.',
    example: 'c=IN IP4 0.0.0.0',
    ref: 'RFC 8866 §5.7',
    form: 'IN IP4|IP6 <address>',
    fields: byPattern(/^(\S+) (\S+) (\S+)$/, [
      ['nettype', 'IN = Internet'],
      ['addrtype', 'IP4 or IP6'],
      ['connection-address', (v) => (v === '0.0.0.0' ? '0.0.0.0: a placeholder; candidates will say where to send' : 'the default candidate\'s address')],
    ]),
    explain: (f) =>
      f['connection-address'] === '0.0.0.0'
        ? 'Address 0.0.0.0 is a placeholder: no candidate was known when this was written, so the addresses arrive as trickled candidates (RFC 8839 §4).'
        : `Default address ${f['connection-address']}: the address of the candidate ICE would use by default (RFC 8839 §4). The a=candidate lines list every option.`,
  },
  {
    key: 'b',
    title: 'Bandwidth',
    meaning: 'A bandwidth limit: AS = application-specific, in kbit/s; TIAS = transport independent, in bit/s.',
    example: 'b=AS:30',
    ref: 'RFC 8866 §5.8',
    fields: byPattern(/^([^:]+):(\d+)$/, [
      ['bwtype', (v) => (v === 'AS' ? 'AS: application-specific maximum, kbit/s' : v === 'TIAS' ? 'TIAS: transport-independent maximum, bit/s (RFC 3890)' : v === 'CT' ? 'CT: conference total' : v === 'RR' || v === 'RS' ? 'RTCP bandwidth for receivers/senders (RFC 3556)' : 'bandwidth type')],
      ['bandwidth', 'the limit'],
    ]),
  },
  {
    key: 't',
    title: 'Timing',
    meaning: 'When the session is active. "0 0" means permanent: WebRTC sessions have no schedule.',
    example: 't=0 0',
    ref: 'RFC 8866 §5.9',
    fields: byPattern(/^(\d+) (\d+)$/, [
      ['start-time', (v) => (v === '0' ? '0 = no start time' : 'start, in NTP seconds')],
      ['stop-time', (v) => (v === '0' ? '0 = no end' : 'stop, in NTP seconds')],
    ]),
  },
  { key: 'r', title: 'Repeat times', meaning: 'How a scheduled session repeats. Not used by WebRTC.', example: 'r=604800 3600 0 90000', ref: 'RFC 8866 §5.10' },
  { key: 'z', title: 'Time zones', meaning: 'Time-zone adjustments for repeated sessions. Not used by WebRTC.', example: 'z=2882844526 -1h 2898848070 0', ref: 'RFC 8866 §5.11' },
  { key: 'k', title: 'Encryption key (obsolete)', meaning: 'An old way to carry a key in clear text. Obsolete; WebRTC uses DTLS instead.', example: 'k=prompt', ref: 'RFC 8866 §5.12' },
  {
    key: 'm',
    title: 'Media description',
    meaning: 'Starts a media section: the kind of media, a port, the transport protocol and the formats (RTP payload types, or webrtc-datachannel).',
    example: 'm=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126',
    ref: 'RFC 8866 §5.14',
    form: '<media> <port> <proto> <fmt> …',
    fields: (value) => {
      const t = value.trim().split(/\s+/);
      if (t.length < 4 || !/^\d+(\/\d+)?$/.test(t[1])) return null;
      const proto = PROTOS[t[2]];
      return [
        { name: 'media', value: t[0], meaning: t[0] === 'application' ? 'application: non-media data, here data channels' : `${t[0]} media` },
        { name: 'port', value: t[1], meaning: t[1] === '0' ? '0: this section is rejected or disabled (RFC 3264 §6)' : t[1] === '9' ? '9 (discard): a placeholder; the candidates carry the real ports' : 'the default candidate\'s port' },
        { name: 'proto', value: t[2], meaning: proto ? `${proto.meaning} (${proto.ref})` : 'transport protocol' },
        {
          name: 'fmt',
          value: t.slice(3).join(' '),
          meaning: t[3] === 'webrtc-datachannel' ? 'the SCTP association carries WebRTC data channels (RFC 8841 §4)' : /^\d+$/.test(t[3]) && t[2].includes('RTP') ? 'RTP payload types, most preferred first; a=rtpmap says which codec each one is' : 'media formats',
        },
      ];
    },
    explain: (f) => {
      const kind = f.media === 'application' ? 'A data channel section' : `${/^[aeiou]/i.test(f.media ?? '') ? 'An' : 'A'} ${f.media} section`;
      if (f.port === '0') return `${kind}, rejected or stopped (port 0, RFC 3264 §6).`;
      const fmts = f.fmt?.split(' ') ?? [];
      const what = f.fmt === 'webrtc-datachannel' ? 'it carries data channels over SCTP' : `it offers ${fmts.length} payload type${fmts.length === 1 ? '' : 's'}, most preferred first: ${fmts.slice(0, 4).join(', ')}${fmts.length > 4 ? ' …' : ''}`;
      const port = f.port === '9' ? ' Port 9 is a placeholder: ICE candidates carry the real ports.' : '';
      return `${kind}: ${what}.${port}`;
    },
  },

  // ---- attributes ---------------------------------------------------------------------------
  {
    key: 'a=group',
    title: 'Group',
    meaning: 'Groups media sections by their mid. BUNDLE means they share one transport.',
    example: 'a=group:BUNDLE 0 1 2',
    ref: 'RFC 5888 §5',
    form: '<semantics> <mid> …',
    fields: byPattern(/^(\S+)((?: \S+)*)$/, [
      ['semantics', fromTable(GROUP_SEMANTICS, 'grouping semantics')],
      ['mids', 'the a=mid values of the grouped media sections'],
    ]),
    explain: (f) => {
      const mids = (f.mids ?? '').trim().split(/\s+/).filter(Boolean);
      if (f.semantics === 'BUNDLE') {
        return {
          meaning: mids.length
            ? `BUNDLE: the media sections with mid ${mids.join(', ')} share one transport: one set of ICE candidates, one DTLS handshake, one port. Mid ${mids[0]} is the tagged section whose transport they use.`
            : 'An empty BUNDLE group: nothing is bundled.',
          ref: 'RFC 8843 §5',
        };
      }
      const s = GROUP_SEMANTICS[f.semantics];
      return s ? { meaning: `${f.semantics}: ${s.meaning}; mids ${mids.join(', ')}.`, ref: s.ref } : undefined;
    },
  },
  {
    key: 'a=extmap-allow-mixed',
    title: 'Mixed header extensions allowed',
    meaning: 'This peer accepts RTP packets that mix one-byte and two-byte header extensions, so large extensions (e.g. the AV1 dependency descriptor) can be sent.',
    example: 'a=extmap-allow-mixed',
    ref: 'RFC 8285 §6',
  },
  {
    key: 'a=msid-semantic',
    title: 'Media stream id semantic',
    meaning: 'Says that a=msid lines name WebRTC MediaStreams (WMS), and lists the stream ids. It comes from an early msid draft; RFC 8830 dropped it, but Chrome and Firefox still write it.',
    example: 'a=msid-semantic: WMS 6fd851d8-49d4-4875-a06f-6007b8d03f1d',
    ref: 'draft-ietf-mmusic-msid (early drafts; not in RFC 8830)',
    fields: byPattern(/^\s?(\S+)((?: \S+)*)\s*$/, [
      ['semantic', (v) => (v === 'WMS' ? 'WMS = WebRTC MediaStream' : 'semantic token')],
      ['stream ids', (v) => (v.trim() === '*' ? '"*": every stream' : v.trim() === '' ? '(none: no streams yet)' : 'the MediaStream ids in this description')],
    ]),
    explain: (f) => {
      const ids = (f['stream ids'] ?? '').trim();
      return ids === '' ? 'WMS with no stream ids: this description sends no media streams (data channel only, or receive only).' : ids === '*' ? 'WMS *: the a=msid lines name the streams (Firefox style).' : `WMS: this peer sends the MediaStream ${ids}.`;
    },
  },
  {
    key: 'a=ice-ufrag',
    title: 'ICE username fragment',
    meaning: 'Half of the STUN username in ICE connectivity checks: the peers join their ufrags as "remote:local". A new ufrag means an ICE restart.',
    example: 'a=ice-ufrag:LsCX',
    ref: 'RFC 8839 §5.4',
    form: '4 to 256 characters of A–Z a–z 0–9 + /',
    fields: byPattern(/^([A-Za-z0-9+/]{4,256})$/, [['ufrag', 'at least 4 characters; not secret']]),
    explain: (f) => `ICE username fragment "${f.ufrag}". Connectivity checks sent to this peer use the STUN username "${f.ufrag}:<other peer's ufrag>" (RFC 8445 §7.2.2).`,
  },
  {
    key: 'a=ice-pwd',
    title: 'ICE password',
    meaning: 'The key for STUN MESSAGE-INTEGRITY on connectivity checks sent to this peer. It travels only in signalling, which is why signalling must be trusted.',
    example: 'a=ice-pwd:wLqzuEmJT7BeRuX1hrxLkkYZ',
    ref: 'RFC 8839 §5.4',
    form: '22 to 256 characters of A–Z a–z 0–9 + /',
    fields: byPattern(/^([A-Za-z0-9+/]{22,256})$/, [['pwd', 'at least 22 characters of randomness']]),
  },
  {
    key: 'a=ice-options',
    title: 'ICE options',
    meaning: 'ICE extensions this peer supports.',
    example: 'a=ice-options:trickle',
    ref: 'RFC 8839 §5.6',
    fields: (v) => {
      const opts = v.trim().split(/\s+/).filter(Boolean);
      return opts.length ? opts.map((o) => ({ name: 'option', value: o, meaning: fromTable(ICE_OPTIONS, 'an ICE option this table does not know')(o) })) : null;
    },
    explain: (_f, _ctx, v) =>
      /(^|\s)trickle(\s|$)/.test(v)
        ? 'Trickle ICE: this peer can receive candidates one at a time after the description. Both sides must say so before either may trickle (RFC 8840 §4.1).'
        : undefined,
  },
  {
    key: 'a=ice-lite',
    title: 'ICE lite',
    meaning: 'This peer is an ICE lite agent: it has only host candidates and never starts checks. Typical for media servers with a public address.',
    example: 'a=ice-lite',
    ref: 'RFC 8839 §5.3',
  },
  { key: 'a=ice-mismatch', title: 'ICE mismatch', meaning: 'The answerer saw that the default address in the offer was not one of its candidates: some middlebox rewrote the SDP.', example: 'a=ice-mismatch', ref: 'RFC 8839 §5.3' },
  { key: 'a=ice-pacing', title: 'ICE pacing', meaning: 'Minimum time, in ms, between two connectivity checks this peer sends.', example: 'a=ice-pacing:50', ref: 'RFC 8839 §5.5' },
  { key: 'a=remote-candidates', title: 'Remote candidates', meaning: 'The remote candidates the controlling agent has picked, so the other side can confirm them.', example: 'a=remote-candidates:1 192.0.2.3 45664', ref: 'RFC 8839 §5.2' },
  {
    key: 'a=candidate',
    title: 'ICE candidate',
    meaning: 'One address and port where this peer might be reachable. ICE pairs candidates from both sides and tests each pair with STUN.',
    example: 'a=candidate:3071060615 1 udp 2122194687 192.0.2.2 41619 typ host generation 0 network-id 1',
    ref: 'RFC 8839 §5.1',
    form: '<foundation> <component> <transport> <priority> <address> <port> typ <type> [raddr <a> rport <p>] …',
    fields: candidateFields,
    explain: (f) => {
      const type = candidateTypeMeaning(f.type)?.label ?? f.type;
      const where = /\.local$/i.test(f.address ?? '') ? `${f.address} (an mDNS name that hides the real IP)` : `${f.address}`;
      const related: Record<string, string> = {
        srflx: `, the public side of ${f.raddr}:${f.rport}`,
        relay: `, relaying for ${f.raddr}:${f.rport}`,
        prflx: `, learnt from a check (base ${f.raddr}:${f.rport})`,
      };
      const rel = !f.raddr ? '' : f.raddr === '0.0.0.0' ? ', its related address hidden (0.0.0.0)' : (related[f.type] ?? `, related to ${f.raddr}:${f.rport}`);
      const tcp = f.tcptype ? ` TCP ${f.tcptype}.` : '';
      return `A ${type} candidate: ${f.transport?.toUpperCase()} ${where} port ${f.port}${rel}, component ${f.component}, priority ${f.priority}.${tcp}`;
    },
  },
  {
    key: 'a=end-of-candidates',
    title: 'End of candidates',
    meaning: 'No more candidates will follow for this section: ICE can stop waiting for trickled ones.',
    example: 'a=end-of-candidates',
    ref: 'RFC 8840 §8.1',
  },
  {
    key: 'a=fingerprint',
    title: 'DTLS certificate fingerprint',
    meaning: 'The hash of this peer\'s DTLS certificate. In the DTLS handshake each side checks that the other\'s certificate hashes to this value; that ties the encrypted connection to the signalled description.',
    example: 'a=fingerprint:sha-256 7C:29:6B:45:8E:DD:62:13:6E:6F:C6:2D:31:CF:57:ED:53:AE:87:A2:AC:74:9D:E2:86:01:E7:BE:85:3A:C0:4D',
    ref: 'RFC 8122 §5',
    form: '<hash-func> <XX:XX:…:XX>',
    fields: byPattern(/^(\S+) ((?:[0-9A-Fa-f]{2}:)*[0-9A-Fa-f]{2})$/, [
      ['hash-func', (v) => HASH_FUNCTIONS[v.toLowerCase()] ?? 'hash function'],
      ['fingerprint', (v) => `${v.split(':').length} bytes of the certificate's hash, in hex`],
    ]),
    explain: (f) => `The DTLS certificate's ${f['hash-func']?.toUpperCase()} fingerprint. The other peer accepts the DTLS handshake only from a certificate with this hash (RFC 8122 §5; RFC 8827 §6.5).`,
  },
  // #region setup
  {
    key: 'a=setup',
    title: 'DTLS role (setup)',
    meaning: 'Which side starts the DTLS handshake: active = DTLS client (sends the ClientHello), passive = DTLS server, actpass = either. The offer says actpass; the answer picks active or passive.',
    example: 'a=setup:actpass',
    ref: 'RFC 8842 §5',
    fields: byPattern(/^(\S+)$/, [['role', 'active, passive, actpass or holdconn']]),
    values: {
      actpass: {
        meaning: 'This side can be either the DTLS client or the DTLS server (actpass) and lets the answerer choose. An offer must say actpass; the answer must pick active (the answerer starts the handshake as DTLS client) or passive (it waits as DTLS server).',
        ref: 'RFC 8842 §5.2',
      },
      active: {
        meaning: 'This side will be the DTLS client (active): it sends the ClientHello that starts the handshake, and the other side is the DTLS server. Browsers answer active.',
        ref: 'RFC 8842 §5.3',
      },
      passive: {
        meaning: 'This side will be the DTLS server (passive): it waits for the other side\'s ClientHello.',
        ref: 'RFC 8842 §5.3',
      },
      holdconn: { meaning: 'This side does not want a connection yet (holdconn).', ref: 'RFC 4145 §4' },
    },
  },
  // #endregion setup
  { key: 'a=connection', title: 'Connection reuse', meaning: 'new = open a new connection; existing = keep using the current one.', example: 'a=connection:new', ref: 'RFC 4145 §5' },
  { key: 'a=tls-id', title: 'DTLS association id', meaning: 'Identifies the DTLS association; a new value means a new DTLS handshake.', example: 'a=tls-id:abc3de65cddef001be82', ref: 'RFC 8842' },
  {
    key: 'a=identity',
    title: 'Identity assertion',
    meaning: 'A signed statement from an identity provider that binds this peer\'s DTLS fingerprint to a user identity.',
    example: 'a=identity:eyJpZHAiOnsiZG9tYWluIjoiZXhhbXBsZS5vcmcifX0=',
    ref: 'RFC 8827',
  },
  {
    key: 'a=mid',
    title: 'Media id',
    meaning: 'Names this media section, so a=group:BUNDLE and the RTP MID header extension can refer to it.',
    example: 'a=mid:0',
    ref: 'RFC 5888 §4',
    fields: byPattern(/^(\S+)$/, [['identification-tag', 'unique within this description']]),
    explain: (f) => `This media section is called "${f['identification-tag']}". Bundled packets carry it in the MID header extension, so the receiver knows which section each belongs to (RFC 8843 §9.2).`,
  },
  {
    key: 'a=bundle-only',
    title: 'Bundle only',
    meaning: 'This media section may only be used inside a BUNDLE group; its port is 0 until the answer accepts BUNDLE.',
    example: 'a=bundle-only',
    ref: 'RFC 8843 §6',
  },
  {
    key: 'a=sctp-port',
    title: 'SCTP port',
    meaning: 'The SCTP port inside the DTLS connection (not a UDP port). 5000 by convention.',
    example: 'a=sctp-port:5000',
    ref: 'RFC 8841 §5',
    fields: byPattern(/^(\d+)$/, [['port', 'SCTP port, 0–65535']]),
    explain: (f) => `Data channels use SCTP port ${f.port} inside DTLS. Each side states its own; the SCTP association runs between the two ports (RFC 8841 §5).`,
  },
  {
    key: 'a=max-message-size',
    title: 'Maximum message size',
    meaning: 'The largest data-channel message, in bytes, this side can receive. 0 means no limit.',
    example: 'a=max-message-size:262144',
    ref: 'RFC 8841 §6',
    fields: byPattern(/^(\d+)$/, [['bytes', (v) => sizeText(Number(v))]]),
    explain: (f) => `This side can receive data-channel messages up to ${count(Number(f.bytes))} bytes (${sizeText(Number(f.bytes))}). The other side must not send bigger ones (RFC 8841 §6).`,
  },
  {
    key: 'a=sctpmap',
    title: 'SCTP map (legacy)',
    meaning: 'The old way to describe a data channel SCTP association: port, protocol and number of streams. Replaced by a=sctp-port.',
    example: 'a=sctpmap:5000 webrtc-datachannel 256',
    ref: 'draft-ietf-mmusic-sctp-sdp-05 (legacy)',
    fields: byPattern(/^(\d+) (\S+)(?: (\d+))?$/, [
      ['sctp-port', 'the SCTP port'],
      ['app', 'the protocol on top of SCTP'],
      ['streams', 'how many SCTP streams (channels) to allow'],
    ]),
  },
  {
    key: 'a=rtcp',
    title: 'RTCP address',
    meaning: 'Where RTCP goes if it is not on the RTP port. With rtcp-mux, "9 IN IP4 0.0.0.0" is only a placeholder.',
    example: 'a=rtcp:9 IN IP4 0.0.0.0',
    ref: 'RFC 3605 §2.1',
    fields: byPattern(/^(\d+)(?: (\S+) (\S+) (\S+))?$/, [
      ['port', 'RTCP port'],
      ['nettype', 'IN = Internet'],
      ['addrtype', 'IP4 or IP6'],
      ['address', (v) => (v === '0.0.0.0' ? 'a placeholder' : 'RTCP address')],
    ]),
  },
  { key: 'a=rtcp-mux', title: 'RTP/RTCP multiplexing', meaning: 'RTP and RTCP share one port. WebRTC requires it.', example: 'a=rtcp-mux', ref: 'RFC 5761 §5.1.1; RFC 8035' },
  { key: 'a=rtcp-mux-only', title: 'Only RTP/RTCP multiplexing', meaning: 'This side will not fall back to separate RTCP ports.', example: 'a=rtcp-mux-only', ref: 'RFC 8858 §3' },
  { key: 'a=rtcp-rsize', title: 'Reduced-size RTCP', meaning: 'RTCP packets may carry a single report (e.g. one NACK) instead of a full compound packet, so feedback is smaller and faster.', example: 'a=rtcp-rsize', ref: 'RFC 5506 §5' },
  {
    key: 'a=rtcp-xr',
    title: 'RTCP extended reports',
    meaning: 'Which RTCP Extended Report blocks this side wants.',
    example: 'a=rtcp-xr:rcvr-rtt=all',
    ref: 'RFC 3611 §5.1',
    fields: (v) => {
      const f = params(/\s+/, { 'rcvr-rtt': { meaning: 'Receiver Reference Time blocks, so a side that only receives can still measure round-trip time ("all" = every participant)', ref: 'RFC 3611 §4.4' } }, 'an XR block type')(v);
      return f.length ? f : null;
    },
  },
  {
    key: 'a=extmap',
    title: 'RTP header extension',
    meaning: 'Maps a small number (1–14 one-byte, up to 255 two-byte) to an RTP header extension, named by URI. Packets then carry the number, not the URI.',
    example: 'a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid',
    ref: 'RFC 8285 §5',
    form: '<id>[/<direction>] <uri> [<attributes>]',
    fields: byPattern(/^(\d+)(?:\/(\w+))? (\S+)(?: (.+))?$/, [
      ['id', 'the number RTP packets use for this extension'],
      ['direction', 'used in this direction only'],
      ['uri', (v) => {
        const e = EXTMAP_URIS[v];
        return e ? `${e.title}: ${e.meaning} (${e.ref})` : 'an extension this table does not know';
      }],
      ['extensionattributes', 'parameters for the extension'],
    ]),
    explain: (f) => {
      const e = EXTMAP_URIS[f.uri];
      const dir = f.direction ? ` (this side: ${f.direction})` : '';
      return e ? `Header extension ${f.id} is "${e.title}"${dir}: ${e.meaning} (${e.ref}).` : `Header extension ${f.id}${dir} is ${f.uri}.`;
    },
  },
  {
    key: 'a=sendrecv',
    title: 'Direction: send and receive',
    meaning: 'This side will send and receive media in this section.',
    example: 'a=sendrecv',
    ref: 'RFC 8866 §6.7.2',
  },
  {
    key: 'a=sendonly',
    title: 'Direction: send only',
    meaning: 'This side will only send media in this section. An answer to sendonly says recvonly or inactive.',
    example: 'a=sendonly',
    ref: 'RFC 8866 §6.7.3',
  },
  {
    key: 'a=recvonly',
    title: 'Direction: receive only',
    meaning: 'This side will only receive media in this section (e.g. it has no camera to send).',
    example: 'a=recvonly',
    ref: 'RFC 8866 §6.7.1',
  },
  {
    key: 'a=inactive',
    title: 'Direction: inactive',
    meaning: 'No media flows in either direction in this section, but it stays negotiated.',
    example: 'a=inactive',
    ref: 'RFC 8866 §6.7.4',
  },
  {
    key: 'a=msid',
    title: 'Media stream and track',
    meaning: 'Which MediaStream (first id) and track (second id) the media of this section belongs to, so the receiver fires ontrack with the right stream.',
    example: 'a=msid:6fd851d8-49d4-4875-a06f-6007b8d03f1d 19940626-2415-4fca-b338-d640615bcc9a',
    ref: 'RFC 8830 §2',
    fields: byPattern(/^(\S+)(?: (\S+))?$/, [
      ['stream id', (v) => (v === '-' ? '"-": the track is in no stream' : 'the MediaStream id (stream.id)')],
      ['track id', 'the sender\'s track id (msid-appdata); receivers get their own track ids'],
    ]),
  },
  {
    key: 'a=rtpmap',
    title: 'RTP payload map',
    meaning: 'Says which codec an RTP payload type number stands for, with its RTP clock rate and channels.',
    example: 'a=rtpmap:111 opus/48000/2',
    ref: 'RFC 8866 §6.6',
    form: '<payload type> <encoding name>/<clock rate>[/<channels>]',
    fields: byPattern(/^(\d+) ([^/\s]+)\/(\d+)(?:\/(\d+))?$/, [
      ['payload type', 'the number in each RTP packet\'s header'],
      ['encoding name', (v) => {
        const c = CODECS[v.toLowerCase()];
        return c ? `${c.title}: ${c.meaning} (${c.ref})` : 'a codec this table does not know';
      }],
      ['clock rate', (v) => (v === '90000' ? '90 kHz: the RTP timestamp clock every video codec uses' : `${Number(v) / 1000} kHz RTP timestamp clock`)],
      ['channels', (v) => (v === '2' ? '2 = stereo' : v === '1' ? '1 = mono' : `${v} audio channels`)],
    ]),
    explain: (f) => {
      const c = CODECS[(f['encoding name'] ?? '').toLowerCase()];
      const name = c?.title ?? f['encoding name'];
      const khz = Number(f['clock rate']) / 1000;
      if (f['clock rate'] === '90000') return `Payload type ${f['payload type']} is ${name} (90 kHz RTP clock, as for all video)${c ? `: ${c.meaning}` : ''}.`;
      const ch = f.channels === '2' ? ' stereo' : f.channels && f.channels !== '1' ? `, ${f.channels} channels` : '';
      const opus = c?.title === 'Opus' ? ' Opus is always signalled as 48000/2, whatever it actually sends (RFC 7587 §7).' : '';
      return `Payload type ${f['payload type']} is ${name} at ${khz} kHz${ch}${c ? `: ${c.meaning}` : ''}.${opus}`;
    },
  },
  {
    key: 'a=fmtp',
    title: 'Format parameters',
    meaning: 'Codec-specific parameters for one payload type.',
    example: 'a=fmtp:111 minptime=10;useinbandfec=1',
    ref: 'RFC 8866 §6.15',
    form: '<payload type> <parameters>',
    fields: (value) => {
      const m = /^(\d+|\*) (.+)$/.exec(value.trim());
      if (!m) return null;
      const head = { name: 'payload type', value: m[1], meaning: 'the payload type these parameters apply to' };
      if (!m[2].includes('=')) return [head, { name: 'parameters', value: m[2], meaning: 'codec-specific (see the explanation)' }];
      return [head, ...params(/;/, FMTP_PARAMS, 'a parameter this table does not know')(m[2])];
    },
    explain: (_f, ctx, value) => {
      const m = /^(\d+|\*) (.+)$/.exec(value.trim());
      if (!m) return undefined;
      const c = ctx.codec(m[1]);
      const name = c?.name.toLowerCase();
      const target = describeCodec(c, m[1]);
      if (name === 'telephone-event') return `${target}: the events it can send, ${m[2]} (0–15 are the keys 0–9, *, #, A–D; RFC 4733 §2.4.1).`;
      if (name === 'red') {
        const pts = m[2].split('/');
        return `${target} carries ${describeCodec(ctx.codec(pts[0]), pts[0])} plus ${pts.length - 1} redundant cop${pts.length === 2 ? 'y' : 'ies'} of earlier frames (RFC 2198 §5).`;
      }
      const apt = /(?:^|;)\s*apt=(\d+)/.exec(m[2]);
      if (apt) return `${target} resends lost packets of ${describeCodec(ctx.codec(apt[1]), apt[1])} (RFC 4588 §8.1).`;
      const plid = /(?:^|;)\s*profile-level-id=([0-9a-fA-F]{6})/.exec(m[2]);
      if (plid && name === 'h264') {
        const mode = /packetization-mode=1/.test(m[2]) ? '; packets may split or combine NAL units (packetization-mode 1)' : '; one NAL unit per packet (packetization-mode 0)';
        return `${target}: ${h264Profile(plid[1])}${mode} (RFC 6184 §8.1).`;
      }
      return `Parameters for ${target}: ${m[2]}.`;
    },
  },
  {
    key: 'a=rtcp-fb',
    title: 'RTCP feedback',
    meaning: 'An RTCP feedback message the receiver may send for a payload type (or * for all).',
    example: 'a=rtcp-fb:96 nack pli',
    ref: 'RFC 4585 §4.2',
    form: '<payload type|*> <type> [<parameter>]',
    fields: byPattern(/^(\d+|\*) (\S+)(?: (\S+))?(?: (.+))?$/, [
      ['payload type', (v) => (v === '*' ? '* = every payload type' : 'the payload type this feedback is for')],
      ['type', 'feedback type'],
      ['parameter', 'feedback sub-type or value'],
      ['more', 'further parameters'],
    ]),
    explain: (f, ctx) => {
      const key = f.type === 'trr-int' ? 'trr-int' : f.parameter ? `${f.type} ${f.parameter}` : f.type;
      const fb = RTCP_FB[key];
      const target = f['payload type'] === '*' ? 'every payload type' : describeCodec(ctx.codec(f['payload type']), f['payload type']);
      return fb ? `For ${target}: ${fb.meaning} (${fb.ref}).` : `For ${target}: feedback "${key}".`;
    },
  },
  {
    key: 'a=ssrc',
    title: 'RTP source (SSRC)',
    meaning: 'Describes one RTP stream this side will send, by its SSRC number.',
    example: 'a=ssrc:4122431129 cname:rqLo5rQ3+T1McgmP',
    ref: 'RFC 5576 §4.1',
    form: '<ssrc> <attribute>[:<value>]',
    fields: byPattern(/^(\d+) ([^:\s]+)(?::(.*))?$/, [
      ['ssrc', 'synchronization source: the 32-bit id in each RTP packet of this stream'],
      ['attribute', (v) => fromTable(SSRC_ATTRIBUTES, 'a source attribute')(v)],
      ['value', 'its value'],
    ]),
    explain: (f) => {
      const a = SSRC_ATTRIBUTES[f.attribute ?? ''];
      return a ? `RTP stream ${f.ssrc}: ${f.attribute} ${f.value ?? ''} — ${a.meaning}.` : undefined;
    },
  },
  {
    key: 'a=ssrc-group',
    title: 'SSRC group',
    meaning: 'Ties several RTP streams (SSRCs) together, e.g. a video stream and its retransmission stream.',
    example: 'a=ssrc-group:FID 3740713247 2121731754',
    ref: 'RFC 5576 §4.2',
    fields: byPattern(/^(\S+)((?: \d+)+)$/, [
      ['semantics', fromTable(SSRC_GROUP_SEMANTICS, 'grouping semantics')],
      ['ssrcs', 'the grouped SSRCs'],
    ]),
    explain: (f) => {
      const ssrcs = (f.ssrcs ?? '').trim().split(/\s+/);
      if (f.semantics === 'FID' && ssrcs.length === 2) return `Stream ${ssrcs[1]} carries retransmissions (RTX) for stream ${ssrcs[0]} (RFC 5576 §4.2; RFC 4588).`;
      const s = SSRC_GROUP_SEMANTICS[f.semantics];
      return s ? `${f.semantics}: ${s.meaning}.` : undefined;
    },
  },
  {
    key: 'a=rid',
    title: 'RTP stream id (rid)',
    meaning: 'Names one RTP stream this side will send (or receive) in this section, with optional limits; simulcast refers to these names.',
    example: 'a=rid:q send',
    ref: 'RFC 8851 §4',
    form: '<rid-id> send|recv [<restrictions>]',
    fields: (value) => {
      const m = /^(\S+) (send|recv)(?: (.+))?$/.exec(value.trim());
      if (!m) return null;
      const head = [
        { name: 'rid-id', value: m[1], meaning: 'the stream\'s name, carried in the rtp-stream-id header extension' },
        { name: 'direction', value: m[2], meaning: m[2] === 'send' ? 'this side sends this stream' : 'this side receives this stream' },
      ];
      const restrictions: Record<string, ValueMeaning> = {
        pt: { meaning: 'allowed payload types', ref: 'RFC 8851 §4' },
        'max-width': { meaning: 'maximum width in pixels', ref: 'RFC 8851 §5' },
        'max-height': { meaning: 'maximum height in pixels', ref: 'RFC 8851 §5' },
        'max-fps': { meaning: 'maximum frame rate', ref: 'RFC 8851 §5' },
        'max-fs': { meaning: 'maximum frame size in macroblocks', ref: 'RFC 8851 §5' },
        'max-br': { meaning: 'maximum bitrate in bit/s', ref: 'RFC 8851 §5' },
        'max-pps': { meaning: 'maximum pixels per second', ref: 'RFC 8851 §5' },
        'max-bpp': { meaning: 'maximum bits per pixel', ref: 'RFC 8851 §5' },
        depend: { meaning: 'rids this stream depends on', ref: 'RFC 8851 §5' },
      };
      return m[3] ? [...head, ...params(/;/, restrictions, 'a restriction')(m[3])] : head;
    },
    explain: (f) => `RTP stream "${f['rid-id']}" is one this side will ${f.direction === 'send' ? 'send' : 'receive'}; a=simulcast lists which rids are sent together (RFC 8851 §4).`,
  },
  {
    key: 'a=simulcast',
    title: 'Simulcast',
    meaning: 'Sends (or receives) several encodings of the same source at once, e.g. low, medium and high resolution, named by a=rid. A server forwards the one each viewer can take.',
    example: 'a=simulcast:send q;h;f',
    ref: 'RFC 8853 §5.1',
    form: 'send|recv <rid>;<rid>… [send|recv <rid>;…]',
    fields: byPattern(/^(send|recv) (\S+)(?: (send|recv) (\S+))?$/, [
      ['direction', (v) => (v === 'send' ? 'streams this side sends' : 'streams this side receives')],
      ['streams', '";" separates streams, "," separates alternatives for one stream, "~" marks a paused one'],
      ['direction 2', 'the other direction'],
      ['streams 2', 'its streams'],
    ]),
    explain: (f) => {
      const streams = (f.streams ?? '').split(';').filter(Boolean);
      return `This side will ${f.direction} ${streams.length} simulcast stream${streams.length === 1 ? '' : 's'}: ${streams.join(', ')}. The answer must say ${f.direction === 'send' ? 'recv' : 'send'} with the ones it accepts, or drop the line to refuse simulcast (RFC 8853 §5.3).`;
    },
  },
  { key: 'a=ptime', title: 'Packet time', meaning: 'Preferred length of audio in each packet, in ms.', example: 'a=ptime:20', ref: 'RFC 8866 §6.4' },
  { key: 'a=maxptime', title: 'Maximum packet time', meaning: 'Longest audio, in ms, this side accepts in one packet.', example: 'a=maxptime:120', ref: 'RFC 8866 §6.5' },
  { key: 'a=framerate', title: 'Frame rate', meaning: 'Maximum video frame rate, in frames per second.', example: 'a=framerate:30', ref: 'RFC 8866 §6.13' },
  { key: 'a=tool', title: 'Tool', meaning: 'The program that wrote this description.', example: 'a=tool:libavformat 60.16.100', ref: 'RFC 8866 §6.3' },
  { key: 'a=label', title: 'Label', meaning: 'A label for this media section.', example: 'a=label:1', ref: 'RFC 4574' },
  { key: 'a=content', title: 'Content', meaning: 'What the media is: main, alt, slides, speaker, sl (sign language).', example: 'a=content:slides', ref: 'RFC 4796' },
  { key: 'a=imageattr', title: 'Image attributes', meaning: 'Picture sizes this side can send or receive.', example: 'a=imageattr:97 send [x=800,y=640] recv *', ref: 'RFC 6236 §3' },
  { key: 'a=crypto', title: 'SDES crypto (not WebRTC)', meaning: 'SRTP keys in clear text in the SDP. WebRTC forbids it: keys come from DTLS instead.', example: 'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR', ref: 'RFC 4568' },
  { key: 'a=x-google-flag', title: 'Google flag (non-standard)', meaning: 'A libwebrtc-specific flag; "conference" turned on conference-mode screen sharing in old Chrome.', example: 'a=x-google-flag:conference', ref: 'libwebrtc, no RFC' },
  { key: 'a=orient', title: 'Orientation', meaning: 'Orientation of a whiteboard or presentation: portrait, landscape or seascape.', example: 'a=orient:landscape', ref: 'RFC 8866 §6.8' },
  { key: 'a=type', title: 'Conference type', meaning: 'broadcast, meeting, moderated, test or H332.', example: 'a=type:meeting', ref: 'RFC 8866 §6.9' },
  { key: 'a=charset', title: 'Character set', meaning: 'Character set of the session name and information lines.', example: 'a=charset:ISO-8859-1', ref: 'RFC 8866 §6.10' },
  { key: 'a=sdplang', title: 'SDP language', meaning: 'Language of the description\'s text.', example: 'a=sdplang:fr', ref: 'RFC 8866 §6.11' },
  { key: 'a=lang', title: 'Language', meaning: 'Language of the session or media.', example: 'a=lang:de', ref: 'RFC 8866 §6.12' },
  { key: 'a=quality', title: 'Quality', meaning: 'Suggested encoding quality, 0–10.', example: 'a=quality:10', ref: 'RFC 8866 §6.14' },
  { key: 'a=keywds', title: 'Keywords (obsolete)', meaning: 'Keywords for finding the session.', example: 'a=keywds:SDP', ref: 'RFC 8866 §6.2' },
  { key: 'a=cat', title: 'Category (obsolete)', meaning: 'A dot-separated category for the session.', example: 'a=cat:foo.bar', ref: 'RFC 8866 §6.1' },
];

/** The table, by key ('v', 'a=rtpmap' …). */
export const LINE_MEANINGS: ReadonlyMap<string, LineMeaning> = new Map(ENTRIES.map((e) => [e.key, e]));

/** Table key for a line: its type letter, or 'a=<name>' (lower-case) for attributes. */
export function keyOf(type: string, name: string): string {
  return type === 'a' ? `a=${name.toLowerCase()}` : type;
}

