/**
 * Node-style timers for aedes in the browser. aedes calls `_keepaliveTimer.refresh()` and
 * `_drainTimer.unref()`, which browser timer ids (plain numbers) lack. Also a setImmediate
 * built on MessageChannel: a macrotask without setTimeout's 4 ms clamp.
 */
type Callback = (...args: unknown[]) => void;

export class NodeTimer {
  private id: ReturnType<typeof globalThis.setTimeout> | undefined;

  constructor(
    private readonly fn: Callback,
    private readonly ms: number,
    private readonly args: unknown[],
    private readonly repeat: boolean,
  ) {
    this.start();
  }

  private start(): void {
    this.id = this.repeat
      ? globalThis.setInterval(this.fn, this.ms, ...this.args)
      : globalThis.setTimeout(this.fn, this.ms, ...this.args);
  }

  /** Restarts the countdown with the original delay, like Node's Timeout#refresh(). */
  refresh(): this {
    this.clear();
    this.start();
    return this;
  }

  /** Browsers have no event loop to keep alive: ref/unref are no-ops. */
  unref(): this {
    return this;
  }

  ref(): this {
    return this;
  }

  hasRef(): boolean {
    return true;
  }

  close(): this {
    this.clear();
    return this;
  }

  clear(): void {
    if (this.id === undefined) return;
    if (this.repeat) globalThis.clearInterval(this.id);
    else globalThis.clearTimeout(this.id);
    this.id = undefined;
  }

  [Symbol.toPrimitive](): number {
    return Number(this.id ?? 0);
  }
}

export function setTimeout(fn: Callback, ms = 0, ...args: unknown[]): NodeTimer {
  return new NodeTimer(fn, ms, args, false);
}

export function setInterval(fn: Callback, ms = 0, ...args: unknown[]): NodeTimer {
  return new NodeTimer(fn, ms, args, true);
}

function clear(t: unknown): void {
  if (t instanceof NodeTimer) t.clear();
  else if (t !== undefined && t !== null) globalThis.clearTimeout(t as ReturnType<typeof globalThis.setTimeout>);
}

export const clearTimeout = clear;
export const clearInterval = clear;

// setImmediate: FIFO of tasks, each run in its own MessageChannel message.
interface Immediate {
  fn: Callback;
  args: unknown[];
}
const pending = new Map<number, Immediate>();
let nextId = 1;
let channel: MessageChannel | undefined;

function post(id: number): void {
  if (typeof MessageChannel === 'undefined') {
    globalThis.setTimeout(() => run(id), 0);
    return;
  }
  if (!channel) {
    channel = new MessageChannel();
    channel.port1.onmessage = (e: MessageEvent<number>) => run(e.data);
  }
  channel.port2.postMessage(id);
}

function run(id: number): void {
  const task = pending.get(id);
  if (!task) return;
  pending.delete(id);
  task.fn(...task.args);
}

export function setImmediate(fn: Callback, ...args: unknown[]): number {
  const id = nextId++;
  pending.set(id, { fn, args });
  post(id);
  return id;
}

export function clearImmediate(id: unknown): void {
  if (typeof id === 'number') pending.delete(id);
}

export default { setTimeout, clearTimeout, setInterval, clearInterval, setImmediate, clearImmediate };
