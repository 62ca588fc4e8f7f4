/**
 * Every dialect the lab can read, by id: adding one is a module and a line here. The lab's
 * own format ("lab") is ../signalling's codec, which the sessions use directly.
 */
import type { Dialect, TopicUse } from './types';
import { godotDemo } from './godot-demo';
import { godotWorkbench } from './godot-workbench';

export type { Dialect, DialectMessage, ReadResult, TopicUse, WireMessage } from './types';

export const DIALECTS: Readonly<Record<string, Dialect>> = {
  [godotDemo.id]: godotDemo,
  [godotWorkbench.id]: godotWorkbench,
};

/** The dialect called `id`, or undefined. */
export function dialectById(id: string): Dialect | undefined {
  return Object.hasOwn(DIALECTS, id) ? DIALECTS[id] : undefined;
}

/** The lab's own format, as a choice beside the dialects (README, "Topics"). */
export const LAB_FORMAT = {
  id: 'lab',
  label: "This lab's own (JSON signals, QoS 1)",
  scheme: [
    { topic: '<root>/<id>/status', carries: 'JSON status, "online", retained; the last will says "offline"' },
    { topic: '<root>/<to>/signal', carries: 'JSON offer, answer, candidate, end-of-candidates and chat, each naming "from" and "to"' },
    { topic: '<root>/<to>/ping/<from>', carries: 'latency pings, outside the Step queue' },
  ] as readonly TopicUse[],
} as const;

/** What the reader picks from: the lab's own format, then every dialect. */
export const FORMAT_CHOICES: readonly { id: string; label: string; scheme: readonly TopicUse[] }[] = [LAB_FORMAT, ...Object.values(DIALECTS)];
