import { describe, expect, it } from 'vitest';
import { DEPLOYMENT_CASES } from './cases';
import { runModel } from './model';

describe('"Which case are you in?": the model says what each case\'s text says', () => {
  it('has unique ids and says something for every field', () => {
    expect(new Set(DEPLOYMENT_CASES.map((c) => c.id)).size).toBe(DEPLOYMENT_CASES.length);
    for (const c of DEPLOYMENT_CASES) for (const text of [c.title, c.gathers, c.wins, c.configure]) expect(text.length).toBeGreaterThan(10);
  });

  it.each(DEPLOYMENT_CASES.filter((c) => c.input).map((c) => [c.title, c] as const))('%s', (_, c) => {
    const r = runModel(c.input!);
    expect(r.verdict.kind).toBe(c.expect!.verdict);
    const v = r.verdict.best?.valid;
    expect(v ? `${v.alice.type}-${v.bob.type}` : null).toBe(c.expect!.pair);
    // The text names the pair the model picks.
    if (c.expect!.pair) expect(c.wins).toContain(c.expect!.pair.replace('-', ' ↔ '));
  });

  it('a case the model cannot show says so, and has nothing to check', () => {
    for (const c of DEPLOYMENT_CASES.filter((x) => !x.input)) {
      expect(c.expect).toBeNull();
      expect(c.gathers).toMatch(/model/);
    }
  });
});
