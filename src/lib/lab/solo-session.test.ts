/**
 * The two-device lab's session: each SoloSession is one device. Two (or three) of them share
 * one in-memory bus here, with fake RTCPeerConnections paired across them.
 */
import { describe, expect, it } from 'vitest';
import { SoloSession, soloChatLog, pingTopic } from './solo-session';
import { FakePeerConnection } from '../testing/fake-peer-connection';
import { directConnect, soloWorld } from './fixtures';
import { heldMessages } from '../trace/selectors';
import { runLatencyTest } from '../latency/run';
import { LAB_RATE_LIMIT } from '../signalling/rate-limit';
import { LIMITS } from '../signalling/limits';
import { rosterOf } from './solo-view';
import { EARLY_CANDIDATE_LIMIT } from './early-candidates';
import type { Dialect } from '../dialects/types';
import type { TraceEvent } from '../trace/types';
import { godotDemo, latencyProbe } from '../dialects/godot-demo';
import { godotWorkbench } from '../dialects/godot-workbench';

const ROOT = 'webrtc-lab/solo-test';

/** The two-device lab's devices on one bus (./fixtures.ts soloWorld), under this file's root unless a dialect brings its own. */
const world = (dialect?: Dialect) => soloWorld({ root: dialect?.defaultRoot ?? ROOT, ...(dialect ? { dialect } : {}) });

/**
 * A peer that is not a SoloSession (werift, say) on the bus: it publishes straight to dog111's
 * inbox, in whatever order the test asks.
 */
async function stranger(w: ReturnType<typeof world>, id: string, session: string) {
  const client = w.bus.connect({ clientId: `raw-${id}-${session}` });
  await new Promise<void>((resolve) => client.on('connect', resolve));
  let n = 0;
  const send = (body: Record<string, unknown>) =>
    client.publish(`${ROOT}/dog111/signal`, JSON.stringify({ v: 1, from: id, to: 'dog111', session, mid: `${id}-${(n += 1)}`, ts: 1, ...body }), { qos: 1, retain: false });
  const pc = new FakePeerConnection({});
  pc.createDataChannel('chat');
  const offer = await pc.createOffer();
  return {
    candidate: (k: number) => send({ kind: 'candidate', candidate: candidateLine(id, k), sdpMid: '0', sdpMLineIndex: 0 }),
    end: () => send({ kind: 'end-of-candidates' }),
    offer: () => send({ kind: 'offer', sdp: offer.sdp }),
    bye: () => client.publish(`${ROOT}/${id}/status`, JSON.stringify({ v: 1, kind: 'status', from: id, session, mid: `${id}-bye`, ts: 1, status: 'offline', reason: 'will' }), { qos: 1, retain: true }),
  };
}

function candidateLine(id: string, k: number): string {
  return `candidate:${id}${k} 1 udp 2122260223 127.0.0.1 ${5000 + k} typ host`;
}

/** The candidates dog's RTCPeerConnection was given, in order (null: end-of-candidates). */
function added(pc: FakePeerConnection | undefined): (string | null)[] {
  return (pc?.remoteCandidates ?? []).map((c) => (c ? c.candidate! : null));
}

describe('SoloSession', () => {
  it('join: learns who is online from retained statuses, then announces itself', async () => {
    const w = world();
    const dog = w.device('dog111');
    await dog.join();
    expect(dog.phase).toBe('joined');
    expect(dog.online).toEqual([]);
    const cat = w.device('cat222');
    await cat.join();
    await w.settle();
    // cat learnt of dog from the retained status; dog saw cat's live one.
    expect(cat.online.map((e) => [e.id, e.retained])).toEqual([['dog111', true]]);
    expect(dog.online.map((e) => [e.id, e.retained])).toEqual([['cat222', false]]);
    // Statuses wait in the queue like every signal; our own status never does.
    expect(heldMessages(cat.trace.events).map((m) => [m.kind, m.from])).toEqual([['status', 'dog111']]);
    expect(w.bus.retained.has(`${ROOT}/dog111/status`)).toBe(true);
  });

  it('refuses an id that is already online, and leaves without firing a will over the other status', async () => {
    const w = world();
    const cat = w.device('cat222');
    await cat.join();
    const dog = w.device('dog111');
    await dog.join();
    const twin = w.device('cat222');
    await twin.join();
    await w.settle();
    expect(twin.phase).toBe('refused');
    expect(twin.error).toContain('"cat222" is already online');
    // The first cat is still online for everyone: no will replaced its status.
    expect(dog.online.map((e) => e.id)).toEqual(['cat222']);
    expect(new TextDecoder().decode(w.bus.retained.get(`${ROOT}/cat222/status`)!.payload)).toContain('"online"');
  });

  it('when another client with our id drops and its will says we are offline, we put the record straight', async () => {
    const w = world();
    const cat = w.device('cat222');
    await cat.join();
    await w.settle();
    // A refused duplicate whose tab closed before its DISCONNECT: the broker publishes its will.
    const will = JSON.stringify({ v: 1, kind: 'status', from: 'cat222', session: 'x', mid: 'twin-1', ts: 1, status: 'offline', reason: 'will' });
    const twin = w.bus.connect({ clientId: 'twin', will: { topic: `${ROOT}/cat222/status`, payload: will, qos: 1, retain: true } });
    await new Promise<void>((resolve) => twin.on('connect', resolve));
    twin.end(true);
    await w.settle();
    expect(heldMessages(cat.trace.events)).toEqual([]);
    expect(cat.trace.events.some((e) => e.type === 'api' && e.call === 'republish status')).toBe(true);
    expect(new TextDecoder().decode(w.bus.retained.get(`${ROOT}/cat222/status`)!.payload)).toContain('"online"');
  });

  it('an id whose last status is a will is free again', async () => {
    const w = world();
    const cat = w.device('cat222');
    await cat.join();
    cat.pullPlug();
    await w.settle();
    const again = w.device('cat222');
    await again.join();
    expect(again.phase).toBe('joined');
  });

  it('chat over MQTT before the connection, over the data channel after; connect, presence and latency', async () => {
    const w = world();
    const { dog, cat } = await w.pair();

    expect(dog.sendChat('cat222', 'woof over mqtt')).toBe('MQTT');
    await w.settle();
    // Held until cat steps.
    expect(soloChatLog(cat.trace.events, 'cat222')).toEqual([]);
    await w.drain(cat);
    expect(soloChatLog(cat.trace.events, 'cat222').map((l) => [l.from, l.text, l.path])).toEqual([['dog111', 'woof over mqtt', 'MQTT']]);
    expect(soloChatLog(dog.trace.events, 'dog111').map((l) => [l.from, l.to, l.path])).toEqual([['dog111', 'cat222', 'MQTT']]);

    // A peer that is not online cannot be called.
    expect(dog.connectTo('nobody')).toBe(false);
    expect(dog.connectTo('cat222')).toBe(true);
    await w.settle();
    // The offer waits in cat's queue: nothing happens there until it is delivered.
    expect(cat.peer).toBeNull();
    expect(heldMessages(cat.trace.events).some((m) => m.kind === 'offer' && m.from === 'dog111')).toBe(true);
    await w.drain(dog, cat);
    expect(cat.remote).toBe('dog111');
    expect(dog.peer?.channelOpen).toBe(true);
    expect(cat.peer?.channelOpen).toBe(true);

    expect(cat.sendChat('dog111', 'meow over the channel')).toBe('data channel');
    await w.settle();
    const dogLog = soloChatLog(dog.trace.events, 'dog111');
    expect(dogLog.at(-1)).toMatchObject({ from: 'cat222', to: 'dog111', text: 'meow over the channel', path: 'data channel' });

    // Latency: both paths echo; pings never enter the queue.
    const results = await runLatencyTest(dog.latencyPaths(), { sizes: [1024, 10 * 1024], rounds: 2 });
    expect(results.map((r) => [r.path, r.size, r.samples.length, r.errors])).toEqual([
      ['MQTT', 1024, 2, []],
      ['MQTT', 10 * 1024, 2, []],
      ['Data channel', 1024, 2, []],
      ['Data channel', 10 * 1024, 2, []],
    ]);
    expect(cat.queue.size + dog.queue.size).toBe(0);
    expect(cat.trace.events.some((e) => e.type === 'held' && e.topic === pingTopic(ROOT, 'cat222', 'dog111'))).toBe(false);

    // cat's tab closes: dog sees it go offline at once (the will), before any Step.
    cat.pullPlug();
    await w.settle();
    expect(dog.online).toEqual([]);
    expect(dog.roster.get('cat222')).toMatchObject({ status: 'offline', will: true });
  });

  it('with a TURN server, a third path: a relay-only second connection signalled over the latency channel', async () => {
    const w = world();
    const turn: RTCConfiguration = { iceServers: [{ urls: 'turn:127.0.0.1:3478', username: 'test', credential: 'test' }] };
    const { dog, cat } = await w.pair(turn, turn);
    dog.connectTo('cat222');
    await w.drain(dog, cat);
    expect(dog.peer?.channelOpen).toBe(true);
    expect(dog.latencyPaths().map((p) => p.name)).toEqual(['MQTT', 'Data channel', 'TURN relay']);
    // The fakes gather only when told: give each relay connection one relay candidate.
    let running = true;
    const gatherer = (async () => {
      while (running) {
        for (const pc of w.pcs.slice(2)) {
          if (pc.localDescription && pc.iceGatheringState === 'new') {
            pc.gather({ type: 'relay', address: '127.0.0.1' });
            pc.completeGathering();
          }
        }
        await new Promise((r) => setTimeout(r, 1));
      }
    })();
    const relay = dog.latencyPaths().find((p) => p.name === 'TURN relay')!;
    const results = await runLatencyTest([relay], { sizes: [1024], rounds: 2 });
    running = false;
    await gatherer;
    expect(results.map((r) => [r.path, r.samples.length, r.errors])).toEqual([['TURN relay', 2, []]]);
    expect(w.pcs).toHaveLength(4);
    expect(w.pcs[2]!.config.iceTransportPolicy).toBe('relay');
    expect(dog.trace.events.some((e) => e.type === 'api' && e.call === 'relay' && e.ok && /through the TURN server/.test(e.detail ?? ''))).toBe(true);
    // The relay pings never touched MQTT or the queue.
    expect(cat.queue.size + dog.queue.size).toBe(0);
  });

  it('without a TURN server on the other side, the relay path fails with its reason', async () => {
    const w = world();
    const { dog, cat } = await w.pair({ iceServers: [{ urls: 'turn:127.0.0.1:3478', username: 'u', credential: 'p' }] });
    dog.connectTo('cat222');
    await w.drain(dog, cat);
    const relay = dog.latencyPaths().find((p) => p.name === 'TURN relay')!;
    const gathering = setInterval(() => {
      const pc = w.pcs[2];
      if (pc?.localDescription && pc.iceGatheringState === 'new') {
        pc.gather({ type: 'relay', address: '127.0.0.1' });
        pc.completeGathering();
      }
    }, 1);
    const [result] = await runLatencyTest([relay], { sizes: [1024], rounds: 2 });
    clearInterval(gathering);
    expect(result!.samples).toEqual([]);
    expect(result!.errors).toEqual([expect.stringMatching(/refused: no TURN server configured here/), expect.stringMatching(/refused/)]);
  });

  it('a graceful leave clears the retained status, so the peer disappears from the roster', async () => {
    const w = world();
    const { dog, cat } = await w.pair();
    await cat.leave();
    await w.settle();
    expect(dog.roster.has('cat222')).toBe(false);
    expect(w.bus.retained.has(`${ROOT}/cat222/status`)).toBe(false);
  });

  it('rejects hostile payloads on our topics and keeps going', async () => {
    const w = world();
    const dog = w.device('dog111');
    await dog.join();
    const stranger = w.bus.connect({ clientId: 'stranger' });
    stranger.publish(`${ROOT}/dog111/signal`, '<script>alert(1)</script>', { qos: 1, retain: false });
    stranger.publish(`${ROOT}/dog111/signal`, JSON.stringify({ v: 1, kind: 'candidate', from: 'eve', to: 'dog111', session: 'x', mid: 'm1', ts: 1, candidate: 'candidate:1 1 udp 1 1.2.3.4 9 typ host', sdpMid: '0', sdpMLineIndex: 0 }), { qos: 1, retain: false });
    await w.settle();
    expect(dog.trace.events.filter((e) => e.type === 'rejected')).toHaveLength(1);
    await w.drain(dog);
    // A candidate from someone we are not connected to reaches no RTCPeerConnection: it waits for eve's offer.
    expect(dog.trace.events.some((e) => e.type === 'candidate-buffered' && e.reason === 'no offer from eve yet')).toBe(true);
    expect(w.pcs).toHaveLength(0);
    expect(dog.phase).toBe('joined');
  });

  it('a flood on our topic is rate-limited: the burst is decoded, the rest dropped undecoded and summed once', async () => {
    const w = world();
    const dog = w.device('dog111', undefined, true);
    await dog.join();
    const stranger = w.bus.connect({ clientId: 'stranger' });
    for (let i = 0; i < 1000; i++) stranger.publish(`${ROOT}/dog111/signal`, '<img src=x onerror=alert(1)>', { qos: 0, retain: false });
    await w.settle();
    const rejected = () => dog.trace.events.filter((e) => e.type === 'rejected');
    expect(rejected()).toHaveLength(LAB_RATE_LIMIT.burst);
    w.advance(LIMITS.mqtt.windowMs);
    const summaries = rejected().filter((e) => e.dropped !== undefined);
    expect(summaries).toHaveLength(1);
    expect(summaries[0]).toMatchObject({ to: 'dog111', topic: `${ROOT}/dog111/signal`, dropped: 1000 - LAB_RATE_LIMIT.burst });
    expect(summaries[0]!.reason).toMatch(/^rate limit: 980 messages on this topic dropped/);
    // Other topics are not held back: a peer joining is still seen.
    const cat = w.device('cat222', undefined, true);
    await cat.join();
    await w.settle();
    expect(dog.online.map((e) => e.id)).toEqual(['cat222']);
    expect(dog.phase).toBe('joined');
  });

  it('holds candidates that come before the offer, and adds them in order once it is set', async () => {
    const w = world();
    const dog = w.device('dog111');
    await dog.join();
    const fox = await stranger(w, 'fox333', 'sfox');
    for (const k of [1, 2, 3]) fox.candidate(k);
    fox.end();
    fox.offer();
    await w.settle();
    await w.drain(dog);
    expect(dog.remote).toBe('fox333');
    expect(added(w.pcs[0])).toEqual([candidateLine('fox333', 1), candidateLine('fox333', 2), candidateLine('fox333', 3), null]);
    const events = dog.trace.events;
    const buffered = events.filter((e) => e.type === 'candidate-buffered');
    expect(buffered.map((e) => e.type === 'candidate-buffered' && [e.candidate, e.reason])).toEqual([
      [candidateLine('fox333', 1), 'no offer from fox333 yet'],
      [candidateLine('fox333', 2), 'no offer from fox333 yet'],
      [candidateLine('fox333', 3), 'no offer from fox333 yet'],
      ['', 'no offer from fox333 yet'],
    ]);
    // setRemoteDescription first, then the four, then the flush note; nothing was refused.
    const srd = events.findIndex((e) => e.type === 'api' && e.call === 'setRemoteDescription' && e.ok);
    const adds = events.filter((e) => e.type === 'api' && e.call === 'addIceCandidate');
    expect(adds.map((e) => e.type === 'api' && e.ok)).toEqual([true, true, true, true]);
    expect(adds[0]!.i).toBeGreaterThan(srd);
    expect(events.filter((e) => e.type === 'candidates-flushed')).toEqual([expect.objectContaining({ peer: 'dog111', count: 4 })]);
    expect(events.findIndex((e) => e.type === 'candidates-flushed')).toBeGreaterThan(adds.at(-1)!.i);
    expect(events.some((e) => e.type === 'api' && /no connection with/.test(e.detail ?? ''))).toBe(false);
    // The answer went back to fox.
    expect(events.some((e) => e.type === 'published' && e.kind === 'answer' && e.topic === `${ROOT}/fox333/signal`)).toBe(true);
  });

  it(`holds at most ${EARLY_CANDIDATE_LIMIT.perSender} early candidates per sender, and drops the rest with a reason`, async () => {
    const w = world();
    const dog = w.device('dog111', undefined, true);
    await dog.join();
    const fox = await stranger(w, 'fox333', 'sfox');
    const total = EARLY_CANDIDATE_LIMIT.perSender + 6;
    // Under the flood gate's rate for a sender dog does not expect yet, each batch stepped
    // through (early candidates wait in the peer's buffer, not the queue).
    const perS = LIMITS.mqtt.recipient.ratePerS;
    for (let k = 0; k < total; k += perS) {
      for (let j = k; j < Math.min(total, k + perS); j++) fox.candidate(j);
      await w.settle();
      await w.drain(dog);
      w.advance(LIMITS.mqtt.windowMs);
    }
    fox.offer();
    await w.settle();
    await w.drain(dog);
    expect(dog.trace.events.filter((e) => e.type === 'rejected')).toEqual([]);
    expect(dog.trace.events.filter((e) => e.type === 'candidate-buffered')).toHaveLength(EARLY_CANDIDATE_LIMIT.perSender);
    const dropped = dog.trace.events.filter((e) => e.type === 'api' && /^dropped candidate from fox333: already holding 64 early candidates from fox333$/.test(e.detail ?? ''));
    expect(dropped).toHaveLength(6);
    expect(added(w.pcs[0])).toEqual(Array.from({ length: EARLY_CANDIDATE_LIMIT.perSender }, (_, k) => candidateLine('fox333', k)));
  });

  it("another peer's early candidates are not mixed in, and a sender's are dropped when it goes offline or starts over", async () => {
    const w = world();
    const dog = w.device('dog111');
    await dog.join();
    const owl = await stranger(w, 'owl444', 'sowl');
    const fox = await stranger(w, 'fox333', 'sfox');
    const oldFox = await stranger(w, 'fox333', 'sold');
    const emu = await stranger(w, 'emu555', 'semu');
    // One publisher at a time: the bus keeps each client's order, not the order across clients.
    for (const send of [() => oldFox.candidate(9), () => owl.candidate(1), () => fox.candidate(1), () => owl.candidate(2), () => emu.candidate(1), () => emu.bye(), () => fox.candidate(2), () => fox.offer(), () => owl.offer()]) {
      send();
      await w.settle();
    }
    await w.drain(dog);
    expect(dog.remote).toBe('fox333');
    // Only fox's, of fox's current session, in order; owl's offer is refused, its candidates never added.
    expect(added(w.pcs[0])).toEqual([candidateLine('fox333', 1), candidateLine('fox333', 2)]);
    const details = dog.trace.events.flatMap((e) => (e.type === 'api' && !e.ok ? [e.detail] : []));
    expect(details).toContain('dropped 1 early candidate from fox333: its session sfox replaces sold');
    expect(details).toContain('dropped 1 early candidate from emu555: emu555 went offline');
    expect(details).toContain('ignored offer from owl444: already connected to fox333');
    expect(w.pcs).toHaveLength(1);
  });

  it('a forged offer in the name of the caller, after its real offer, is suspicious: held apart, and the real connection opens', async () => {
    const w = world();
    const { dog, cat } = await w.pair();
    expect(dog.connectTo('cat222')).toBe(true);
    await w.settle();
    // A third client read dog's session from its retained status and forges a second offer.
    const evil = w.bus.connect({ clientId: 'evil' });
    await new Promise<void>((resolve) => evil.on('connect', resolve));
    const forged = { v: 1, kind: 'offer', from: 'dog111', to: 'cat222', session: dog.session, mid: 'dog111-x-99', ts: 1, sdp: 'v=0\r\na=ice-ufrag:evil\r\n' };
    evil.publish(`${ROOT}/cat222/signal`, JSON.stringify(forged), { qos: 1, retain: false });
    // And a will for dog in a session dog never announced.
    const will = { v: 1, kind: 'status', from: 'dog111', session: 'forged', mid: 'w', ts: 1, status: 'offline', reason: 'will' };
    evil.publish(`${ROOT}/dog111/status`, JSON.stringify(will), { qos: 1, retain: false });
    await w.settle();
    const apart = cat.trace.events.filter((e) => e.type === 'foreign');
    expect(apart.map((e) => (e.type === 'foreign' ? [e.verdict, e.kind, e.from, e.reason] : []))).toEqual([
      ['suspicious', 'offer', 'dog111', expect.stringMatching(/^a second offer from dog111: the conversation already has its offer dog111-/)],
      ['suspicious', 'status', 'dog111', 'a will in session forged, but dog111\'s status announced session ' + dog.session],
    ]);
    expect(heldMessages(cat.trace.events).filter((m) => m.kind === 'offer')).toHaveLength(1);
    // The forged will did not take dog off cat's roster.
    expect(cat.online.map((e) => e.id)).toEqual(['dog111']);
    await w.drain(dog, cat);
    expect(dog.peer?.channelOpen).toBe(true);
    expect(cat.peer?.channelOpen).toBe(true);
  });

  it('refuses an invalid id before touching the broker', async () => {
    const w = world();
    await expect(w.device('no spaces').join()).rejects.toThrow(/not a valid peer id/);
  });
});

describe('SoloSession under a flood spread over thousands of ids', () => {
  it('5,000 statuses: the roster and queue stay bounded, the peer here before stays listed, and the two still connect', async () => {
    const w = world();
    const dog = w.device('dog111', undefined, true);
    const cat = w.device('cat222', undefined, true);
    await dog.join();
    await cat.join();
    await w.settle();
    const stranger = w.bus.connect({ clientId: 'stranger' });
    for (let i = 0; i < 5000; i++) {
      const status = { v: 1, kind: 'status', from: `m${i}`, session: 'x1', mid: `m${i}-1`, ts: 1, status: 'online' };
      stranger.publish(`${ROOT}/m${i}/status`, JSON.stringify(status), { qos: 0, retain: false });
      if (i % 100 === 99) {
        await w.bus.settled();
        w.advance(50);
      }
    }
    await w.settle();
    w.advance(LIMITS.mqtt.windowMs);
    for (const d of [dog, cat]) {
      expect(d.roster.size).toBeLessThanOrEqual(LIMITS.roster);
      // The page folds the same roster from the trace.
      expect([...rosterOf(d.trace.events).keys()]).toEqual([...d.roster.keys()]);
      expect(heldMessages(d.trace.events).length).toBeLessThanOrEqual(LIMITS.mqtt.held);
      const summaries = d.trace.events.filter((e) => e.type === 'rejected' && e.dropped !== undefined);
      expect(summaries.length).toBeGreaterThan(0);
      expect(summaries.length).toBeLessThanOrEqual(5);
    }
    expect(dog.online.map((e) => e.id)).toContain('cat222');
    expect(dog.connectTo('cat222')).toBe(true);
    await w.drain(dog, cat);
    expect(dog.peer?.channelOpen).toBe(true);
    expect(cat.peer?.channelOpen).toBe(true);
  });
});

/** Everything a raw subscriber to the root sees: what `mosquitto_sub -v -t '<root>/#'` prints. */
async function tap(w: ReturnType<typeof world>) {
  const client = w.bus.connect({ clientId: 'tap' });
  await new Promise<void>((resolve) => client.on('connect', resolve));
  const seen: { topic: string; payload: string; qos: number; retain: boolean }[] = [];
  client.on('message', (topic, payload, packet) => seen.push({ topic, payload: new TextDecoder().decode(payload), qos: packet.qos, retain: packet.retain }));
  await new Promise<void>((resolve) => client.subscribe({ [`${w.root}/#`]: { qos: 2 } }, () => resolve()));
  return { client, seen, on: (topic: string) => seen.filter((m) => m.topic === topic) };
}

const R = godotDemo.defaultRoot;

describe('SoloSession in the Godot 3 demo\'s dialect (godot_webrtc_mqtt, Control.gd)', () => {
  it('two lab peers speak the demo\'s wire: topics, raw SDP, [mid, index, sdp], binary chat on negotiated channel 1', async () => {
    const w = world(godotDemo);
    const wire = await tap(w);
    const { dog, cat } = await w.pair();
    // Presence: "connected", retained, QoS 0, on each peer's own status topic (Control.gd:168).
    expect(wire.on(`${R}/dog111/status`).map((m) => [m.payload, m.qos, m.retain])).toContainEqual(['connected', 0, false]);
    expect(new TextDecoder().decode(w.bus.retained.get(`${R}/dog111/status`)!.payload)).toBe('connected');
    expect(dog.online.map((e) => e.id)).toEqual(['cat222']);

    expect(dog.connectTo('cat222')).toBe(true);
    await w.drain(dog, cat);
    // The offer is raw SDP on the recipient's offer topic; the answer on the offerer's answer topic.
    const [offer] = wire.on(`${R}/cat222/offer`);
    expect(offer?.payload.startsWith('v=0')).toBe(true);
    expect(offer?.qos).toBe(0);
    expect(wire.on(`${R}/dog111/answer`)[0]?.payload.startsWith('v=0')).toBe(true);
    const ice = wire.on(`${R}/cat222/ice`).map((m) => JSON.parse(m.payload) as unknown[]);
    expect(ice.length).toBeGreaterThan(0);
    for (const c of ice) expect([typeof c[0], typeof c[1], String(c[2]).startsWith('candidate:')]).toEqual(['string', 'number', true]);
    // Nothing in the lab's own format crossed the wire.
    expect(wire.seen.filter((m) => m.topic.endsWith('/signal') || m.payload.includes('"v":1'))).toEqual([]);

    // The trace keeps the lab's reading as the payload and the original beside it.
    const held = cat.trace.events.find((e) => e.type === 'held' && e.kind === 'offer') as Extract<TraceEvent, { type: 'held' }>;
    expect(JSON.parse(held.payload)).toMatchObject({ kind: 'offer', from: 'dog111', to: 'cat222' });
    expect(held.wire).toMatchObject({ dialect: 'godot-demo', payload: offer?.payload });
    expect(held.wire?.reading).toContain('does not name its sender');
    expect(held.bytes).toBe(new TextEncoder().encode(offer!.payload).length);

    // The chat channel is the demo's: negotiated, id 1, "chat", and its messages are binary.
    expect(dog.peer?.channelOpen).toBe(true);
    const dogChannel = w.pcs[0]!.channels.find((c) => c.label === 'chat')!;
    expect([dogChannel.negotiated, dogChannel.id]).toEqual([true, 1]);
    expect(w.pcs[0]!.channels.map((c) => c.label)).toEqual(['chat']);
    expect(cat.sendChat('dog111', 'meow over the channel')).toBe('data channel');
    await w.settle();
    expect(dogChannel.receivedBinary).toBe(1);
    expect(soloChatLog(dog.trace.events, 'dog111').at(-1)).toMatchObject({ from: 'cat222', text: 'meow over the channel', path: 'data channel' });

    // Latency, the demo's way: "$…" answered "*<length>", over the chat topic and the channel.
    const results = await runLatencyTest(dog.latencyPaths(), { sizes: [1024, 10240], rounds: 2 });
    expect(results.map((r) => [r.path, r.size, r.samples.length, r.errors])).toEqual([
      ['MQTT', 1024, 2, []],
      ['MQTT', 10240, 2, []],
      ['Data channel', 1024, 2, []],
      ['Data channel', 10240, 2, []],
    ]);
    expect(wire.on(`${R}/cat222/chat`).some((m) => m.payload === latencyProbe(1024))).toBe(true);
    expect(wire.on(`${R}/dog111/chat`).map((m) => m.payload)).toContain('*1024');
    // Probes are not chat, and never wait in a queue.
    expect(soloChatLog(cat.trace.events, 'cat222').filter((l) => l.text.startsWith('$') || l.text.startsWith('*'))).toEqual([]);
    expect(cat.queue.size + dog.queue.size).toBe(0);

    // The will is the demo's "stopped": dog sees cat go offline.
    cat.pullPlug();
    await w.settle();
    expect(new TextDecoder().decode(w.bus.retained.get(`${R}/cat222/status`)!.payload)).toBe('stopped');
    expect(dog.roster.get('cat222')).toMatchObject({ status: 'offline', will: true });
  });

  it('a held message in the dialect is edited as its lab reading, checked by the lab\'s codec', async () => {
    const w = world(godotDemo);
    const { dog, cat } = await w.pair();
    await w.drain(dog, cat);
    dog.sendChat('cat222', 'woof');
    await w.settle();
    const held = cat.queue.held.find((m) => m.kind === 'chat')!;
    expect(held.wire?.payload).toBe('woof');
    const edited = cat.edit(held.qid, held.payload.replace('woof', 'meow'));
    expect(edited).toMatchObject({ ok: true, message: { signal: { text: 'meow' } } });
    expect(cat.edit(held.qid, '{"v":1}')).toMatchObject({ ok: false });
  });

  it('answers a Godot peer that offers: raw SDP in, raw SDP out, and chat over MQTT as plain text', async () => {
    const w = world(godotDemo);
    const wire = await tap(w);
    const dog = w.device('dog111');
    await dog.join();
    // The Godot side, as Control.gd does it, with a fake peer connection that has the demo's channel.
    const godot = w.bus.connect({ clientId: '1619555451', will: { topic: `${R}/cat222/status`, payload: 'stopped', qos: 0, retain: true } });
    await new Promise<void>((resolve) => godot.on('connect', resolve));
    const inbox: Record<string, string[]> = {};
    godot.on('message', (topic, payload) => (inbox[topic.split('/').at(-1)!] ??= []).push(new TextDecoder().decode(payload)));
    await new Promise<void>((resolve) => godot.subscribe({ [`${R}/cat222/+`]: { qos: 0 } }, () => resolve()));
    godot.publish(`${R}/cat222/status`, 'connected', { qos: 0, retain: true });
    await w.settle();
    await w.drain(dog);
    expect(dog.online.map((e) => e.id)).toEqual(['cat222']);

    const pc = new FakePeerConnection({});
    w.pcs.push(pc);
    const channel = pc.createDataChannel('chat', { id: 1, negotiated: true });
    // Control.gd:203-206: each candidate as [mid, index, sdp] on the other's ice topic.
    pc.addEventListener('icecandidate', (ev) => {
      const c = (ev as RTCPeerConnectionIceEvent).candidate;
      if (c) godot.publish(`${R}/dog111/ice`, JSON.stringify([c.sdpMid, c.sdpMLineIndex, c.candidate]), { qos: 0, retain: false });
    });
    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    godot.publish(`${R}/dog111/offer`, offer.sdp!, { qos: 0, retain: false });
    godot.publish(`${R}/dog111/chat`, 'message #2 from cat222', { qos: 0, retain: false });
    await w.settle();
    await w.drain(dog);
    expect(dog.remote).toBe('cat222');
    const answer = inbox.answer?.[0];
    expect(answer?.startsWith('v=0')).toBe(true);
    // Paired with dog's connection when that was made (world's createPeerConnection).
    await pc.setRemoteDescription({ type: 'answer', sdp: answer! });
    await w.drain(dog);
    for (const ice of inbox.ice ?? []) {
      const [sdpMid, sdpMLineIndex, candidate] = JSON.parse(ice) as [string, number, string];
      await pc.addIceCandidate({ sdpMid, sdpMLineIndex, candidate });
    }
    await w.drain(dog);
    await w.settle();
    expect(channel.readyState).toBe('open');
    expect(soloChatLog(dog.trace.events, 'dog111').map((l) => [l.from, l.text, l.path])).toEqual([['cat222', 'message #2 from cat222', 'MQTT']]);
    expect(dog.sendChat('cat222', 'woof')).toBe('data channel');
    await w.settle();
    expect(channel.received).toEqual(['woof']);
    expect(channel.receivedBinary).toBe(1);
    // A "$" probe on the channel gets the demo's answer, as Control.gd:184-185 gives it.
    channel.send(new TextEncoder().encode(latencyProbe(1024)));
    await w.settle();
    expect(channel.received.at(-1)).toBe('*1024');
    // And on the MQTT chat topic, Control.gd:236-238.
    godot.publish(`${R}/dog111/chat`, latencyProbe(10240), { qos: 0, retain: false });
    await w.settle();
    expect(inbox.chat).toContain('*10240');
    expect(wire.seen.length).toBeGreaterThan(0);

    // Killed: the broker publishes its will "stopped", and dog shows it offline.
    godot.end(true);
    await w.settle();
    expect(dog.roster.get('cat222')).toMatchObject({ status: 'offline', will: true });
  });

  it('refuses a signal whose sender it cannot tell, a root with a "/", and an over-long payload, with the reason', async () => {
    const w = world(godotDemo);
    const dog = w.device('dog111');
    await dog.join();
    const raw = w.bus.connect({ clientId: 'raw' });
    await new Promise<void>((resolve) => raw.on('connect', resolve));
    for (const id of ['cat222', 'fox333']) raw.publish(`${R}/${id}/status`, 'connected', { qos: 0, retain: true });
    raw.publish(`${R}/dog111/offer`, 'v=0\r\n', { qos: 0, retain: false });
    raw.publish(`${R}/dog111/chat`, 'x'.repeat(200_000), { qos: 0, retain: false });
    await w.settle();
    const reasons = dog.trace.events.flatMap((e) => (e.type === 'rejected' ? [e.reason] : []));
    expect(reasons.some((r) => r.includes('2 peers are online'))).toBe(true);
    expect(reasons.some((r) => r.includes('over the 102400-byte limit'))).toBe(true);
    expect(heldMessages(dog.trace.events).filter((m) => m.kind !== 'status')).toEqual([]);

    const nested = new SoloSession({ broker: 'direct', root: 'a/b', self: 'dog111', dialect: godotDemo }, { connectBroker: directConnect(w.bus), createPeerConnection: () => new FakePeerConnection({}) as unknown as RTCPeerConnection });
    await expect(nested.join()).rejects.toThrow(/no \//);
  });
});

describe('SoloSession in the Godot 4 workbench\'s dialect (MQTTsignalling.gd)', () => {
  const W = godotWorkbench.defaultRoot;

  it('the first peer in the room serves; another asks it to connect, and the server offers: the whole handshake on the wire', async () => {
    const w = world(godotWorkbench);
    const wire = await tap(w);
    const server = w.device('x12345678');
    await server.join();
    const client = w.device('x87654321');
    await client.join();
    await w.settle();
    // Nobody served when it came, so the first peer opened a server (:239-243, :299).
    expect(JSON.parse(new TextDecoder().decode(w.bus.retained.get(`${W}/x12345678/status`)!.payload))).toEqual({ nconnections: 0, playername: 'x12345678', subject: 'serveropen' });
    await w.drain(client);
    expect(client.roster.get('x12345678')).toMatchObject({ status: 'online', detail: 'serveropen' });

    expect(client.connectTo('x12345678')).toBe(true);
    await w.drain(server, client);
    // Each step went out as the workbench writes it, sorted keys, on <room>/<from>/packet/<to>.
    const packets = wire.seen.filter((m) => m.topic.includes('/packet/')).map((m) => [m.topic.split('/')[1], (JSON.parse(m.payload) as { subject: string }).subject]);
    expect(packets.slice(0, 4)).toEqual([
      ['x87654321', 'request_connection'],
      ['x12345678', 'connection_accepted'],
      ['x87654321', 'request_offer'],
      ['x12345678', 'offer'],
    ]);
    expect(packets.some(([from, subject]) => from === 'x87654321' && subject === 'answer')).toBe(true);
    expect(packets.some(([, subject]) => subject === 'ice_candidate')).toBe(true);
    expect(wire.on(`${W}/x87654321/status`).map((m) => m.payload)).toContain('{"playername":"x87654321","selectedserver":"x12345678","subject":"connectto"}');
    // The handshake waited in the queue and was stepped like any signal.
    expect(client.trace.events.filter((e) => e.type === 'held' && e.kind === 'handshake').map((e) => (e as { payload: string }).payload)).toHaveLength(1);

    // WebRTCMultiplayerPeer's three negotiated channels, on both sides, all open.
    expect(server.peer?.channelOpen).toBe(true);
    expect(client.peer?.channelOpen).toBe(true);
    for (const pc of w.pcs) expect(pc.channels.map((c) => [c.label, c.id, c.negotiated, c.readyState])).toEqual([
      ['ordered', 2, true, 'open'],
      ['unreliable', 3, true, 'open'],
      ['reliable', 1, true, 'open'],
    ]);
    // Its channels carry Godot's own packets, so chat stays on <room>/<from>/message/<to>.
    expect(client.sendChat('x12345678', 'hello server')).toBe('MQTT');
    await w.settle();
    expect(wire.on(`${W}/x87654321/message/x12345678`).map((m) => m.payload)).toEqual(['hello server']);
    expect(client.latencyPaths()).toEqual([]);
  });

  it('ignores a handshake step from a second client while it talks to the first', async () => {
    const w = world(godotWorkbench);
    const server = w.device('x100');
    await server.join();
    const a = w.device('x200');
    const b = w.device('x300');
    await a.join();
    await b.join();
    await w.settle();
    await w.drain(a, b);
    expect(a.connectTo('x100')).toBe(true);
    expect(b.connectTo('x100')).toBe(true);
    await w.drain(server, a, b);
    expect(server.remote).toBe('x200');
    expect(a.peer?.channelOpen).toBe(true);
    expect(b.peer).toBeNull();
    expect(server.trace.events.some((e) => e.type === 'foreign' || (e.type === 'api' && e.call === 'handshake' && !e.ok))).toBe(true);
  });
});
