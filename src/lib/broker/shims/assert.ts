/** The little of Node's `assert` the broker's dependencies use (mqemitter). */
export class AssertionError extends Error {
  constructor(message?: string) {
    super(message ?? 'Assertion failed');
    this.name = 'AssertionError';
  }
}

function assert(value: unknown, message?: string | Error): asserts value {
  if (value) return;
  if (message instanceof Error) throw message;
  throw new AssertionError(message);
}

assert.ok = assert;
assert.AssertionError = AssertionError;
assert.equal = (actual: unknown, expected: unknown, message?: string): void => {
  // eslint-disable-next-line eqeqeq -- Node's assert.equal is loose equality.
  if (actual != expected) throw new AssertionError(message ?? `${String(actual)} == ${String(expected)}`);
};
assert.strictEqual = (actual: unknown, expected: unknown, message?: string): void => {
  if (!Object.is(actual, expected)) throw new AssertionError(message ?? `${String(actual)} === ${String(expected)}`);
};
assert.notStrictEqual = (actual: unknown, expected: unknown, message?: string): void => {
  if (Object.is(actual, expected)) throw new AssertionError(message ?? `${String(actual)} !== ${String(expected)}`);
};

export { assert as ok };
export default assert;
