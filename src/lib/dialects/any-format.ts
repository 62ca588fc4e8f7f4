/**
 * Reading a message in whatever format it came in, for a page that joins no conversation and
 * watches a whole root (the watch mode, ../lab/watch-session.ts): the lab's own format first,
 * then each dialect in the registry. Never throws; what no format reads comes back with the
 * reason each format gave.
 */
import { decodeSignal } from '../signalling/codec';
import { LIMITS } from '../signalling/limits';
import { parseTopic } from '../signalling/topics';
import type { WireSignal } from '../signalling/types';
import type { DialectWire } from '../trace/types';
import { clip, levelsUnder } from './common';
import { DialectLink } from './link';
import { DIALECTS, LAB_FORMAT } from './registry';

const LAB_FORMAT_ID = LAB_FORMAT.id;

export type AnyRead =
  /** `to`: the recipient, or null for a status (it is for everyone). */
  | { ok: true; what: 'signal'; format: string; signal: WireSignal; wire?: DialectWire }
  | { ok: true; what: 'cleared'; format: string; from: string }
  /** Not signalling: a latency ping or probe, or the lab's own join probe. Not drawn. */
  | { ok: true; what: 'other'; format: string }
  | { ok: false; reason: string };

const decoder = new TextDecoder();

export class AnyFormat {
  private readonly links: DialectLink[];
  /** Who is online in each dialect: the sender of a message whose topic names only its recipient. */
  private readonly online = new Map<string, Set<string>>();

  constructor(
    readonly root: string,
    session: string,
    now: () => number = Date.now,
  ) {
    this.links = Object.values(DIALECTS).map((d) => new DialectLink(d, root, null, session, now));
  }

  read(topic: string, payload: Uint8Array): AnyRead {
    const levels = levelsUnder(this.root, topic) ?? [];
    // The lab's own traffic besides signals: pings (<to>/ping/<from>) and join probes (<id>/probe/<token>).
    if (levels.length === 3 && (levels[1] === 'ping' || levels[1] === 'probe')) return { ok: true, what: 'other', format: LAB_FORMAT_ID };
    const reasons: string[] = [];
    const lab = this.readLab(topic, payload);
    if (lab.ok) return lab;
    reasons.push(`the lab's format: ${lab.reason}`);
    const text = decoder.decode(payload);
    for (const link of this.links) {
      const id = link.dialect.id;
      const r = link.read(topic, text, { remote: null, online: [...(this.online.get(id) ?? [])] });
      if (!r.ok) {
        reasons.push(`${id}: ${r.reason}`);
        continue;
      }
      if (r.what === 'latency') return { ok: true, what: 'other', format: id };
      if (r.what === 'cleared') return { ok: true, what: 'cleared', format: id, from: r.from };
      if (r.signal.kind === 'status') this.seen(id, r.signal.from, r.signal.status === 'online');
      return { ok: true, what: 'signal', format: id, signal: r.signal, wire: r.wire };
    }
    return { ok: false, reason: clip(`no format reads it. ${reasons.join('; ')}`, 600) };
  }

  private readLab(topic: string, payload: Uint8Array): AnyRead {
    const parsed = parseTopic(this.root, topic);
    if (!parsed) return { ok: false, reason: 'not a <root>/<id>/status or <root>/<id>/signal topic' };
    if (parsed.kind === 'status' && payload.length === 0) return { ok: true, what: 'cleared', format: LAB_FORMAT_ID, from: parsed.peer };
    // Each message is read as its recipient reads it; no session is pinned.
    const r = decodeSignal(payload, { topic, root: this.root, self: parsed.peer, session: null });
    return r.ok ? { ok: true, what: 'signal', format: LAB_FORMAT_ID, signal: r.signal } : { ok: false, reason: r.reason };
  }

  private seen(dialect: string, id: string, online: boolean): void {
    const set = this.online.get(dialect) ?? new Set<string>();
    set.delete(id);
    if (online) set.add(id);
    // Anyone can publish statuses under a shared root: keep the newest few (../signalling/limits).
    for (const old of set) {
      if (set.size <= LIMITS.roster) break;
      set.delete(old);
    }
    this.online.set(dialect, set);
  }
}
