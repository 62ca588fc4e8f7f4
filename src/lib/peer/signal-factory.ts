/**
 * Builds the envelope of every signal a peer sends: v, kind, from, to, session, mid, ts.
 * Field order is chosen so the JSON reads well in `mosquitto_sub` output.
 */
import { SIGNAL_VERSION, type DirectedSignal } from '../signalling/types';

type Envelope = 'v' | 'from' | 'to' | 'session' | 'mid' | 'ts';
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** What a peer decides (kind and payload); the factory adds the envelope. */
export type DirectedSignalBody = DistributiveOmit<DirectedSignal, Envelope>;

export interface SignalFactoryOptions {
  from: string;
  to: string;
  session: string;
  now?: () => number;
  /**
   * Distinguishes this sender instance from an earlier one with the same id
   * (a reloaded tab in the same session), so mids never repeat. Random by default.
   */
  instance?: string;
}

export type SignalFactory = (body: DirectedSignalBody) => DirectedSignal;

export function createSignalFactory(opts: SignalFactoryOptions): SignalFactory {
  const now = opts.now ?? Date.now;
  const instance = opts.instance ?? randomTag();
  let n = 0;
  return (body) => {
    n += 1;
    // Payload fields follow the envelope; `kind` comes second, right after `v`.
    const { kind, ...payload } = body;
    return {
      v: SIGNAL_VERSION,
      kind,
      from: opts.from,
      to: opts.to,
      session: opts.session,
      mid: `${opts.from}-${instance}-${n}`,
      ts: now(),
      ...payload,
    } as DirectedSignal;
  };
}

/** 6 base-36 characters. getRandomValues works in insecure contexts too, unlike randomUUID. */
function randomTag(): string {
  const c = (globalThis as { crypto?: Crypto }).crypto;
  if (c?.getRandomValues) {
    const a = c.getRandomValues(new Uint32Array(1));
    return (a[0]! % 36 ** 6).toString(36).padStart(6, '0');
  }
  return Math.floor(Math.random() * 36 ** 6).toString(36).padStart(6, '0');
}
