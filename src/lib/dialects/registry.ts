/**
 * Every dialect the lab can read, by id: adding one is a module and a line here. The lab's
 * own format ("lab") is ../signalling's codec, which the sessions use directly.
 */
import type { Dialect } from './types';
import { godotDemo } from './godot-demo';
import { godotWorkbench } from './godot-workbench';

export type { Dialect, DialectMessage, ReadResult, WireMessage } from './types';

export const DIALECTS: Readonly<Record<string, Dialect>> = {
  [godotDemo.id]: godotDemo,
  [godotWorkbench.id]: godotWorkbench,
};

/** The dialect called `id`, or undefined. */
export function dialectById(id: string): Dialect | undefined {
  return Object.hasOwn(DIALECTS, id) ? DIALECTS[id] : undefined;
}
