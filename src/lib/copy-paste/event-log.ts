/**
 * One line of plain text per trace event, for the copy-and-paste lab's event log (one tab,
 * one peer, no broker). Untrusted text (chat, details) stays text: the view renders it so.
 */
import type { EventOf, TraceEvent, TraceEventType } from '../trace/types';

type Describers = { [T in TraceEventType]?: (e: EventOf<T>) => string };

const DESCRIBE: Describers = {
  api: (e) => `${e.call}() ${e.ok ? 'ok' : 'failed'}${e.detail ? `: ${e.detail}` : ''}`,
  state: (e) => `${e.machine} state → ${e.value}`,
  'candidate-gathered': (e) => (e.candidate === null ? 'gathering complete (null candidate)' : `gathered ${e.candidate}`),
  'remote-status': (e) => `${e.of} is ${e.status} (you said so by choosing a role)`,
  channel: (e) => `data channel ${e.state}`,
  chat: (e) => `chat ${e.from} → ${e.to}: ${e.text}`,
  paste: describePaste,
};

function describePaste(e: EventOf<'paste'>): string {
  const candidates = `${e.candidates ?? 0} candidate${e.candidates === 1 ? '' : 's'}`;
  switch (e.what) {
    case 'role':
      return `you chose the ${e.role} part`;
    case 'own':
      return `your ${e.sdpType} is ready to carry (${candidates} inside)`;
    case 'accepted':
      return `pasted ${e.sdpType} passed the checks (${candidates}${e.warnings?.length ? `, ${e.warnings.length} warning(s)` : ''})`;
    case 'refused':
      return `paste refused: ${e.reason ?? 'no reason given'}`;
    case 'settled':
      return 'that step is done';
  }
}

export function describeTabEvent(e: TraceEvent): string {
  const fn = DESCRIBE[e.type] as ((e: TraceEvent) => string) | undefined;
  return fn ? fn(e) : e.type;
}

/** Failed calls read as errors in the log. */
export function isFailure(e: TraceEvent): boolean {
  return e.type === 'api' && !e.ok;
}
