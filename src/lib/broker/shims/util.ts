/**
 * The parts of Node's `util` the broker's dependencies use. The npm `util` package's
 * inherits() assigns `ctor.prototype`, which throws on aedes' ES classes (their prototype
 * is read-only), so link prototypes with Object.setPrototypeOf as Node does.
 */
type AnyFn = (...args: never[]) => unknown;
type Ctor = { prototype: object; super_?: unknown } & AnyFn;

export function inherits(ctor: Ctor, superCtor: Ctor): void {
  Object.defineProperty(ctor, 'super_', { value: superCtor, writable: true, configurable: true });
  Object.setPrototypeOf(ctor.prototype, superCtor.prototype);
}

const customPromisify = Symbol.for('nodejs.util.promisify.custom');

type NodeCallback = (err: unknown, value?: unknown) => void;

export function promisify(fn: (...args: unknown[]) => unknown): (...args: unknown[]) => Promise<unknown> {
  const custom = (fn as unknown as Record<symbol, unknown>)[customPromisify];
  if (typeof custom === 'function') return custom as (...args: unknown[]) => Promise<unknown>;
  return function (this: unknown, ...args: unknown[]) {
    return new Promise((resolve, reject) => {
      const cb: NodeCallback = (err, value) => (err ? reject(err) : resolve(value));
      fn.call(this, ...args, cb);
    });
  };
}
promisify.custom = customPromisify;

export function deprecate<T extends AnyFn>(fn: T): T {
  return fn;
}

export function debuglog(): (...args: unknown[]) => void {
  return () => {};
}

export function inspect(value: unknown): string {
  try {
    return typeof value === 'string' ? value : JSON.stringify(value);
  } catch {
    return String(value);
  }
}

export function format(...args: unknown[]): string {
  return args.map((a) => (typeof a === 'string' ? a : inspect(a))).join(' ');
}

export default { inherits, promisify, deprecate, debuglog, inspect, format };
