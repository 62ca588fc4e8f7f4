/**
 * The listener side of the in-page MQTT clients (DirectClient, TabsClient): mqtt.js's
 * `on`/`off` for the events the lab uses, and `emit` for the client itself.
 */
import type { ReceivedPacket } from './types';

type Listener = (...args: never[]) => void;

export abstract class ClientEvents {
  private readonly listeners = new Map<string, Listener[]>();

  on(event: 'message', cb: (topic: string, payload: Uint8Array, packet: ReceivedPacket) => void): this;
  on(event: 'connect', cb: () => void): this;
  on(event: 'close' | 'offline' | 'reconnect' | 'end', cb: () => void): this;
  on(event: 'error', cb: (err: Error) => void): this;
  on(event: string, cb: Listener): this {
    // A copy, so a listener added while an event is emitted waits for the next one.
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), cb]);
    return this;
  }

  off(event: string, cb: Listener): this {
    const list = this.listeners.get(event);
    if (list) this.listeners.set(event, list.filter((l) => l !== cb));
    return this;
  }

  removeListener(event: string, cb: Listener): this {
    return this.off(event, cb);
  }

  protected emit(event: string, ...args: unknown[]): void {
    for (const l of this.listeners.get(event) ?? []) (l as (...a: unknown[]) => void)(...args);
  }
}
