/**
 * What the MQTT labs keep of what arrives, in one table. Anyone can publish to a public broker,
 * and mosquitto by default accepts a PUBLISH of up to 256 MB (MQTT 3.1.1 §2.2.3), so nothing a
 * session keeps may grow with a payload's size: a refused payload keeps a preview, a packet
 * in the packet log its header and a bounded start. The trace importer (../trace/export.ts)
 * checks the same caps, so the largest trace the lab writes still imports.
 */
import { MAX_PAYLOAD_BYTES } from './types';

export const KEEP = {
  /** Packets recorded per client and session; a flood beyond this is not recorded. */
  packetsPerClient: 2000,
  /**
   * Packet bytes kept per client and session. Past it a packet keeps only its head, so a
   * broker that sends big messages cannot fill the tab's memory through the packet log.
   */
  packetBytesPerClient: 4 * 1024 * 1024,
  /** What a packet keeps once its client's budget is spent: the fixed header and the topic, enough to name it. */
  packetHeadBytes: 256,
  /**
   * Payload bytes a PUBLISH keeps beyond its header (fixed header, topic, packet id) when the
   * payload could be a signal: all of it, since a signal is at most MAX_PAYLOAD_BYTES.
   */
  signalPayloadBytes: MAX_PAYLOAD_BYTES,
  /**
   * Payload bytes a PUBLISH keeps beyond its header when the payload is over MAX_PAYLOAD_BYTES,
   * and so refused for its size: its start, so that oversized junk neither fills the tab nor
   * spends the client's budget that the session's own packets need.
   */
  oversizePayloadBytes: 1024,
  /** Any one packet, header included, as the trace importer accepts it (a topic is at most 64 KiB, §1.5.3). */
  packetBytes: 66 * 1024,
  /** Incoming PUBLISH packets waiting to be matched to their 'message' event. */
  inboxPackets: 64,
  /** Characters of a refused payload kept to show what it was (`rejected` events, flood summaries). */
  previewChars: 120,
  /** Refusals a session traces one by one; past it they are summed (../session/refusals.ts). */
  refusalsPerSession: 1000,
  /** How long one summed 'rejected' event covers, per recipient, once the refusals budget is spent (ms). */
  refusalSummaryMs: 10_000,
} as const;
