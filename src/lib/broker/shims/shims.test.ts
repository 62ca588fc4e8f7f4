import { describe, expect, it } from 'vitest';
import { EventEmitter } from 'node:events';
import assert, { AssertionError } from './assert';
import { randomUUID } from './crypto';
import createDebug from './debug';
import { LRUCache } from './lru-cache';
import processShim, { nextTick } from './process';
import { clearImmediate, clearTimeout, setImmediate, setInterval, setTimeout, clearInterval } from './timers';
import { inherits, promisify } from './util';

const sleep = (ms: number) => new Promise((r) => globalThis.setTimeout(r, ms));

describe('timers shim', () => {
  it('refresh() restarts the countdown (aedes keepalive)', async () => {
    let fired = 0;
    const t = setTimeout(() => fired++, 60);
    await sleep(40);
    t.refresh();
    await sleep(40);
    expect(fired).toBe(0); // 80 ms in, but refreshed at 40
    await sleep(40);
    expect(fired).toBe(1);
  });

  it('unref()/ref() are chainable no-ops and clearTimeout takes the object', async () => {
    let fired = false;
    const t = setTimeout(() => (fired = true), 10).unref().ref();
    expect(t.hasRef()).toBe(true);
    clearTimeout(t);
    await sleep(30);
    expect(fired).toBe(false);
  });

  it('setInterval repeats until cleared', async () => {
    let n = 0;
    const t = setInterval(() => n++, 10);
    await sleep(55);
    clearInterval(t);
    const seen = n;
    await sleep(30);
    expect(seen).toBeGreaterThanOrEqual(2);
    expect(n).toBe(seen);
  });

  it('setImmediate runs in order, after microtasks, with arguments; clearImmediate cancels', async () => {
    const order: string[] = [];
    setImmediate((a: unknown) => order.push(`i1:${String(a)}`), 'x');
    const cancelled = setImmediate(() => order.push('never'));
    setImmediate(() => order.push('i2'));
    clearImmediate(cancelled);
    void Promise.resolve().then(() => order.push('micro'));
    await sleep(20);
    expect(order).toEqual(['micro', 'i1:x', 'i2']);
  });
});

describe('util shim', () => {
  it('inherits() works on ES classes, whose prototype property is read-only', () => {
    class Client {
      hello(): string {
        return 'hi';
      }
    }
    inherits(Client as never, EventEmitter as never);
    const c = new Client() as Client & EventEmitter;
    expect(c).toBeInstanceOf(EventEmitter);
    expect(c.hello()).toBe('hi');
    expect((Client as unknown as { super_: unknown }).super_).toBe(EventEmitter);
  });

  it('promisify() resolves and rejects Node-style callbacks', async () => {
    const ok = promisify(((x: number, cb: (e: unknown, v?: number) => void) => cb(null, x * 2)) as never);
    const bad = promisify(((cb: (e: unknown) => void) => cb(new Error('nope'))) as never);
    await expect(ok(21)).resolves.toBe(42);
    await expect(bad()).rejects.toThrow('nope');
  });
});

describe('crypto shim', () => {
  const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
  it('returns a v4 UUID', () => {
    expect(randomUUID()).toMatch(UUID_V4);
  });
  it('falls back to getRandomValues where randomUUID is missing (insecure contexts)', () => {
    const proto = Object.getPrototypeOf(globalThis.crypto) as { randomUUID?: unknown };
    const original = Object.getOwnPropertyDescriptor(proto, 'randomUUID');
    Object.defineProperty(proto, 'randomUUID', { value: undefined, configurable: true });
    try {
      const ids = new Set(Array.from({ length: 100 }, () => randomUUID()));
      expect(ids.size).toBe(100);
      for (const id of ids) expect(id).toMatch(UUID_V4);
    } finally {
      if (original) Object.defineProperty(proto, 'randomUUID', original);
    }
  });
});

describe('process, assert, debug, lru-cache shims', () => {
  it('nextTick runs before timers, after the current job', async () => {
    const order: string[] = [];
    globalThis.setTimeout(() => order.push('timer'), 0);
    nextTick((a: unknown) => order.push(`tick:${String(a)}`), 1);
    order.push('sync');
    await sleep(10);
    expect(order).toEqual(['sync', 'tick:1', 'timer']);
    expect(processShim.env).toEqual({});
    expect(processShim.browser).toBe(true);
  });

  it('assert throws AssertionError on falsy values', () => {
    expect(() => assert(0, 'zero')).toThrow(AssertionError);
    expect(() => assert.ok('')).toThrow('Assertion failed');
    expect(() => assert.strictEqual(1, 1)).not.toThrow();
    expect(() => assert.strictEqual(1, '1')).toThrow(AssertionError);
  });

  it('debug stand-in is a silent logger factory', () => {
    const log = createDebug('mqttjs:client');
    expect(log('x %s', 1)).toBeUndefined();
    expect(log.enabled).toBe(false);
    expect(log.extend('ws').namespace).toBe('mqttjs:client:ws');
  });

  it('LRUCache evicts the least recently used and lists keys most-recent first', () => {
    const c = new LRUCache<number, string>({ max: 3 });
    c.set(1, 'a').set(2, 'b').set(3, 'c');
    expect(c.get(1)).toBe('a'); // 1 is now most recent
    c.set(4, 'd'); // evicts 2
    expect(c.has(2)).toBe(false);
    expect([...c.keys()]).toEqual([4, 1, 3]);
    expect(c.size).toBe(3);
    c.clear();
    expect(c.size).toBe(0);
  });
});
