/**
 * The watch mode: a page that joins no conversation watches a root where two lab peers and two
 * peers of the Godot 3 demo signal, each pair in its own format, over one in-memory bus.
 */
import { describe, expect, it } from 'vitest';
import { soloWorld } from './fixtures';
import { WatchSession } from './watch-session';
import { godotDemo } from '../dialects/godot-demo';
import { watchedLanes, WATCHER } from '../trace/lanes';
import { diagramRows } from '../trace/selectors';
import { parseTraceJson, exportTrace } from '../trace/export';
import type { TraceEvent } from '../trace/types';

const ROOT = 'crumble77';

const world = () => soloWorld({ root: ROOT });

type Published = Extract<TraceEvent, { type: 'published' }>;
type Held = Extract<TraceEvent, { type: 'held' }>;

describe('WatchSession', () => {
  it('draws every signal between any peers, in the lab\'s format and the demo\'s, with a lane for each peer as it appears', async () => {
    const w = world();
    const watch = new WatchSession({ broker: 'direct', root: ROOT }, { connectBroker: w.connect });
    await watch.start();
    const dog = w.device('dog111');
    const cat = w.device('cat222');
    for (const d of [dog, cat]) await d.join();
    await w.settle();
    await w.drain(dog, cat);
    dog.connectTo('cat222');
    await w.drain(dog, cat);
    const fox = w.device('fox333', undefined, false, godotDemo);
    const owl = w.device('owl444', undefined, false, godotDemo);
    for (const d of [fox, owl]) await d.join();
    await w.settle();
    await w.drain(fox, owl);
    fox.connectTo('owl444');
    await w.drain(fox, owl);
    expect([dog, cat, fox, owl].map((d) => d.peer?.channelOpen)).toEqual([true, true, true, true]);

    const events = watch.trace.events;
    // The watcher published nothing and held nothing back.
    expect(watch.queue.size).toBe(0);
    expect(events.filter((e) => e.type === 'packet' && e.direction === 'out' && e.name === 'PUBLISH')).toEqual([]);
    // Every directed message is drawn from its sender to its recipient, in the order it went.
    const held = events.filter((e): e is Held => e.type === 'held');
    const flow = (a: string, b: string) => held.filter((e) => (e.from === a && e.to === b) || (e.from === b && e.to === a)).map((e) => `${e.from}>${e.kind}`);
    // The offer first; the answerer's answer before any of its candidates (RFC 8838 §18).
    const inOrder = (seen: string[], offerer: string, answerer: string) => {
      expect(seen[0]).toBe(`${offerer}>offer`);
      expect(seen.indexOf(`${answerer}>answer`)).toBeGreaterThan(0);
      expect(seen.indexOf(`${answerer}>answer`)).toBeLessThan(seen.indexOf(`${answerer}>candidate`));
      expect(seen.filter((k) => k === `${offerer}>candidate`).length).toBeGreaterThan(0);
    };
    inOrder(flow('dog111', 'cat222'), 'dog111', 'cat222');
    inOrder(flow('fox333', 'owl444'), 'fox333', 'owl444');
    // The demo's messages keep their own format beside the lab's reading.
    const offer = held.find((e) => e.from === 'fox333' && e.kind === 'offer')!;
    expect(offer.wire).toMatchObject({ dialect: 'godot-demo' });
    expect(offer.wire?.payload.startsWith('v=0')).toBe(true);
    expect(held.find((e) => e.from === 'dog111' && e.kind === 'offer')!.wire).toBeUndefined();
    // Every held message was delivered at once.
    const delivered = new Set(events.flatMap((e) => (e.type === 'delivered' ? [e.qid] : [])));
    expect(held.every((e) => delivered.has(e.qid))).toBe(true);
    // Statuses are published, for everyone: no recipient.
    expect(events.filter((e): e is Published => e.type === 'published' && e.kind === 'status').map((e) => e.peer)).toEqual(expect.arrayContaining(['dog111', 'cat222', 'fox333', 'owl444']));

    // Lanes as peers appeared; every message drawn.
    const lanes = watchedLanes(events)!;
    expect(lanes).toEqual(['dog111', 'broker', 'cat222', 'fox333', 'owl444']);
    const rows = diagramRows(events, ['dog111', 'cat222'], 'signalling', lanes);
    expect(rows.length).toBe(events.filter((e) => e.type === 'published' || e.type === 'held').length);

    // Replay reads what it recorded: an exported watch trace imports and draws the same.
    const parsed = parseTraceJson(exportTrace(watch.trace));
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(watchedLanes(parsed.events)).toEqual(lanes);
    await watch.stop();
  });

  it('shows what no format reads, with each format\'s reason, on its own lane, and goes on', async () => {
    const w = world();
    const watch = new WatchSession({ broker: 'direct', root: ROOT }, { connectBroker: w.connect });
    await watch.start();
    const raw = w.bus.connect({ clientId: 'raw' });
    await new Promise<void>((resolve) => raw.on('connect', resolve));
    raw.publish(`${ROOT}/x1/whatever`, '<script>alert(1)</script>', { qos: 0, retain: false });
    raw.publish(`${ROOT}/x1/signal`, '{"v":2}', { qos: 0, retain: false });
    raw.publish(`${ROOT}/x1/ping/x2`, '{"t":"ping","id":1,"pad":""}', { qos: 0, retain: false });
    raw.publish(`${ROOT}/dog111/status`, 'connected', { qos: 0, retain: false });
    await w.settle();
    const rejected = watch.trace.events.filter((e) => e.type === 'rejected');
    expect(rejected.map((e) => (e as { reason: string }).reason)).toEqual([
      expect.stringMatching(/^no format reads it\. the lab's format: not a <root>\/<id>\/status.*godot-demo: .*godot-workbench: /),
      expect.stringContaining('unsupported version 2'),
    ]);
    // The ping is the lab's own latency traffic, not signalling: not drawn, not refused.
    expect(watchedLanes(watch.trace.events)).toEqual(['dog111', 'broker', WATCHER]);
    await watch.stop();
  });
});
