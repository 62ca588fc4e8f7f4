/**
 * The channel-options experiment: alice and bob connected in the page (in-page.ts), alice's
 * "chat" channel announced by DCEP as in the lab, then channels the reader opens from either
 * side with the options chosen. For each it records what both ends report: the stream id,
 * whether 'datachannel' fired on the other side (not for a negotiated channel, RFC 8832 §6.1),
 * the options the far end learnt, and whether the id follows the DTLS role's parity (§6).
 */
import { channelInit, dcepOpen, followsParity, optionsProblem, type ChannelOptions, type DtlsRole, type Side } from './channels';
import { connectInPage, statsOf, transportOf } from './in-page';

/** One end of a channel, as its RTCDataChannel reports it. */
export interface ChannelEnd {
  id: number | null;
  ordered: boolean;
  maxRetransmits: number | null;
  maxPacketLifeTime: number | null;
  negotiated: boolean;
}

export interface ChannelRow {
  n: number;
  label: string;
  /** The side that created it (both did, for a negotiated channel). */
  from: Side;
  negotiated: boolean;
  own: ChannelEnd | null;
  /** The other side's end: announced by DCEP, or created there too (negotiated). */
  far: ChannelEnd | null;
  /** 'datachannel' fired on the other side for it. */
  announced: boolean;
  /** The creator's id has its DTLS role's parity; null for a negotiated channel or an unknown role. */
  parity: boolean | null;
  /** The DATA_CHANNEL_OPEN these options make (RFC 8832 §5.1); null when negotiated. */
  dcep: Uint8Array | null;
  error: string | null;
}

export interface ChannelBenchOptions {
  createPeerConnection: (config: RTCConfiguration) => RTCPeerConnection;
  /** Called after every change of `state`, `roles` or `rows`. */
  onChange?: () => void;
  /** How long an end may take to open or be announced (ms). */
  timeoutMs?: number;
  /** How long to watch for a 'datachannel' that should not come (negotiated channels, ms). */
  settleMs?: number;
}

export const OTHER: Readonly<Record<Side, Side>> = { alice: 'bob', bob: 'alice' };

function endOf(ch: RTCDataChannel): ChannelEnd {
  return { id: ch.id, ordered: ch.ordered, maxRetransmits: ch.maxRetransmits, maxPacketLifeTime: ch.maxPacketLifeTime, negotiated: ch.negotiated };
}

function errorText(err: unknown): string {
  return err instanceof Error || err instanceof DOMException ? `${err.name}: ${err.message}` : String(err);
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function opened(ch: RTCDataChannel, ms: number): Promise<void> {
  if (ch.readyState === 'open') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`"${ch.label}" did not open within ${ms} ms`)), ms);
    ch.addEventListener('open', () => (clearTimeout(timer), resolve()), { once: true });
    ch.addEventListener('close', () => (clearTimeout(timer), reject(new Error(`"${ch.label}" closed before it opened`))), { once: true });
  });
}

export class ChannelBench {
  state: 'idle' | 'connecting' | 'ready' | 'failed' | 'closed' = 'idle';
  error: string | null = null;
  roles: Record<Side, DtlsRole> = { alice: 'unknown', bob: 'unknown' };
  rows: ChannelRow[] = [];

  private readonly opts: ChannelBenchOptions;
  private pcs: Record<Side, RTCPeerConnection> | null = null;
  /** Channels each side was handed by 'datachannel', in order. */
  private readonly announcedTo: Record<Side, RTCDataChannel[]> = { alice: [], bob: [] };
  private readonly waiters = new Set<() => void>();

  constructor(opts: ChannelBenchOptions) {
    this.opts = opts;
  }

  private changed(): void {
    this.opts.onChange?.();
  }

  /** Connects alice (offerer) and bob with alice's "chat" channel, as the lab does. */
  async start(): Promise<void> {
    if (this.state !== 'idle') return;
    this.state = 'connecting';
    this.changed();
    try {
      const pcs = { alice: this.opts.createPeerConnection({}), bob: this.opts.createPeerConnection({}) };
      this.pcs = pcs;
      for (const side of ['alice', 'bob'] as const) {
        pcs[side].addEventListener('datachannel', (ev) => {
          this.announcedTo[side].push((ev as RTCDataChannelEvent).channel);
          for (const wake of [...this.waiters]) wake();
        });
      }
      // Created before the offer, so the offer has an m=application section; its id stays
      // null until the DTLS role is known and SCTP is up.
      const chat = pcs.alice.createDataChannel('chat');
      await connectInPage(pcs.alice, pcs.bob, this.timeout);
      await opened(chat, this.timeout);
      const far = await this.announced('bob', chat);
      for (const side of ['alice', 'bob'] as const) this.roles[side] = transportOf(await statsOf(pcs[side]))?.dtlsRole ?? 'unknown';
      this.push({ label: 'chat', from: 'alice', negotiated: false, own: endOf(chat), far: far && endOf(far), announced: !!far, parity: followsParity(chat.id, this.roles.alice), dcep: dcepOpen({ label: 'chat', ordered: true, reliability: 'reliable', limit: 0 }).bytes, error: null });
      this.state = 'ready';
    } catch (err) {
      this.state = 'failed';
      this.error = errorText(err);
    }
    this.changed();
  }

  private get timeout(): number {
    return this.opts.timeoutMs ?? 10_000;
  }

  private push(row: Omit<ChannelRow, 'n'>): ChannelRow {
    const full = { n: this.rows.length + 1, ...row };
    this.rows = [...this.rows, full];
    return full;
  }

  /** The channel `side` was handed for `own` (same id), once it comes; null if it never does. */
  private announced(side: Side, own: RTCDataChannel, ms = this.timeout): Promise<RTCDataChannel | null> {
    const find = () => this.announcedTo[side].find((c) => c.label === own.label && c.id === own.id) ?? null;
    return new Promise((resolve) => {
      const check = () => {
        const found = find();
        if (found) finish(found);
      };
      const finish = (v: RTCDataChannel | null) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(v);
      };
      const timer = setTimeout(() => finish(find()), ms);
      this.waiters.add(check);
      check();
    });
  }

  /** Opens a channel from `from` with options `o` (on both sides when negotiated) and records what each end reports. */
  async open(from: Side, o: ChannelOptions): Promise<ChannelRow | null> {
    const pcs = this.pcs;
    if (!pcs || this.state !== 'ready') return null;
    const base = { label: o.label, from, negotiated: o.negotiated, own: null, far: null, announced: false, parity: null, dcep: o.negotiated ? null : dcepOpen(o).bytes };
    const problem = optionsProblem(o);
    if (problem) return this.done({ ...base, error: problem });
    const init = channelInit(o);
    let own: RTCDataChannel;
    let farEnd: RTCDataChannel | null = null;
    try {
      own = pcs[from].createDataChannel(o.label, init);
      // A negotiated channel is created by both applications, with the same id (RFC 8832 §6.1).
      if (o.negotiated) farEnd = pcs[OTHER[from]].createDataChannel(o.label, init);
    } catch (err) {
      return this.done({ ...base, error: `createDataChannel() threw ${errorText(err)}` });
    }
    try {
      await opened(own, this.timeout);
      if (farEnd) {
        await opened(farEnd, this.timeout);
        // Nothing announces a negotiated channel; watch a moment to show that nothing does.
        await sleep(this.opts.settleMs ?? 250);
        const stray = this.announcedTo[OTHER[from]].some((c) => c.label === o.label && c.id === own.id);
        return this.done({ ...base, own: endOf(own), far: endOf(farEnd), announced: stray, parity: null, error: null });
      }
      const far = await this.announced(OTHER[from], own);
      return this.done({ ...base, own: endOf(own), far: far && endOf(far), announced: !!far, parity: followsParity(own.id, this.roles[from]), error: far ? null : `${OTHER[from]} was never handed the channel` });
    } catch (err) {
      return this.done({ ...base, own: endOf(own), error: errorText(err) });
    }
  }

  private done(row: Omit<ChannelRow, 'n'>): ChannelRow {
    const full = this.push(row);
    this.changed();
    return full;
  }

  close(): void {
    if (this.pcs) for (const pc of Object.values(this.pcs)) pc.close();
    this.pcs = null;
    this.waiters.clear();
    this.state = 'closed';
    this.changed();
  }
}
