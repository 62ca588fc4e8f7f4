/**
 * Round trips over any text channel (an MQTT topic pair, an RTCDataChannel): one side sends
 * a ping of N bytes, the other answers, and the sender times it. The lab's pong is the same
 * bytes back, so a round trip of a 100 KB ping moves 200 KB; the Godot demo answers "*<N>".
 *
 * The lab's wire format (JSON_PINGS): `{"t":"ping","id":7,"pad":"…"}` → `{"t":"pong","id":7,"pad":"…"}`;
 * `pad` fills the message to the requested size. An app's own convention is an EchoFormat.
 * Unknown or malformed messages are ignored (the channel may be shared with other traffic,
 * and the other side is untrusted).
 */
export interface TextChannel {
  send(text: string): void;
  /** Subscribe to incoming text; returns an unsubscribe function. */
  onMessage(listener: (text: string) => void): () => void;
}

/**
 * How probes and answers look on one channel: the lab's JSON pings (below), or an app's own
 * convention, e.g. the Godot demo's "$…" answered "*<length>" (../dialects/godot-demo.ts).
 */
export interface EchoFormat {
  /** A probe of `size` bytes, and the id its answer will carry; `seq` counts from 1. */
  probe(seq: number, size: number): { text: string; id: number };
  /** A probe or an answer, with its id; null for anything else (ignored). */
  read(text: string): { t: 'ping' | 'pong'; id: number } | null;
  /** The answer to a probe `read` took as a ping. */
  answer(probe: string): string;
}

export interface EchoOptions {
  format?: EchoFormat;
  now?: () => number;
  /** Give up on one round trip after this long (ms). */
  timeoutMs?: number;
  scheduler?: { setTimeout(fn: () => void, ms: number): unknown; clearTimeout(handle: unknown): void };
}

/** Largest ping we build or answer (bytes). A data channel's usual limit is 256 KiB. */
export const MAX_PING_BYTES = 256 * 1024;

const HEADER_BYTES = '{"t":"ping","id":,"pad":""}'.length;

/** A ping of exactly `size` bytes (ASCII, so characters = bytes), when size allows. */
export function pingMessage(id: number, size: number): string {
  const pad = Math.max(0, Math.min(size, MAX_PING_BYTES) - HEADER_BYTES - String(id).length);
  return `{"t":"ping","id":${id},"pad":"${'x'.repeat(pad)}"}`;
}

/** The lab's own pings: JSON, the pong the same bytes with "pong" for "ping". */
export const JSON_PINGS: EchoFormat = {
  probe: (seq, size) => ({ text: pingMessage(seq, size), id: seq }),
  read(text) {
    if (typeof text !== 'string' || text.length > MAX_PING_BYTES + 64) return null;
    // Only the head is needed; the pad can be large.
    const m = /^\{"t":"(ping|pong)","id":(\d{1,9}),"pad":"x*"\}$/.exec(text);
    return m ? { t: m[1] as 'ping' | 'pong', id: Number(m[2]) } : null;
  },
  answer: (ping) => `{"t":"pong"${ping.slice('{"t":"ping"'.length)}`,
};

export class EchoEndpoint {
  private readonly pending = new Map<number, { start: number; resolve: (ms: number) => void; reject: (e: Error) => void; timer: unknown }>();
  private nextId = 1;
  private readonly unsubscribe: () => void;
  private readonly now: () => number;
  private readonly timeoutMs: number;
  private readonly format: EchoFormat;
  private readonly scheduler: NonNullable<EchoOptions['scheduler']>;

  constructor(
    private readonly channel: TextChannel,
    opts: EchoOptions = {},
  ) {
    this.format = opts.format ?? JSON_PINGS;
    this.now = opts.now ?? (() => performance.now());
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.scheduler = opts.scheduler ?? {
      setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
      clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>),
    };
    this.unsubscribe = channel.onMessage((text) => this.receive(text));
  }

  /** Resolves with the round-trip time in ms; rejects on timeout or close. */
  roundTrip(size: number): Promise<number> {
    const { text, id } = this.format.probe(this.nextId++, size);
    return new Promise((resolve, reject) => {
      if (this.pending.has(id)) return reject(new Error(`a probe with id ${id} is already waiting for its answer`));
      const timer = this.scheduler.setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`no echo within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.pending.set(id, { start: this.now(), resolve, reject, timer });
      try {
        this.channel.send(text);
      } catch (err) {
        this.scheduler.clearTimeout(timer);
        this.pending.delete(id);
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
  }

  close(): void {
    this.unsubscribe();
    for (const [id, p] of this.pending) {
      this.scheduler.clearTimeout(p.timer);
      p.reject(new Error('closed'));
      this.pending.delete(id);
    }
  }

  private receive(text: string): void {
    const msg = this.format.read(text);
    if (!msg) return;
    if (msg.t === 'ping') {
      this.channel.send(this.format.answer(text));
      return;
    }
    const p = this.pending.get(msg.id);
    if (!p) return;
    this.pending.delete(msg.id);
    this.scheduler.clearTimeout(p.timer);
    p.resolve(this.now() - p.start);
  }
}
