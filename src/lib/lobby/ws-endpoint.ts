/**
 * The lobby's WebSocket endpoint, as ../session/mqtt-endpoint is the MQTT labs': one
 * client's connection to the lobby server. It sits between the real socket (in-page server
 * or a browser WebSocket, injected) and that client's LobbyClient: 'open' and every frame
 * written pass straight through and are traced; every frame and the close from the server
 * are handed to the session to hold instead, and reach the client when the queue delivers.
 */
import { CONNECT_TIMEOUT_MS, connectDeadline, deadlineText, type DeadlineTimers } from '../signalling/connect-deadline';
import type { LobbySocket } from './client';
import type { LobbyTraceBody } from './trace';

/** WebSocket.readyState values (WHATWG WebSockets). */
const CONNECTING = 0;
const OPEN = 1;

/** RFC 6455 §5.5.1: the close frame's status code and reason. */
export interface CloseFrame {
  code: number;
  reason: string;
}

/** One thing from the server to a client, waiting in the queue. */
export interface HeldItem {
  qid: string;
  peer: string;
  text: string;
  close?: CloseFrame;
  socket: HeldSocket;
}

export interface HeldSocketHooks {
  trace: (body: LobbyTraceBody) => void;
  /** A frame (or, with `close`, the close) from the server, for the session to hold. */
  hold: (socket: HeldSocket, text: string, close?: CloseFrame) => void;
  /** The connection closed before it ever opened, or did not open in time. Called once. */
  failed: (socket: HeldSocket, detail: string) => void;
  /** Give up on the opening handshake after this long (default CONNECT_TIMEOUT_MS). */
  connectTimeoutMs?: number;
  timers?: DeadlineTimers;
}

export class HeldSocket implements LobbySocket {
  private listeners = new Map<string, ((event: never) => void)[]>();
  /** Opened at some point (a close before that is a failure to connect, not a held close). */
  opened = false;
  private failed = false;
  private readonly cancelDeadline: () => void;

  constructor(
    readonly peer: string,
    private readonly inner: LobbySocket,
    private readonly hooks: HeldSocketHooks,
  ) {
    // A server that accepts TCP but never answers the upgrade (RFC 6455 §4.1) leaves the
    // browser's socket CONNECTING for a long time: give up as the MQTT labs do.
    const ms = hooks.connectTimeoutMs ?? CONNECT_TIMEOUT_MS;
    this.cancelDeadline = connectDeadline(ms, () => {
      this.fail(`${deadlineText('no answer to the WebSocket opening handshake', ms)}: the server took the connection but never completed the upgrade`);
      inner.close();
    }, hooks.timers);
    inner.addEventListener('open', () => {
      this.cancelDeadline();
      this.opened = true;
      hooks.trace({ type: 'socket', peer, state: 'open' });
      this.dispatch('open', {});
    });
    inner.addEventListener('message', (event) => {
      hooks.hold(this, typeof event.data === 'string' ? event.data : '[binary frame]');
    });
    inner.addEventListener('close', (event) => {
      if (!this.opened) this.fail(`closed ${event.code}${event.reason ? ` ${event.reason}` : ''} before it opened`);
      else hooks.hold(this, '', { code: event.code, reason: event.reason });
    });
  }

  get readyState(): number {
    return this.inner.readyState;
  }

  send(data: string): void {
    this.write(data);
  }

  /** Writes any text; `bad` names the bad input it is. False when the socket is not open. */
  write(text: string, bad?: string): boolean {
    if (this.inner.readyState !== OPEN) return false;
    this.hooks.trace({ type: 'sent', peer: this.peer, text, ...(bad ? { bad } : {}) });
    this.inner.send(text);
    return true;
  }

  close(code?: number, reason?: string): void {
    this.cancelDeadline();
    if (this.inner.readyState === CONNECTING || this.inner.readyState === OPEN) this.inner.close(code, reason);
  }

  addEventListener(type: 'open', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'close', listener: (event: CloseFrame) => void): void;
  addEventListener(type: string, listener: (event: never) => void): void {
    const list = this.listeners.get(type) ?? [];
    list.push(listener);
    this.listeners.set(type, list);
  }

  /** The queue released this item: now the client sees it. */
  deliver(item: HeldItem): void {
    if (item.close) this.dispatch('close', item.close);
    else this.dispatch('message', { data: item.text });
  }

  private fail(detail: string): void {
    this.cancelDeadline();
    if (this.failed) return;
    this.failed = true;
    this.hooks.failed(this, detail);
  }

  private dispatch(type: string, event: unknown): void {
    for (const listener of [...(this.listeners.get(type) ?? [])]) (listener as (e: unknown) => void)(event);
  }
}
