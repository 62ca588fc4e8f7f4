/**
 * Test support (issue 14): is a piece of text handling linear in its input? Times it on a
 * small and a big input and compares the two, so no absolute threshold depends on the machine.
 * Used by the grammar, parser and candidate tests; not imported by the site.
 */

/** Adversarial lines for regexes over SDP text: long runs, repeated separators, no terminator. */
export function hostileLines(size: number): Record<string, string> {
  const fill = (unit: string, tail = '') => unit.repeat(Math.ceil((size - tail.length) / unit.length)).slice(0, size - tail.length) + tail;
  return {
    'hex and -': fill('a-'),
    'hex and - then x': fill('a-', 'x'),
    'x then hex and -': 'x' + fill('0-').slice(1),
    'dashes': fill('-'),
    'hex': fill('f'),
    'digits then a letter': fill('1', 'x'),
    'dotted digits': fill('1.'),
    'hex and colons': fill('ab:'),
    'hex quads and colons': fill('abcd:', 'g'),
    'fingerprint without end': 'a=fingerprint:sha-256 ' + fill('AB:').slice(22) + 'G',
    'upper case and /': fill('A/', 'a'),
    'typ then spaces': 'typ' + fill(' ', 'x').slice(3),
    'spaces then a letter': fill(' ', 'x'),
    'tabs and spaces': fill(' \t', 'x'),
    'candidate of hex and -': 'a=candidate:' + fill('a-').slice(12),
    'attribute name run': 'a=' + fill('a-'),
    'media line of spaces': 'm=audio 9 UDP/TLS/RTP/SAVPF ' + fill(' 1').slice(29) + ' ',
    'mDNS without .local': fill('1f4712db-ea17-', '.loca'),
    'semicolons': fill('; ', 'apt'),
  };
}

/** The fastest of `runs` timings of fn(), in ms (the minimum is the least noisy estimate). */
export function fastest(fn: () => unknown, runs = 3): number {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    best = Math.min(best, performance.now() - t);
  }
  return best;
}

export interface Scaling {
  small: number;
  big: number;
  /** What the big input may cost if fn is linear: `factor` (2) × the size ratio × small, plus slack. */
  budget: number;
  linear: boolean;
}

/**
 * Times fn on a small and a big input. Linear work grows by the size ratio; quadratic work by
 * its square, so the budget (twice the ratio, plus `slackMs` for timer and GC noise) tells
 * them apart with a wide margin on a busy machine. Work that allocates a lot (a big heap makes
 * each collection dearer) gets a larger `factor`; 4 still leaves quadratic work 2.5× over.
 */
export function scaling<T>(fn: (input: T) => unknown, small: T, big: T, ratio: number, slackMs = 40, factor = 2): Scaling {
  fn(small); // warm up (JIT, lazy regex compilation)
  const s = fastest(() => fn(small));
  const b = fastest(() => fn(big), 2);
  const budget = factor * ratio * s + slackMs;
  return { small: s, big: b, budget, linear: b < budget };
}
