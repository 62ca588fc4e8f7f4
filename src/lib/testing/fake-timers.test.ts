import { describe, expect, it } from 'vitest';
import { FakeTimers } from './fake-timers';

describe('FakeTimers', () => {
  it('fires in due order, ties in set order, timers set while advancing included, cleared ones never', () => {
    const t = new FakeTimers();
    const log: string[] = [];
    t.setTimeout(() => log.push(`b@${t.now}`), 20);
    t.setTimeout(() => {
      log.push(`a@${t.now}`);
      t.setTimeout(() => log.push(`nested@${t.now}`), 5);
    }, 10);
    t.setTimeout(() => log.push(`c@${t.now}`), 20);
    const gone = t.setTimeout(() => log.push('cleared'), 15);
    t.clearTimeout(gone);
    t.advance(19);
    expect(log).toEqual(['a@10', 'nested@15']);
    t.advance(1);
    expect(log).toEqual(['a@10', 'nested@15', 'b@20', 'c@20']);
    expect([t.now, t.size]).toEqual([20, 0]);
  });
});
