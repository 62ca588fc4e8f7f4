/**
 * Test support for the lab's sessions, imported by *.test.ts only, never by the site: a
 * LabSession (or SoloSession devices) over a private DirectBus (MQTT semantics, no network)
 * and fake RTCPeerConnections, and the loops that let them run.
 */
import { DirectBus } from '../broker/direct-bus';
import type { BrokerConnection, ConnectOptions } from '../broker/types';
import { fakePeerConnectionFactory, FakePeerConnection, pairFakes, type GatherOptions } from '../testing/fake-peer-connection';
import { FakeTimers } from '../testing/fake-timers';
import type { Dialect } from '../dialects/types';
import { LabSession, type LabConfig, type LabDeps } from './session';
import { SoloSession } from './solo-session';

/** A `connectBroker` onto `bus`: like connectBroker's 'direct' broker, but on a bus of the test's own. */
export function directConnect(bus: DirectBus): (opts: ConnectOptions) => Promise<BrokerConnection> {
  return async (opts) => {
    const client = bus.connect({ clientId: opts.clientId, will: opts.will });
    await new Promise<void>((resolve) => client.on('connect', resolve));
    return {
      client,
      pullPlug: () => void client.end(true),
      close: () => new Promise<void>((resolve) => client.end(false, resolve)),
    };
  };
}

/** Lets `bus` deliver everything and the sessions' promises run, `rounds` times over. */
export function settler(bus: DirectBus, rounds = 5): () => Promise<void> {
  return async () => {
    for (let i = 0; i < rounds; i++) {
      await bus.settled();
      await new Promise((r) => setTimeout(r, 0));
    }
  };
}

/**
 * A LabSession for alice and bob (session 's1') on a private bus, with fake peers; `config`
 * and `deps` override the defaults.
 */
export function directLab(config: Partial<LabConfig> & { root: string }, deps: Partial<LabDeps> = {}) {
  const bus = new DirectBus();
  const fakes = fakePeerConnectionFactory();
  const session = new LabSession(
    { broker: 'direct', peers: ['alice', 'bob'], session: 's1', ...config },
    { connectBroker: directConnect(bus), createPeerConnection: fakes.create, ...deps },
  );
  return { bus, fakes, session, settle: settler(bus) };
}

export type DirectLab = ReturnType<typeof directLab>;

/**
 * Each fake that has a local description and has not gathered yet gathers `candidates` (one
 * host candidate by default), then completes gathering unless `complete` is false.
 */
export function gatherNew(pcs: readonly FakePeerConnection[], candidates: readonly GatherOptions[] = [{}], complete = true): void {
  for (const pc of pcs) {
    if (pc.localDescription && pc.iceGatheringState === 'new') {
      for (const c of candidates) pc.gather(c);
      if (complete) pc.completeGathering();
    }
  }
}

/**
 * Steps the lab until its queue is empty (at most `maxSteps` times), settling after each step
 * and letting the fakes gather `candidates` once they have a description.
 */
export async function stepToEnd(lab: DirectLab, maxSteps: number, candidates?: readonly GatherOptions[]): Promise<void> {
  const { session, fakes, settle } = lab;
  for (let steps = 0; session.queue.size > 0 && steps < maxSteps; steps++) {
    session.step();
    await settle();
    gatherNew(fakes.instances, candidates);
    await settle();
  }
}

/**
 * SoloSession devices on one private bus, each with a fake RTCPeerConnection that pairs with
 * the next one made (1st with 2nd, 3rd with 4th …), and a fake clock for the rate limit. A
 * device speaks `dialect` unless given its own.
 */
export function soloWorld(opts: { root: string; dialect?: Dialect }) {
  const { root, dialect } = opts;
  const bus = new DirectBus();
  const connect = directConnect(bus);
  const pcs: FakePeerConnection[] = [];
  const createPeerConnection = (config: RTCConfiguration) => {
    const pc = new FakePeerConnection(config);
    pcs.push(pc);
    if (pcs.length % 2 === 0) pairFakes(pcs.at(-2)!, pcs.at(-1)!, { autoConnect: true });
    return pc as unknown as RTCPeerConnection;
  };
  const timers = new FakeTimers();
  timers.now = 1_000_000;
  const device = (self: string, rtcConfig?: RTCConfiguration, fakeTime = false, own: Dialect | undefined = dialect) =>
    new SoloSession(
      { broker: 'direct', root, self, ...(rtcConfig ? { rtcConfig } : {}), ...(own ? { dialect: own } : {}) },
      { connectBroker: connect, createPeerConnection, ...(fakeTime ? { now: () => timers.now, scheduler: timers } : {}) },
    );
  const settle = settler(bus, 6);
  /** Delivers everything held on every device, letting the fakes gather, until quiet. */
  const drain = async (...devices: SoloSession[]) => {
    for (let round = 0; round < 40; round++) {
      let stepped = false;
      for (const d of devices) while (d.step()) stepped = true;
      await settle();
      gatherNew(pcs);
      await settle();
      if (!stepped && devices.every((d) => d.queue.size === 0)) return;
    }
  };
  /** dog111 and cat222 (with these RTC configurations), made in that order, both joined. */
  const pair = async (dogRtc?: RTCConfiguration, catRtc?: RTCConfiguration) => {
    const dog = device('dog111', dogRtc);
    const cat = device('cat222', catRtc);
    await dog.join();
    await cat.join();
    await settle();
    return { dog, cat };
  };
  return { bus, root, connect, device, pair, settle, drain, pcs, advance: (ms: number) => timers.advance(ms) };
}
