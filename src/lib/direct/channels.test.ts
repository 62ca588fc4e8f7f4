import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { channelInit, channelType, dcepOpen, delivery, followsParity, optionsProblem, parityOf, type ChannelOptions } from './channels';

const base: ChannelOptions = { label: 'chat', ordered: true, reliability: 'reliable', limit: 0, negotiated: false, id: 0 };

describe('channelInit', () => {
  it('passes only the limit the reliability asks for', () => {
    expect(channelInit(base)).toEqual({ ordered: true });
    expect(channelInit({ ...base, ordered: false, reliability: 'retransmits', limit: 0 })).toEqual({ ordered: false, maxRetransmits: 0 });
    expect(channelInit({ ...base, reliability: 'lifetime', limit: 500 })).toEqual({ ordered: true, maxPacketLifeTime: 500 });
  });
  it('a negotiated channel carries its id', () => {
    expect(channelInit({ ...base, negotiated: true, id: 1 })).toEqual({ ordered: true, negotiated: true, id: 1 });
  });
});

describe('optionsProblem', () => {
  it('refuses what createDataChannel() refuses', () => {
    expect(optionsProblem(base)).toBeNull();
    expect(optionsProblem({ ...base, negotiated: true, id: 65535 })).toMatch(/65534/);
    expect(optionsProblem({ ...base, negotiated: true, id: -1 })).toMatch(/whole number/);
    expect(optionsProblem({ ...base, reliability: 'retransmits', limit: 1.5 })).toMatch(/maxRetransmits/);
    expect(optionsProblem({ ...base, reliability: 'lifetime', limit: 70000 })).toMatch(/maxPacketLifeTime/);
    // The limit does not matter for a reliable channel, nor the id for an announced one.
    expect(optionsProblem({ ...base, limit: -5, id: -5 })).toBeNull();
  });
});

describe('the stream-id rule by DTLS role (RFC 8832 §6)', () => {
  it('the client takes even ids, the server odd ones', () => {
    expect(parityOf('client')).toBe('even');
    expect(parityOf('server')).toBe('odd');
    expect(parityOf('unknown')).toBeNull();
    expect(followsParity(0, 'client')).toBe(true);
    expect(followsParity(1, 'server')).toBe(true);
    expect(followsParity(1, 'client')).toBe(false);
    expect(followsParity(null, 'server')).toBeNull();
    expect(followsParity(2, 'unknown')).toBeNull();
  });
  it('every id follows exactly one role', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 65534 }), (id) => followsParity(id, 'client') !== followsParity(id, 'server')));
  });
});

describe('DATA_CHANNEL_OPEN (RFC 8832 §5.1)', () => {
  it('the lab’s "chat" channel: reliable and ordered', () => {
    const { bytes, fields } = dcepOpen({ label: 'chat', ordered: true, reliability: 'reliable', limit: 0 });
    // 03 | 00 | 01 00 | 00 00 00 00 | 00 04 | 00 00 | "chat"
    expect(Array.from(bytes)).toEqual([0x03, 0x00, 0x01, 0x00, 0, 0, 0, 0, 0x00, 0x04, 0x00, 0x00, 0x63, 0x68, 0x61, 0x74]);
    expect(fields.map((f) => f.name)).toEqual(['Message Type', 'Channel Type', 'Priority', 'Reliability Parameter', 'Label Length', 'Protocol Length', 'Label']);
  });
  it('the six channel types: the high bit says unordered', () => {
    expect(channelType({ ordered: true, reliability: 'reliable' })).toEqual({ byte: 0x00, name: 'DATA_CHANNEL_RELIABLE' });
    expect(channelType({ ordered: false, reliability: 'reliable' })).toEqual({ byte: 0x80, name: 'DATA_CHANNEL_RELIABLE_UNORDERED' });
    expect(channelType({ ordered: true, reliability: 'retransmits' }).byte).toBe(0x01);
    expect(channelType({ ordered: false, reliability: 'retransmits' })).toEqual({ byte: 0x81, name: 'DATA_CHANNEL_PARTIAL_RELIABLE_REXMIT_UNORDERED' });
    expect(channelType({ ordered: true, reliability: 'lifetime' }).name).toBe('DATA_CHANNEL_PARTIAL_RELIABLE_TIMED');
    expect(channelType({ ordered: false, reliability: 'lifetime' }).byte).toBe(0x82);
  });
  it('carries the limit as the reliability parameter, big-endian', () => {
    const { bytes } = dcepOpen({ label: '', ordered: false, reliability: 'lifetime', limit: 500 });
    expect(Array.from(bytes.slice(0, 12))).toEqual([0x03, 0x82, 0x01, 0x00, 0, 0, 0x01, 0xf4, 0, 0, 0, 0]);
  });
  it('fields tile the message exactly, for any label and protocol', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.constantFrom('reliable', 'retransmits', 'lifetime' as const), fc.integer({ min: 0, max: 65535 }), (label, protocol, reliability, limit) => {
        const { bytes, fields } = dcepOpen({ label, ordered: true, reliability, limit }, protocol);
        let at = 0;
        for (const f of fields) {
          expect(f.offset).toBe(at);
          at += f.length;
        }
        expect(at).toBe(bytes.length);
        const view = new DataView(bytes.buffer);
        expect(view.getUint16(8)).toBe(new TextEncoder().encode(label).length);
        expect(view.getUint16(10)).toBe(new TextEncoder().encode(protocol).length);
      }),
    );
  });
});

describe('delivery', () => {
  it('says what SCTP does with a message', () => {
    expect(delivery({ ordered: true })).toBe('resent until it arrives; delivered in the order sent');
    expect(delivery({ ordered: false, maxRetransmits: 0 })).toBe('resent at most 0 times, then given up; delivered as it arrives, in any order');
    expect(delivery({ ordered: true, maxPacketLifeTime: 500, maxRetransmits: null })).toMatch(/^resent for 500 ms at most/);
  });
});
