/**
 * A minimal `process` for the broker's Node-flavoured dependencies in the browser.
 * nextTick uses microtasks: the `process` npm package uses setTimeout(0), which browsers
 * clamp to 4 ms when nested, and every stream hop in aedes and mqtt.js goes through it.
 */
type Callback = (...args: unknown[]) => void;

export function nextTick(fn: Callback, ...args: unknown[]): void {
  queueMicrotask(() => fn(...args));
}

const noop = (): void => {};

const processShim = {
  nextTick,
  env: {} as Record<string, string | undefined>,
  browser: true,
  title: 'browser',
  platform: 'browser',
  version: '',
  versions: {} as Record<string, string>,
  argv: [] as string[],
  cwd: (): string => '/',
  emitWarning(warning: unknown): void {
    console.warn(warning);
  },
  on: noop,
  once: noop,
  off: noop,
  removeListener: noop,
  emit: noop,
};

export default processShim;
