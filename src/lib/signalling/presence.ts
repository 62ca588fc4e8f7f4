/**
 * Presence for one-peer-per-device labs: who is online under a topic root, from the retained
 * status messages (and last wills) on `<root>/+/status`, and whether an id is already taken.
 *
 * A retained "online" for our own id, received when we subscribe before announcing
 * ourselves, means another device already uses that id (the Godot demo refused duplicate
 * ids the same way). A will ("offline", reason "will") or an empty retained payload (the
 * status was cleared, MQTT 3.1.1 §3.3.1.3) takes a peer off the list.
 */
import { LIMITS } from './limits';

export interface PresenceEntry {
  id: string;
  status: 'online' | 'offline';
  /** The broker published it as the peer's last will. */
  will: boolean;
  /** Delivered from the broker's store (RETAIN=1), i.e. published before we subscribed. */
  retained: boolean;
  /** Sender's clock (informational). */
  ts: number;
  /** In another app's dialect, its own word for the status, e.g. the workbench's "serveropen". */
  detail?: string;
}

export type PresenceUpdate =
  | { peer: string; status: 'online' | 'offline'; will: boolean; retained: boolean; ts: number; detail?: string }
  | { peer: string; cleared: true };

/**
 * Entries by peer id, in the order they were first heard of; a new Map each time, so it can be
 * stored in reactive state. At most `limit` entries (./limits): anyone can publish a status
 * under a shared root, so a flood of ids must not grow the list. Beyond the limit a newcomer
 * pushes out an offline peer, else the oldest of the later half: the peers heard of first
 * (those here before a flood) stay listed, and newcomers still show, taking turns in the rest.
 */
export function applyPresence(roster: ReadonlyMap<string, PresenceEntry>, update: PresenceUpdate, limit: number = LIMITS.roster): Map<string, PresenceEntry> {
  const next = new Map(roster);
  if ('cleared' in update) {
    next.delete(update.peer);
    return next;
  }
  if (!next.has(update.peer)) while (next.size >= Math.max(1, limit)) next.delete(pushedOut(next, limit));
  next.set(update.peer, { id: update.peer, status: update.status, will: update.will, retained: update.retained, ts: update.ts, ...(update.detail ? { detail: update.detail } : {}) });
  return next;
}

function pushedOut(roster: ReadonlyMap<string, PresenceEntry>, limit: number): string {
  for (const e of roster.values()) if (e.status === 'offline') return e.id;
  const ids = [...roster.keys()];
  return ids[Math.floor(limit / 2)] ?? ids[0]!;
}

/** Peers online now, except `self`, sorted by id. */
export function onlinePeers(roster: ReadonlyMap<string, PresenceEntry>, self: string): PresenceEntry[] {
  return [...roster.values()].filter((e) => e.status === 'online' && e.id !== self).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** True when the roster (before we announced ourselves) already has `id` online. */
export function idTaken(roster: ReadonlyMap<string, PresenceEntry>, id: string): boolean {
  return roster.get(id)?.status === 'online';
}
