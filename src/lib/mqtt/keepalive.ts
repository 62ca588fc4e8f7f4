/**
 * The keep-alive countdown after a silent plug pull, as a pure view of the trace.
 *
 * A client that falls silent (Wi-Fi gone) closes nothing, so the broker only learns it is
 * gone when it has heard no packet for 1.5 × the keep-alive from CONNECT (MQTT 3.1.1
 * §3.1.2.10). Its clock started at the client's LAST packet, not when the plug was pulled,
 * so the wait is between 0.5 and 1.5 keep-alives from the pull. Then the broker publishes
 * the will (§3.1.2.5).
 */
import type { EventOf, TraceEvent } from '../trace/types';

/** §3.1.2.10: "one and a half times the Keep Alive time period". */
export const KEEPALIVE_GRACE = 1.5;

export interface SilentPlug {
  peer: string;
  keepaliveS: number;
  /** Trace time (ms) of the pull. */
  pulledAt: number;
  /** Trace time (ms) of the peer's last packet: the broker's timer started here. */
  lastSentAt: number;
  /** Trace time (ms) at which the broker must give up: lastSentAt + 1.5 × keep-alive. */
  deadlineAt: number;
  /** The held will that followed, once the broker published it. */
  will?: EventOf<'held'>;
}

/** Every silent pull in these events, oldest first, with the will that followed it (if any). */
export function silentPlugs(events: readonly TraceEvent[]): SilentPlug[] {
  const out: SilentPlug[] = [];
  for (const e of events) {
    if (e.type === 'plug-pulled' && e.keepaliveS !== undefined) {
      const lastSentAt = e.at - (e.quietMs ?? 0);
      out.push({
        peer: e.peer,
        keepaliveS: e.keepaliveS,
        pulledAt: e.at,
        lastSentAt,
        deadlineAt: lastSentAt + KEEPALIVE_GRACE * e.keepaliveS * 1000,
      });
    } else if (e.type === 'held' && e.will) {
      const plug = out.find((p) => p.peer === e.from && !p.will);
      if (plug) plug.will = e;
    }
  }
  return out;
}

export type CountdownView =
  | { phase: 'counting'; remainingMs: number }
  /** The deadline passed; brokers check their timers only every so often (mosquitto: ~1 s). */
  | { phase: 'overdue'; overdueMs: number }
  | { phase: 'will'; afterMs: number };

/** Where the countdown stands at trace time `now` (ms). */
export function countdown(plug: SilentPlug, now: number): CountdownView {
  if (plug.will) return { phase: 'will', afterMs: plug.will.at - plug.lastSentAt };
  const remainingMs = plug.deadlineAt - now;
  return remainingMs > 0 ? { phase: 'counting', remainingMs } : { phase: 'overdue', overdueMs: now - plug.deadlineAt };
}

/** `4.2 s`: one decimal, never negative. */
export function seconds(ms: number): string {
  return `${(Math.max(0, ms) / 1000).toFixed(1)} s`;
}
