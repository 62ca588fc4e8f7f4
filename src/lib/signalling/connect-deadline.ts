/**
 * The one connect timeout of every lab: how long a client waits for its signalling server to
 * answer (the MQTT labs: a CONNACK; the lobby: the WebSocket opening handshake) before it
 * gives up and says so. A server that accepts TCP but never answers would otherwise leave
 * "Connecting…" on screen for as long as the browser keeps trying (45 s or more).
 */
export const CONNECT_TIMEOUT_MS = 8000;

export interface DeadlineTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const globalTimers: DeadlineTimers = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof globalThis.setTimeout>),
};

/** What a timeout says, e.g. "no CONNACK after 8 s". */
export function deadlineText(what: string, ms: number): string {
  return `${what} after ${ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`}`;
}

/**
 * Calls `expired` once `ms` have passed, unless the returned function (call it when the
 * connection opens, or fails on its own) is called first.
 */
export function connectDeadline(ms: number, expired: () => void, timers: DeadlineTimers = globalTimers): () => void {
  const handle = timers.setTimeout(expired, ms);
  return () => timers.clearTimeout(handle);
}
