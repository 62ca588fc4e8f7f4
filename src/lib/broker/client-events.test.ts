import { describe, expect, it } from 'vitest';
import { ClientEvents } from './client-events';

class Client extends ClientEvents {
  fire(event: string, ...args: unknown[]): void {
    this.emit(event, ...args);
  }
}

describe('ClientEvents', () => {
  it('calls the listeners of an event in order, with its arguments', () => {
    const c = new Client();
    const seen: string[] = [];
    c.on('message', (topic) => seen.push(`a ${topic}`));
    c.on('message', (topic) => seen.push(`b ${topic}`));
    c.on('connect', () => seen.push('connect'));
    c.fire('message', 't/1', new Uint8Array(), {});
    expect(seen).toEqual(['a t/1', 'b t/1']);
  });

  it('off and removeListener remove only the given listener', () => {
    const c = new Client();
    const seen: string[] = [];
    const a = () => seen.push('a');
    const b = () => seen.push('b');
    c.on('close', a).on('close', b).on('end', a);
    c.off('close', a);
    c.fire('close');
    c.removeListener('end', a);
    c.fire('end');
    expect(seen).toEqual(['b']);
  });

  it('a listener added while an event is emitted hears the next one only', () => {
    const c = new Client();
    let late = 0;
    c.on('connect', () => c.on('connect', () => late++));
    c.fire('connect');
    expect(late).toBe(0);
    c.fire('connect');
    expect(late).toBe(1);
  });
});
