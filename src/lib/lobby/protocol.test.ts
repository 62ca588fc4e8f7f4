import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { itReturnsNamed } from '../testing/table';
import {
  CLOSE,
  MESSAGE_TYPES,
  MessageType,
  decodeCandidate,
  encodeCandidate,
  encodeMessage,
  parseClientMessage,
  parseServerMessage,
  typeName,
} from './protocol';
import { utf8Length } from '../signalling/topics';

describe('message types', () => {
  it('the table and the enum agree, codes 0..7 in order', () => {
    expect(MESSAGE_TYPES.map((t) => t.code)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    for (const t of MESSAGE_TYPES) expect(MessageType[t.name]).toBe(t.code);
    expect(typeName(7)).toBe('SEAL');
    expect(typeName(8)).toBeNull();
  });

  it('encodes keys in ProtoMessage order with data defaulting to ""', () => {
    expect(encodeMessage(MessageType.SEAL, 0)).toBe('{"type":7,"id":0,"data":""}');
    expect(encodeMessage(MessageType.OFFER, 12, 'v=0\r\n')).toBe('{"type":4,"id":12,"data":"v=0\\r\\n"}');
  });

  it('close reasons fit a WebSocket close frame (123 bytes, RFC 6455 §5.5)', () => {
    for (const c of Object.values(CLOSE)) {
      expect(utf8Length(c.reason)).toBeLessThanOrEqual(123);
      expect(c.code === 1000 || c.code === 1001 || c.code === 1008 || c.code === 1009 || (c.code >= 4000 && c.code <= 4999)).toBe(true);
    }
  });
});

describe('parseClientMessage (server side, as server.js parseMsg)', () => {
  const ok = (type: number, id: number, data: string) => ({ ok: true, message: { type, id, data } });
  const bad = (close: { code: number; reason: string }) => ({ ok: false, close });
  it.each([
    ['a JOIN', '{"type":0,"id":0,"data":"abc"}', ok(0, 0, 'abc')],
    ['key order does not matter', '{"data":"x","id":5,"type":4}', ok(4, 5, 'x')],
    ['floats are floored', '{"type":4.99,"id":7.5,"data":"x"}', ok(4, 7, 'x')],
    ['a non-string data is ""', '{"type":0,"id":0,"data":42}', ok(0, 0, '')],
    ['no data is ""', '{"type":7,"id":0}', ok(7, 0, '')],
    ['extra keys are ignored', '{"type":7,"id":0,"x":1}', ok(7, 0, '')],
    ['an unknown type still parses (the server refuses it later)', '{"type":42,"id":0}', ok(42, 0, '')],
    ['not JSON', 'J: \n', bad(CLOSE.INVALID_FORMAT)],
    ['empty', '', bad(CLOSE.INVALID_FORMAT)],
    ['null', 'null', bad(CLOSE.INVALID_FORMAT)],
    ['an array', '[0,0,""]', bad(CLOSE.INVALID_FORMAT)],
    ['a string', '"hi"', bad(CLOSE.INVALID_FORMAT)],
    ['type missing', '{"id":0}', bad(CLOSE.INVALID_FORMAT)],
    ['id missing', '{"type":0}', bad(CLOSE.INVALID_FORMAT)],
    ['type a string', '{"type":"0","id":0}', bad(CLOSE.INVALID_FORMAT)],
    ['id null', '{"type":0,"id":null}', bad(CLOSE.INVALID_FORMAT)],
    ['id negative', '{"type":0,"id":-1}', bad(CLOSE.INVALID_FORMAT)],
    ['type -0.5 floors to -1', '{"type":-0.5,"id":0}', bad(CLOSE.INVALID_FORMAT)],
  ])('%s', (_name, frame, expected) => {
    expect(parseClientMessage(frame)).toEqual(expected);
  });

  it('binary frames are refused before anything else', () => {
    expect(parseClientMessage(new TextEncoder().encode('{"type":7,"id":0}'))).toEqual(bad(CLOSE.INVALID_TRANSFER_MODE));
  });

  it('the size cap counts UTF-8 bytes, before parsing', () => {
    const frame = (data: string) => `{"type":0,"id":0,"data":"${data}"}`;
    const overhead = frame('').length;
    expect(parseClientMessage(frame('a'.repeat(100 - overhead)), 100).ok).toBe(true);
    expect(parseClientMessage(frame('a'.repeat(101 - overhead)), 100)).toEqual(bad(CLOSE.MESSAGE_TOO_BIG));
    // "é" is one UTF-16 unit but two bytes.
    expect(parseClientMessage(frame('é'.repeat(50)), 100)).toEqual(bad(CLOSE.MESSAGE_TOO_BIG));
    expect(parseClientMessage('{'.repeat(101), 100)).toEqual(bad(CLOSE.MESSAGE_TOO_BIG));
  });

  it('never throws, and whatever it accepts has non-negative integer type and id', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.uint8Array()), (frame) => {
        const r = parseClientMessage(frame);
        if (r.ok) {
          expect(Number.isInteger(r.message.type) || r.message.type === Infinity).toBe(true);
          expect(r.message.type >= 0 && r.message.id >= 0).toBe(true);
          expect(typeof r.message.data).toBe('string');
        } else expect(r.close.reason.length).toBeGreaterThan(0);
      }),
    );
  });
});

describe('parseServerMessage (client side, as ws_webrtc_client.gd _parse_msg)', () => {
  // Why a frame is refused, or null when it parses.
  const refusal = (frame: unknown) => {
    const r = parseServerMessage(frame);
    return r.ok ? null : r.reason;
  };
  itReturnsNamed(refusal, [
    ['ID', '{"type":1,"id":1,"data":"true"}', null],
    ['JOIN echo', '{"type":0,"id":0,"data":"LOBBY"}', null],
    ['not text', new Uint8Array([1]), 'not a text frame'],
    ['not JSON', 'I: 1\n', 'not JSON'],
    ['null', 'null', 'not a JSON object'],
    ['float type', '{"type":1.5,"id":1,"data":""}', 'type is not an integer'],
    ['string id', '{"type":1,"id":"1","data":""}', 'id is not an integer'],
    ['missing data', '{"type":1,"id":1}', 'data is not a string'],
    ['unknown type', '{"type":8,"id":1,"data":""}', 'unknown type 8'],
  ]);

  it('accepts everything the server encodes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 7 }), fc.nat(), fc.string(), (type, id, data) => {
        expect(parseServerMessage(encodeMessage(type, id, data))).toEqual({ ok: true, message: { type, id, data } });
      }),
    );
  });
});

describe('candidates ("\\n" mid "\\n" index "\\n" sdp)', () => {
  it('encodes as send_candidate does', () => {
    expect(encodeCandidate({ mid: '0', index: 0, sdp: 'candidate:1 1 udp 2 192.0.2.1 5000 typ host' })).toBe(
      '\n0\n0\ncandidate:1 1 udp 2 192.0.2.1 5000 typ host',
    );
  });

  it.each([
    ['empty mid cannot travel (empty parts are dropped)', '\n\n0\ncandidate:x'],
    ['index not an integer', '\n0\nzero\ncandidate:x'],
    ['two parts', '\n0\n0'],
    ['four parts', '\n0\n0\na\nb'],
  ])('drops: %s', (_name, data) => {
    expect(decodeCandidate(data)).toBeNull();
  });

  it('round-trips any mid and sdp without newlines', () => {
    const part = fc.string({ minLength: 1 }).filter((s) => !s.includes('\n'));
    fc.assert(
      fc.property(part, fc.integer({ min: -1000, max: 1000 }), part, (mid, index, sdp) => {
        expect(decodeCandidate(encodeCandidate({ mid, index, sdp }))).toEqual({ mid, index, sdp });
      }),
    );
  });
});

