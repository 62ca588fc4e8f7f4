/**
 * Table tests of a function of one argument, for unit tests only. A table names the function
 * once and needs no hand-written tuple type: its cases are checked against the function's
 * types (NoInfer, so a wrong expected value is an error rather than widening the type).
 */
import { expect, it } from 'vitest';

/**
 * One test per `[input, expected]` case, titled as it.each titles it (`%s`, `%j`, … over the
 * case): `fn(input)` equals `expected`. toEqual, which for strings, numbers, booleans, null
 * and undefined is Object.is, the check toBe makes.
 */
export function itReturns<I, O>(title: string, fn: (input: I) => O, cases: readonly (readonly [NoInfer<I>, NoInfer<O>])[]): void {
  it.each(cases.map(([input, expected]): [I, O] => [input, expected]))(title, (input, expected) => {
    expect(fn(input)).toEqual(expected);
  });
}

/** The same for `[name, input, expected]` cases, each test titled by its name. */
export function itReturnsNamed<I, O>(fn: (input: I) => O, cases: readonly (readonly [string, NoInfer<I>, NoInfer<O>])[]): void {
  it.each(cases.map(([name, input, expected]): [string, I, O] => [name, input, expected]))('%s', (_name, input, expected) => {
    expect(fn(input)).toEqual(expected);
  });
}
