import { describe, expect, it } from 'vitest';
import { requestMediaPermission, type MediaDevicesLike } from './media-permission';

const fail = (name: string) => Object.assign(new Error(name), { name });

/** A fake navigator.mediaDevices: answers per kind ('audio' | 'video'). */
function fake(answers: Partial<Record<'audio' | 'video', Error | 'ok'>>) {
  const calls: string[] = [];
  let stopped = 0;
  const devices: MediaDevicesLike = {
    getUserMedia: async (c) => {
      const kind = c.video ? 'video' : 'audio';
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
    ['camera granted', { video: 'ok' }, 'granted', ['video']],
    ['no camera, microphone granted', { video: fail('NotFoundError'), audio: 'ok' }, 'granted', ['video', 'audio']],
    ['denied', { video: fail('NotAllowedError') }, 'denied', ['video']],
    ['insecure context', { video: fail('SecurityError') }, 'denied', ['video']],
    ['no devices at all', {}, 'unavailable', ['video', 'audio']],
    ['camera busy, microphone denied', { video: fail('NotReadableError'), audio: fail('NotAllowedError') }, 'denied', ['video', 'audio']],
    ['odd error', { video: new Error('boom'), audio: new Error('boom') }, 'unavailable', ['video', 'audio']],
  ])('%s', async (_name, answers, expected, calls) => {
    const f = fake(answers);
    expect(await requestMediaPermission(f.devices)).toBe(expected);
    expect(f.calls).toEqual(calls);
  });

  it('stops every track at once', async () => {
    const f = fake({ video: 'ok' });
    await requestMediaPermission(f.devices);
    expect(f.stopped()).toBe(2);
  });

  it('is unavailable without navigator.mediaDevices', async () => {
    expect(await requestMediaPermission(undefined)).toBe('unavailable');
    expect(await requestMediaPermission({} as MediaDevicesLike)).toBe('unavailable');
  });
});
