import { describe, expect, it } from 'vitest';
import { requestMediaPermission, type MediaDevicesLike } from './media-permission';

const fail = (name: string) => Object.assign(new Error(name), { name });

/** A fake navigator.mediaDevices: answers per kind ('audio' | 'video'). */
function fake(answers: Partial<Record<'audio' | 'video', Error | 'ok'>>) {
  const calls: string[] = [];
  let stopped = 0;
  const devices: MediaDevicesLike = {
    getUserMedia: async (c) => {
      const kind = c.audio ? 'audio' : 'video';
      calls.push(kind);
      const a = answers[kind] ?? fail('NotFoundError');
      if (a !== 'ok') throw a;
      return { getTracks: () => [{ stop: () => void stopped++ }, { stop: () => void stopped++ }] };
    },
  };
  return { devices, calls, stopped: () => stopped };
}

describe('requestMediaPermission', () => {
  it.each<[string, Partial<Record<'audio' | 'video', Error | 'ok'>>, string, string[]]>([
    ['microphone granted', { audio: 'ok' }, 'granted', ['audio']],
    ['no microphone, camera granted', { audio: fail('NotFoundError'), video: 'ok' }, 'granted', ['audio', 'video']],
    ['denied', { audio: fail('NotAllowedError') }, 'denied', ['audio']],
    ['insecure context', { audio: fail('SecurityError') }, 'denied', ['audio']],
    ['no devices at all', {}, 'unavailable', ['audio', 'video']],
    ['device busy, camera denied', { audio: fail('NotReadableError'), video: fail('NotAllowedError') }, 'denied', ['audio', 'video']],
    ['odd error', { audio: new Error('boom'), video: new Error('boom') }, 'unavailable', ['audio', 'video']],
  ])('%s', async (_name, answers, expected, calls) => {
    const f = fake(answers);
    expect(await requestMediaPermission(f.devices)).toBe(expected);
    expect(f.calls).toEqual(calls);
  });

  it('stops every track at once', async () => {
    const f = fake({ audio: 'ok' });
    await requestMediaPermission(f.devices);
    expect(f.stopped()).toBe(2);
  });

  it('is unavailable without navigator.mediaDevices', async () => {
    expect(await requestMediaPermission(undefined)).toBe('unavailable');
    expect(await requestMediaPermission({} as MediaDevicesLike)).toBe('unavailable');
  });
});
