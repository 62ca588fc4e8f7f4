import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { drawnScale, fitDirective, MIN_TEXT_PX, sequenceFit, trimFor } from './mermaid';

describe('sequenceFit', () => {
  it('fills the box at scale 1 for two to five lanes, from a phone to a wide screen', () => {
    fc.assert(
      fc.property(fc.integer({ min: 300, max: 2000 }), fc.integer({ min: 2, max: 5 }), (box, lanes) => {
        const fit = sequenceFit(box, lanes);
        expect(fit.total).toBeLessThanOrEqual(box);
        expect(fit.total).toBe(2 * fit.diagramMarginX + lanes * fit.width + (lanes - 1) * fit.actorMargin);
        expect(fit.fontSize).toBeGreaterThanOrEqual(MIN_TEXT_PX);
        expect(fit.width).toBeGreaterThanOrEqual(48);
        expect(fit.actorMargin).toBeGreaterThanOrEqual(8);
      }),
    );
  });

  it('gives a phone (about 310 px of box) three lanes with room between them for a label', () => {
    const fit = sequenceFit(310, 3);
    expect(fit.total).toBeGreaterThan(290);
    // mermaid wraps a label to the distance between the lanes' centres, plus its padding
    expect(fit.width + fit.actorMargin).toBeGreaterThanOrEqual(100);
  });

  it('stops widening the gaps on a wide box, and the width it adapts to is the box, not the screen', () => {
    expect(sequenceFit(2000, 3).actorMargin).toBe(300);
    expect(sequenceFit(2000, 3).total).toBeLessThan(2000);
    expect(sequenceFit(600, 3).total).toBeGreaterThan(sequenceFit(400, 3).total);
  });

  it('becomes one init directive with wrapping on and mermaid left to size the SVG itself', () => {
    const line = fitDirective(sequenceFit(700, 3));
    expect(line.startsWith('%%{init: ')).toBe(true);
    expect(line).not.toContain('\n');
    const config = JSON.parse(line.slice('%%{init: '.length, -'}%%'.length)) as { fontSize: number; sequence: Record<string, unknown> };
    // mermaid 12 overrides the sequence font sizes with the top-level one
    expect(config.fontSize).toBe(14);
    expect(config.sequence).toMatchObject({ wrap: true, useMaxWidth: false });
    expect(config.sequence).not.toHaveProperty('total');
  });
});

describe('drawnScale', () => {
  it('shows a drawing that fits at its own size', () => {
    expect(drawnScale(300, 313, 14)).toBe(1);
    expect(drawnScale(313, 313, 14)).toBe(1);
  });

  it('shrinks a slightly wider drawing to the box, never its text below the minimum', () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 2000 }), fc.integer({ min: 100, max: 2000 }), fc.integer({ min: 13, max: 18 }), (drawn, box, font) => {
        const scale = drawnScale(drawn, box, font);
        expect(scale).toBeLessThanOrEqual(1);
        if (scale < 1) {
          expect(scale * font).toBeGreaterThanOrEqual(MIN_TEXT_PX);
          expect(drawn * scale).toBeCloseTo(box, 6);
        }
      }),
    );
    expect(drawnScale(336, 313, 14)).toBeCloseTo(313 / 336, 6);
    // 14 px at 0.8 would be 11 px: the box scrolls instead
    expect(drawnScale(400, 320, 14)).toBe(1);
  });
});

describe('trimFor', () => {
  it('takes an overflow off each gap, rounded up, and nothing when the drawing fits', () => {
    expect(trimFor(26, 3)).toBe(13);
    expect(trimFor(27, 3)).toBe(14);
    expect(trimFor(0, 3)).toBe(0);
    expect(trimFor(-40, 4)).toBe(0);
    const fit = sequenceFit(313, 3);
    expect(sequenceFit(313, 3, trimFor(26, 3)).actorMargin).toBe(fit.actorMargin - 13);
    expect(sequenceFit(313, 3, 10_000).actorMargin).toBe(0);
  });
});
