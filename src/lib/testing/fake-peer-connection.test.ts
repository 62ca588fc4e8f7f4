import { describe, expect, it } from 'vitest';
import { FakePeerConnection, pairFakes, sdpMids, sdpUfrag, type FakeDataChannel } from './fake-peer-connection';

async function rejection(p: Promise<unknown>): Promise<{ name: string; message: string } | null> {
  try {
    await p;
    return null;
  } catch (e) {
    const err = e as Error;
    return { name: err.name, message: err.message };
  }
}

function recordEvents(pc: FakePeerConnection): string[] {
  const log: string[] = [];
  pc.addEventListener('signalingstatechange', () => log.push(`signaling:${pc.signalingState}`));
  pc.addEventListener('icegatheringstatechange', () => log.push(`gathering:${pc.iceGatheringState}`));
  pc.addEventListener('iceconnectionstatechange', () => log.push(`ice:${pc.iceConnectionState}`));
  pc.addEventListener('connectionstatechange', () => log.push(`connection:${pc.connectionState}`));
  pc.addEventListener('icecandidate', (ev) => {
    const c = (ev as Event & { candidate: { candidate: string } | null }).candidate;
    log.push(c ? 'candidate' : 'candidate:null');
  });
  return log;
}

/** An offerer in have-local-offer and an answerer that has its offer. */
async function offered() {
  const a = new FakePeerConnection();
  const b = new FakePeerConnection();
  a.createDataChannel('chat');
  const offer = await a.createOffer();
  await a.setLocalDescription(offer);
  return { a, b, offer };
}

describe('FakePeerConnection: SDP', () => {
  it('creates a data-channel offer and an answer that mirrors its m-sections', async () => {
    const { b, offer } = await offered();
    expect(offer.sdp).toMatch(/^v=0\r\no=- \d+ \d+ IN IP4 127\.0\.0\.1\r\n/);
    expect(offer.sdp).toContain('m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n');
    expect(offer.sdp).toContain('a=setup:actpass\r\n');
    expect(offer.sdp).toContain('a=ice-options:trickle\r\n');
    expect(sdpMids(offer.sdp!)).toEqual(['0']);
    await b.setRemoteDescription(offer);
    const answer = await b.createAnswer();
    expect(answer.sdp).toContain('a=setup:active\r\n');
    expect(sdpMids(answer.sdp!)).toEqual(['0']);
    expect(sdpUfrag(answer.sdp!)).not.toEqual(sdpUfrag(offer.sdp!));
  });

  it('has no m-section without a data channel', async () => {
    const pc = new FakePeerConnection();
    expect(sdpMids((await pc.createOffer()).sdp!)).toEqual([]);
  });

  it('fires negotiationneeded after the first data channel', async () => {
    const pc = new FakePeerConnection();
    let fired = 0;
    pc.addEventListener('negotiationneeded', () => fired++);
    pc.createDataChannel('chat');
    pc.createDataChannel('more');
    await Promise.resolve();
    expect(fired).toBe(1);
  });
});

describe('FakePeerConnection: JSEP signalling state machine (RFC 8829 §3.2)', () => {
  type Setup = 'stable' | 'have-local-offer' | 'have-remote-offer';
  async function inState(state: Setup) {
    const other = new FakePeerConnection();
    other.createDataChannel('chat');
    const remoteOffer = await other.createOffer();
    const pc = new FakePeerConnection();
    pc.createDataChannel('chat');
    const ownOffer = await pc.createOffer();
    if (state === 'have-local-offer') await pc.setLocalDescription(ownOffer);
    if (state === 'have-remote-offer') await pc.setRemoteDescription(remoteOffer);
    return { pc, remoteOffer, ownOffer };
  }

  const cases: Array<[Setup, string, string | null, string]> = [
    // [state, operation, expected error name or null, resulting state]
    ['stable', 'setLocal(offer)', null, 'have-local-offer'],
    ['stable', 'setRemote(offer)', null, 'have-remote-offer'],
    ['stable', 'setRemote(answer)', 'InvalidStateError', 'stable'],
    ['stable', 'createAnswer', 'InvalidStateError', 'stable'],
    ['have-local-offer', 'setRemote(answer)', null, 'stable'],
    ['have-local-offer', 'setRemote(offer)', null, 'have-remote-offer'], // implicit rollback
    ['have-remote-offer', 'setLocal(answer)', null, 'stable'],
    ['have-remote-offer', 'setRemote(answer)', 'InvalidStateError', 'have-remote-offer'],
    ['have-remote-offer', 'createOffer', 'InvalidStateError', 'have-remote-offer'],
  ];

  it.each(cases)('%s + %s -> %s, ends in %s', async (state, op, error, after) => {
    const { pc, remoteOffer } = await inState(state);
    let p: Promise<unknown>;
    switch (op) {
      case 'setLocal(offer)':
        p = pc.createOffer().then((o) => pc.setLocalDescription(o));
        break;
      case 'setRemote(offer)':
        p = pc.setRemoteDescription(remoteOffer);
        break;
      case 'setRemote(answer)': {
        // A real answer to pc's own offer, so only the state can be wrong.
        const answerer = new FakePeerConnection();
        const offer = pc.localDescription ?? (await new FakePeerConnection().createOffer());
        await answerer.setRemoteDescription({ type: 'offer', sdp: offer.sdp! });
        const answer = await answerer.createAnswer();
        p = pc.setRemoteDescription(answer);
        break;
      }
      case 'setLocal(answer)':
        p = pc.createAnswer().then((a) => pc.setLocalDescription(a));
        break;
      case 'createAnswer':
        p = pc.createAnswer();
        break;
      case 'createOffer':
        p = pc.createOffer();
        break;
      default:
        throw new Error(op);
    }
    const err = await rejection(p);
    expect(err?.name ?? null).toBe(error);
    expect(pc.signalingState).toBe(after);
  });

  it("uses Chromium's wording for a remote answer in the wrong state", async () => {
    const { a } = await offered();
    const answerer = new FakePeerConnection();
    await answerer.setRemoteDescription(a.localDescription!);
    const answer = await answerer.createAnswer();
    await a.setRemoteDescription(answer);
    expect(await rejection(a.setRemoteDescription(answer))).toEqual({
      name: 'InvalidStateError',
      message: "Failed to execute 'setRemoteDescription' on 'RTCPeerConnection': Failed to set remote answer sdp: Called in wrong state: stable",
    });
  });

  it('rejects a local description it did not create (InvalidModificationError)', async () => {
    const pc = new FakePeerConnection();
    const offer = await pc.createOffer();
    const err = await rejection(pc.setLocalDescription({ type: 'offer', sdp: offer.sdp + 'a=x\r\n' }));
    expect(err?.name).toBe('InvalidModificationError');
  });

  it('rejects unparsable remote SDP (OperationError)', async () => {
    const pc = new FakePeerConnection();
    const err = await rejection(pc.setRemoteDescription({ type: 'offer', sdp: 'garbage' }));
    expect(err?.name).toBe('OperationError');
    expect(pc.signalingState).toBe('stable');
  });

  it('fires stable then have-remote-offer on an implicit rollback', async () => {
    const { pc, remoteOffer } = await inState('have-local-offer');
    const log = recordEvents(pc);
    await pc.setRemoteDescription(remoteOffer);
    expect(log).toEqual(['signaling:stable', 'signaling:have-remote-offer']);
  });
});

describe('FakePeerConnection: addIceCandidate', () => {
  const host = 'candidate:1 1 udp 2113937151 0b7b8c8e.local 50000 typ host generation 0';

  it('rejects a candidate while the remote description is null, like Chromium', async () => {
    const pc = new FakePeerConnection();
    expect(await rejection(pc.addIceCandidate({ candidate: host, sdpMid: '0' }))).toEqual({
      name: 'InvalidStateError',
      message: "Failed to execute 'addIceCandidate' on 'RTCPeerConnection': The remote description was null",
    });
  });

  it('accepts end-of-candidates even before a remote description (Chromium 156)', async () => {
    const pc = new FakePeerConnection();
    expect(await rejection(pc.addIceCandidate())).toBeNull();
    expect(await rejection(pc.addIceCandidate({ candidate: '' }))).toBeNull();
    expect(pc.remoteCandidates).toEqual([null, null]);
  });

  it('checks sdpMid/sdpMLineIndex, syntax and mid after the remote description', async () => {
    const { b, offer } = await offered();
    await b.setRemoteDescription(offer);
    expect((await rejection(b.addIceCandidate({ candidate: host })))?.name).toBe('TypeError');
    expect((await rejection(b.addIceCandidate({ candidate: 'nonsense', sdpMid: '0' })))?.name).toBe('OperationError');
    expect((await rejection(b.addIceCandidate({ candidate: host, sdpMid: '7' })))?.name).toBe('OperationError');
    expect((await rejection(b.addIceCandidate({ candidate: host, sdpMid: '0', usernameFragment: 'nope' })))?.name).toBe('OperationError');
    expect(await rejection(b.addIceCandidate({ candidate: host, sdpMid: '0' }))).toBeNull();
    expect(b.remoteCandidates).toEqual([{ candidate: host, sdpMid: '0' }]);
  });
});

describe('FakePeerConnection: gathering, close', () => {
  it('gathers only after setLocalDescription, then completes with a null candidate', async () => {
    const pc = new FakePeerConnection();
    expect(() => pc.gather()).toThrow(/setLocalDescription/);
    pc.createDataChannel('chat');
    await pc.setLocalDescription(await pc.createOffer());
    const log = recordEvents(pc);
    const c = pc.gather();
    expect(c.candidate).toMatch(/^candidate:\d+ 1 udp \d+ [0-9a-f-]+\.local \d+ typ host /);
    expect(c.sdpMid).toBe('0');
    expect(c.usernameFragment).toBe(sdpUfrag(pc.localDescription!.sdp!));
    pc.gather({ type: 'srflx', address: '203.0.113.7', port: 3478 });
    pc.completeGathering();
    expect(log).toEqual(['gathering:gathering', 'candidate', 'candidate', 'gathering:complete', 'candidate:null']);
  });

  it('close() sets states to closed without events and makes calls reject', async () => {
    const pc = new FakePeerConnection();
    const log = recordEvents(pc);
    pc.close();
    expect([pc.signalingState, pc.iceConnectionState, pc.connectionState]).toEqual(['closed', 'closed', 'closed']);
    expect(log).toEqual([]);
    expect((await rejection(pc.createOffer()))?.message).toBe(
      "Failed to execute 'createOffer' on 'RTCPeerConnection': The RTCPeerConnection's signalingState is 'closed'.",
    );
    expect(() => pc.createDataChannel('x')).toThrow(/closed/);
  });

  it('rejects an invalid ICE server URL in the constructor (SyntaxError)', () => {
    expect(() => new FakePeerConnection({ iceServers: [{ urls: 'bogus:1.2.3.4' }] })).toThrow(/not a valid stun or turn URL/);
  });
});

describe('pairFakes', () => {
  async function negotiated() {
    const { a, b, offer } = await offered();
    const pair = pairFakes(a, b);
    await b.setRemoteDescription(offer);
    await b.setLocalDescription(await b.createAnswer());
    await a.setRemoteDescription(b.localDescription!);
    return { a, b, pair };
  }

  it('fails ICE when no candidate was ever exchanged', async () => {
    const { a, b, pair } = await negotiated();
    const log = recordEvents(a);
    expect(pair.connect()).toBe(false);
    expect(log).toEqual(['ice:checking', 'connection:connecting', 'ice:failed', 'connection:failed']);
    expect(b.connectionState).toBe('failed');
  });

  it('connects, announces the channel to the answerer and carries messages both ways', async () => {
    const { a, b, pair } = await negotiated();
    await b.addIceCandidate(a.gather().toJSON());
    let far: FakeDataChannel | null = null;
    let readyAtAnnounce = '';
    b.addEventListener('datachannel', (ev) => {
      far = (ev as Event & { channel: FakeDataChannel }).channel;
      readyAtAnnounce = far.readyState;
    });
    const log = recordEvents(a);
    expect(pair.connect()).toBe(true);
    expect(log).toEqual(['ice:checking', 'connection:connecting', 'ice:connected', 'connection:connected']);
    expect(readyAtAnnounce).toBe('open');
    const near = a.channels[0]!;
    expect(near.readyState).toBe('open');
    near.send('hello');
    far!.send('hi back');
    await Promise.resolve();
    expect(far!.received).toEqual(['hello']);
    expect(near.received).toEqual(['hi back']);
    expect(() => new FakePeerConnection().createDataChannel('x').send('no')).toThrow(/readyState is not 'open'/);
  });

  it('closing one side closes the channel on the other (SCTP abort)', async () => {
    const { a, b, pair } = await negotiated();
    await b.addIceCandidate(a.gather().toJSON());
    pair.connect();
    const far = b.channels[0]!;
    let closed = 0;
    far.addEventListener('close', () => closed++);
    a.close();
    await Promise.resolve();
    expect(far.readyState).toBe('closed');
    expect(closed).toBe(1);
  });

  it('autoConnect connects once descriptions and a candidate are in', async () => {
    const { a, b, offer } = await offered();
    pairFakes(a, b, { autoConnect: true });
    await b.setRemoteDescription(offer);
    await b.setLocalDescription(await b.createAnswer());
    await a.setRemoteDescription(b.localDescription!);
    await Promise.resolve();
    expect(a.connectionState).toBe('new');
    await a.addIceCandidate(b.gather().toJSON());
    await Promise.resolve();
    expect([a.connectionState, b.connectionState]).toEqual(['connected', 'connected']);
    expect(b.channels[0]?.readyState).toBe('open');
  });
});
