import { describe, expect, it } from 'vitest';
import { LAB_MODES, modeFrom } from './lab-modes';

describe('modeFrom', () => {
  it.each([
    ['', 'both'],
    ['?mode=solo', 'solo'],
    ['?mode=paste&autoplay=1', 'paste'],
    ['?mode=evil<script>', 'both'],
    ['?autoplay=1', 'both'],
  ])('%j → %s', (search, mode) => {
    expect(modeFrom(search)).toBe(mode);
  });

  it('ids are unique', () => {
    expect(new Set(LAB_MODES.map((m) => m.id)).size).toBe(LAB_MODES.length);
  });
});
