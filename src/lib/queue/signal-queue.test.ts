import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { SignalQueue, type Scheduler } from './signal-queue';

/** A manual clock: timers run only inside advance(), in due order, then creation order. */
class FakeScheduler implements Scheduler {
  now = 0;
  private seq = 0;
  private readonly timers = new Map<number, { due: number; fn: () => void }>();
  /** When false, clearTimeout forgets to cancel: simulates a callback already in flight. */
  cancels = true;

  setTimeout(fn: () => void, ms: number): number {
    const id = ++this.seq;
    this.timers.set(id, { due: this.now + ms, fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    if (this.cancels) this.timers.delete(handle as number);
  }

  get pending(): number {
    return this.timers.size;
  }

  advance(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      let next: [number, { due: number; fn: () => void }] | undefined;
      for (const entry of this.timers) if (entry[1].due <= end && (!next || entry[1].due < next[1].due)) next = entry;
      if (!next) break;
      this.timers.delete(next[0]);
      this.now = next[1].due;
      next[1].fn();
    }
    this.now = end;
  }

  /** Run until no timer is left (bounded, so a runaway loop fails instead of hanging). */
  runAll(limit = 10_000): void {
    for (let i = 0; i < limit && this.timers.size; i++) {
      const due = Math.min(...[...this.timers.values()].map((t) => t.due));
      this.advance(due - this.now);
    }
    if (this.timers.size) throw new Error('timers never settle');
  }
}

interface Item {
  qid: string;
}
const item = (n: number): Item => ({ qid: `q${n}` });

function setup(overrides: Partial<ConstructorParameters<typeof SignalQueue<Item>>[0]> = {}) {
  const scheduler = new FakeScheduler();
  const delivered: string[] = [];
  const onChange = vi.fn();
  const onError = vi.fn();
  const queue = new SignalQueue<Item>({
    deliver: (i) => delivered.push(i.qid),
    onChange,
    onError,
    scheduler,
    ...overrides,
  });
  return { queue, scheduler, delivered, onChange, onError };
}

describe('SignalQueue: hold and step', () => {
  it('delivers the head first and returns it', () => {
    const { queue, delivered } = setup();
    queue.hold(item(1));
    queue.hold(item(2));
    expect(queue.size).toBe(2);
    expect(queue.step()).toEqual(item(1));
    expect(delivered).toEqual(['q1']);
    expect(queue.held).toEqual([item(2)]);
    expect(queue.step()).toEqual(item(2));
    expect(queue.step()).toBeUndefined();
    expect(delivered).toEqual(['q1', 'q2']);
  });

  it('holds without delivering until asked', () => {
    const { queue, scheduler, delivered } = setup();
    queue.hold(item(1));
    scheduler.advance(10_000);
    expect(delivered).toEqual([]);
    expect(scheduler.pending).toBe(0);
  });

  it('gives a frozen snapshot that later changes do not touch', () => {
    const { queue } = setup();
    queue.hold(item(1));
    const before = queue.held;
    expect(Object.isFrozen(before)).toBe(true);
    expect(queue.held).toBe(before); // cached until something changes
    queue.hold(item(2));
    expect(before).toEqual([item(1)]);
    expect(queue.held).toEqual([item(1), item(2)]);
  });

  it('refuses a qid that is already held', () => {
    const { queue } = setup();
    queue.hold(item(1));
    expect(() => queue.hold(item(1))).toThrow(/q1 is already held/);
    expect(queue.size).toBe(1);
    queue.step();
    expect(() => queue.hold(item(1))).not.toThrow();
  });

  it('finds items by qid', () => {
    const { queue } = setup();
    queue.hold(item(1));
    queue.hold(item(2));
    expect(queue.indexOf('q2')).toBe(1);
    expect(queue.indexOf('q9')).toBe(-1);
  });

  it('reports every change', () => {
    const { queue, onChange } = setup();
    queue.hold(item(1));
    queue.step();
    queue.step(); // nothing held: no change
    queue.play(10);
    queue.play(20); // pace change only
    queue.pause();
    queue.pause(); // already paused: no change
    queue.clear();
    expect(onChange).toHaveBeenCalledTimes(5);
  });
});

describe('SignalQueue: play and pause', () => {
  it('delivers one item per interval, never synchronously', () => {
    const { queue, scheduler, delivered } = setup();
    [1, 2, 3].forEach((n) => queue.hold(item(n)));
    queue.play(100);
    expect(queue.playing).toBe(true);
    expect(delivered).toEqual([]);
    scheduler.advance(99);
    expect(delivered).toEqual([]);
    scheduler.advance(1);
    expect(delivered).toEqual(['q1']);
    scheduler.advance(100);
    expect(delivered).toEqual(['q1', 'q2']);
    scheduler.advance(100);
    expect(delivered).toEqual(['q1', 'q2', 'q3']);
    expect(scheduler.pending).toBe(0);
    expect(queue.playing).toBe(true);
  });

  it('keeps playing items that arrive later, each a full interval after it arrives', () => {
    const { queue, scheduler, delivered } = setup();
    queue.play(50);
    scheduler.advance(500);
    queue.hold(item(1));
    scheduler.advance(49);
    expect(delivered).toEqual([]);
    scheduler.advance(1);
    expect(delivered).toEqual(['q1']);
  });

  it('with interval 0 delivers asynchronously, one per tick', () => {
    const { queue, scheduler, delivered } = setup();
    [1, 2, 3].forEach((n) => queue.hold(item(n)));
    queue.play(0);
    expect(delivered).toEqual([]);
    expect(scheduler.pending).toBe(1);
    scheduler.advance(0);
    expect(delivered).toEqual(['q1', 'q2', 'q3']);
  });

  it('never has more than one timer outstanding', () => {
    const { queue, scheduler } = setup();
    queue.play(10);
    for (let n = 1; n <= 5; n++) queue.hold(item(n));
    queue.play(10);
    queue.play(30);
    expect(scheduler.pending).toBe(1);
  });

  it('pause stops delivery and cancels the timer; play resumes', () => {
    const { queue, scheduler, delivered } = setup();
    [1, 2].forEach((n) => queue.hold(item(n)));
    queue.play(10);
    scheduler.advance(10);
    queue.pause();
    expect(queue.playing).toBe(false);
    expect(scheduler.pending).toBe(0);
    scheduler.advance(1000);
    expect(delivered).toEqual(['q1']);
    queue.play(10);
    scheduler.advance(10);
    expect(delivered).toEqual(['q1', 'q2']);
  });

  it('play while playing changes the pace and restarts the wait', () => {
    const { queue, scheduler, delivered } = setup();
    [1, 2].forEach((n) => queue.hold(item(n)));
    queue.play(1000);
    scheduler.advance(500);
    queue.play(10);
    expect(queue.intervalMs).toBe(10);
    scheduler.advance(10);
    expect(delivered).toEqual(['q1']);
    scheduler.advance(10);
    expect(delivered).toEqual(['q1', 'q2']);
  });

  it('a manual step while playing takes the head; the timer then takes the next', () => {
    const { queue, scheduler, delivered } = setup();
    [1, 2].forEach((n) => queue.hold(item(n)));
    queue.play(100);
    scheduler.advance(50);
    queue.step();
    scheduler.advance(50);
    expect(delivered).toEqual(['q1', 'q2']);
  });

  it('ignores a cancelled timer that fires anyway', () => {
    const { queue, scheduler, delivered } = setup();
    scheduler.cancels = false;
    [1, 2, 3].forEach((n) => queue.hold(item(n)));
    queue.play(10);
    queue.pause(); // the stale timer stays in the fake
    queue.play(10);
    scheduler.advance(10);
    expect(delivered).toEqual(['q1']);
  });

  it('rejects a negative or non-finite interval', () => {
    const { queue } = setup();
    expect(() => queue.play(-1)).toThrow(RangeError);
    expect(() => queue.play(Number.NaN)).toThrow(RangeError);
    expect(queue.playing).toBe(false);
  });
});

describe('SignalQueue: clear', () => {
  it('drops everything without delivering, pauses, and returns what it dropped', () => {
    const { queue, scheduler, delivered } = setup();
    [1, 2, 3].forEach((n) => queue.hold(item(n)));
    queue.play(10);
    expect(queue.clear()).toEqual([item(1), item(2), item(3)]);
    expect(queue.size).toBe(0);
    expect(queue.playing).toBe(false);
    expect(scheduler.pending).toBe(0);
    scheduler.advance(1000);
    expect(delivered).toEqual([]);
  });
});

describe('SignalQueue: drop', () => {
  it.each([
    { name: 'the head', held: [1, 2, 3], drop: 'q1', left: ['q2', 'q3'] },
    { name: 'one in the middle', held: [1, 2, 3], drop: 'q2', left: ['q1', 'q3'] },
    { name: 'the tail', held: [1, 2, 3], drop: 'q3', left: ['q1', 'q2'] },
    { name: 'the only item', held: [1], drop: 'q1', left: [] },
  ])('drops $name and nothing else, without delivering it', ({ held, drop, left }) => {
    const { queue, delivered, onChange } = setup();
    held.forEach((n) => queue.hold(item(n)));
    onChange.mockClear();
    expect(queue.drop(drop)).toEqual({ qid: drop });
    expect(queue.held.map((i) => i.qid)).toEqual(left);
    expect(queue.indexOf(drop)).toBe(-1);
    expect(delivered).toEqual([]);
    expect(onChange).toHaveBeenCalledTimes(1);
  });

  it.each([
    { name: 'a qid never held', before: () => {}, qid: 'q9' },
    { name: 'a qid already delivered', before: (q: SignalQueue<Item>) => void q.step(), qid: 'q1' },
    { name: 'a qid already dropped', before: (q: SignalQueue<Item>) => void q.drop('q1'), qid: 'q1' },
  ])('returns undefined and changes nothing for $name', ({ before, qid }) => {
    const { queue, onChange } = setup();
    [1, 2].forEach((n) => queue.hold(item(n)));
    before(queue);
    const held = queue.held;
    onChange.mockClear();
    expect(queue.drop(qid)).toBeUndefined();
    expect(queue.held).toBe(held);
    expect(onChange).not.toHaveBeenCalled();
  });

  it('while playing, dropping the waiting head hands its turn to the next item', () => {
    const { queue, scheduler, delivered } = setup();
    [1, 2, 3].forEach((n) => queue.hold(item(n)));
    queue.play(100);
    scheduler.advance(50);
    queue.drop('q1');
    expect(queue.playing).toBe(true);
    scheduler.advance(50);
    expect(delivered).toEqual(['q2']);
    scheduler.advance(100);
    expect(delivered).toEqual(['q2', 'q3']);
  });

  it('a dropped qid may be held again later (a new message)', () => {
    const { queue } = setup();
    queue.hold(item(1));
    queue.drop('q1');
    expect(() => queue.hold(item(1))).not.toThrow();
    expect(queue.size).toBe(1);
  });
});

describe('SignalQueue: misbehaving callbacks', () => {
  it('a deliver that throws is reported and the queue carries on', () => {
    const { queue, scheduler, onError } = setup({
      deliver: (i) => {
        if (i.qid === 'q1') throw new Error('boom');
        seen.push(i.qid);
      },
    });
    const seen: string[] = [];
    [1, 2, 3].forEach((n) => queue.hold(item(n)));
    expect(queue.step()).toEqual(item(1));
    expect(onError).toHaveBeenCalledWith(new Error('boom'), item(1));
    queue.play(0);
    scheduler.runAll();
    expect(seen).toEqual(['q2', 'q3']);
  });

  it('a throwing onChange or onError cannot break it either', () => {
    const delivered: string[] = [];
    const scheduler = new FakeScheduler();
    const queue = new SignalQueue<Item>({
      deliver: (i) => {
        delivered.push(i.qid);
        throw new Error('deliver');
      },
      onChange: () => {
        throw new Error('change');
      },
      onError: () => {
        throw new Error('error');
      },
      scheduler,
    });
    [1, 2].forEach((n) => queue.hold(item(n)));
    queue.play(0);
    scheduler.runAll();
    expect(delivered).toEqual(['q1', 'q2']);
  });

  it('deliver may hold a reply: it goes to the tail and is played too', () => {
    const { queue, scheduler, delivered } = setup({
      deliver: (i) => {
        delivered.push(i.qid);
        if (i.qid === 'q1') queue.hold(item(10));
      },
    });
    [1, 2].forEach((n) => queue.hold(item(n)));
    queue.play(5);
    scheduler.runAll();
    expect(delivered).toEqual(['q1', 'q2', 'q10']);
    expect(scheduler.pending).toBe(0);
  });

  it('deliver may step again: order is still FIFO', () => {
    const { queue, delivered } = setup({
      deliver: (i) => {
        delivered.push(i.qid);
        if (i.qid === 'q1') queue.step();
      },
    });
    [1, 2, 3].forEach((n) => queue.hold(item(n)));
    queue.step();
    expect(delivered).toEqual(['q1', 'q2']);
    expect(queue.held).toEqual([item(3)]);
  });

  it('deliver may pause: playing stops after that item', () => {
    const { queue, scheduler, delivered } = setup({
      deliver: (i) => {
        delivered.push(i.qid);
        queue.pause();
      },
    });
    [1, 2].forEach((n) => queue.hold(item(n)));
    queue.play(0);
    scheduler.runAll();
    expect(delivered).toEqual(['q1']);
    expect(queue.playing).toBe(false);
  });
});

describe('SignalQueue: real timers', () => {
  it('plays with the default scheduler', async () => {
    const delivered: string[] = [];
    const queue = new SignalQueue<Item>({ deliver: (i) => delivered.push(i.qid) });
    [1, 2, 3].forEach((n) => queue.hold(item(n)));
    queue.play(0);
    expect(delivered).toEqual([]);
    await vi.waitFor(() => expect(delivered).toEqual(['q1', 'q2', 'q3']));
    queue.pause();
  });

  it('accepts the bare globals as a scheduler', async () => {
    const delivered: string[] = [];
    const queue = new SignalQueue<Item>({ deliver: (i) => delivered.push(i.qid), scheduler: { setTimeout, clearTimeout } });
    queue.hold(item(1));
    queue.play(1);
    await vi.waitFor(() => expect(delivered).toEqual(['q1']));
    queue.pause();
  });
});

// ---- model-based property: any interleaving of operations ----

/** `pick` chooses a held item modulo the queue's size, or an unknown qid when -1. */
type Op =
  | { op: 'hold' }
  /** Several arrivals at once (a candidate flurry), so fault actions meet long queues. */
  | { op: 'burst'; count: number }
  | { op: 'step' }
  | { op: 'play'; ms: number }
  | { op: 'pause' }
  | { op: 'tick'; ms: number }
  | { op: 'clear' }
  | { op: 'drop'; pick: number }
  | { op: 'delay'; pick: number }
  | { op: 'duplicate'; pick: number }
  | { op: 'move'; pick: number; by: -1 | 1 }
  | { op: 'replace'; pick: number };

const pickArb = fc.integer({ min: -1, max: 20 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ op: 'hold' as const }) },
  { weight: 1, arbitrary: fc.integer({ min: 2, max: 6 }).map((count) => ({ op: 'burst' as const, count })) },
  { weight: 2, arbitrary: fc.constant({ op: 'step' as const }) },
  { weight: 2, arbitrary: fc.constantFrom(0, 1, 5, 20).map((ms) => ({ op: 'play' as const, ms })) },
  { weight: 1, arbitrary: fc.constant({ op: 'pause' as const }) },
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 40 }).map((ms) => ({ op: 'tick' as const, ms })) },
  { weight: 1, arbitrary: fc.constant({ op: 'clear' as const }) },
  { weight: 2, arbitrary: pickArb.map((pick) => ({ op: 'drop' as const, pick })) },
  { weight: 2, arbitrary: pickArb.map((pick) => ({ op: 'delay' as const, pick })) },
  { weight: 2, arbitrary: pickArb.map((pick) => ({ op: 'duplicate' as const, pick })) },
  { weight: 3, arbitrary: fc.tuple(pickArb, fc.constantFrom<-1 | 1>(-1, 1)).map(([pick, by]) => ({ op: 'move' as const, pick, by })) },
  { weight: 2, arbitrary: pickArb.map((pick) => ({ op: 'replace' as const, pick })) },
);

/** How the recipient behaves on each delivery, chosen per run. */
const behaviourArb = fc.record({
  /** Reply by holding a new item for every n-th delivery (0: never). */
  replyEvery: fc.constantFrom(0, 2, 3),
  /** Throw on every n-th delivery (0: never). */
  throwEvery: fc.constantFrom(0, 2, 5),
  /** Step again from inside deliver on every n-th delivery (0: never). */
  reenterEvery: fc.constantFrom(0, 3, 4),
  /** Drop the newest held item from inside deliver on every n-th delivery (0: never). */
  dropEvery: fc.constantFrom(0, 2, 3),
});

/** Items carry a revision, so a replace is visible in the model. */
interface RevItem extends Item {
  rev: number;
}

describe('SignalQueue: model-based property', () => {
  it('changes only as the reader asked: matches an array model under any interleaving', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 80 }), behaviourArb, (ops, behaviour) => {
        const scheduler = new FakeScheduler();
        let created = 0;
        /** The model: what should be held, head first. */
        let model: RevItem[] = [];
        const delivered: string[] = [];
        const dropped = new Set<string>();
        let playing = false;
        let depth = 0;

        const fresh = (): RevItem => ({ qid: `q${++created}`, rev: 0 });
        const holdNew = () => {
          const it = fresh();
          model.push(it);
          queue.hold(it);
        };
        const queue: SignalQueue<RevItem> = new SignalQueue<RevItem>({
          scheduler,
          deliver: (i) => {
            // Only ever the model's head, exactly once.
            expect(i).toBe(model[0]);
            model.shift();
            delivered.push(i.qid);
            const n = delivered.length;
            if (behaviour.replyEvery && n % behaviour.replyEvery === 0) holdNew();
            if (behaviour.reenterEvery && n % behaviour.reenterEvery === 0 && depth < 2) {
              depth += 1;
              queue.step();
              depth -= 1;
            }
            if (behaviour.dropEvery && n % behaviour.dropEvery === 0) {
              const last = queue.held.at(-1);
              if (last) {
                expect(queue.drop(last.qid)).toBe(last);
                model = model.filter((m) => m !== last);
                dropped.add(last.qid);
              }
            }
            if (behaviour.throwEvery && n % behaviour.throwEvery === 0) throw new Error('recipient failed');
          },
        });

        const check = () => {
          expect(queue.held).toEqual(model);
          expect(queue.size).toBe(model.length);
          expect(new Set(delivered).size).toBe(delivered.length);
          for (const q of delivered) expect(dropped.has(q)).toBe(false);
          expect(queue.playing).toBe(playing);
          // At most one timer, and none unless playing.
          expect(scheduler.pending).toBeLessThanOrEqual(playing ? 1 : 0);
        };
        /** The held item an op points at, or undefined for an unknown qid. */
        const target = (pick: number) => (pick === -1 || model.length === 0 ? undefined : model[pick % model.length]!);

        for (const op of ops) {
          const before = delivered.length;
          const heldBefore = queue.held;
          /** Set by the fault actions: true when the queue reported nothing changed. */
          let noop = false;
          switch (op.op) {
            case 'hold':
              holdNew();
              break;
            case 'burst':
              for (let k = 0; k < op.count; k++) holdNew();
              break;
            case 'step': {
              const head = model[0];
              expect(queue.step()).toBe(head);
              if (head) expect(delivered[before]).toBe(head.qid);
              break;
            }
            case 'play':
              queue.play(op.ms);
              playing = true;
              // play itself is asynchronous: nothing moves until a tick.
              expect(delivered.length).toBe(before);
              break;
            case 'pause':
              queue.pause();
              playing = false;
              break;
            case 'tick':
              scheduler.advance(op.ms);
              if (!playing) expect(delivered.length).toBe(before);
              break;
            case 'clear':
              expect(queue.clear()).toEqual(model);
              for (const i of model) dropped.add(i.qid);
              model = [];
              playing = false;
              break;
            case 'drop': {
              const t = target(op.pick);
              expect(queue.drop(t?.qid ?? 'never-held')).toBe(t);
              noop = !t;
              if (t) {
                model = model.filter((m) => m !== t);
                dropped.add(t.qid);
                expect(queue.drop(t.qid)).toBeUndefined();
              }
              break;
            }
            case 'delay': {
              const t = target(op.pick);
              const result = queue.delay(t?.qid ?? 'never-held');
              noop = !result.ok;
              if (!t) expect(result).toEqual({ ok: false, reason: 'not-held' });
              else if (model.at(-1) === t) expect(result).toEqual({ ok: false, reason: 'at-edge' });
              else {
                const from = model.indexOf(t);
                model = [...model.filter((m) => m !== t), t];
                expect(result).toEqual({ ok: true, item: t, from, to: model.length - 1 });
              }
              break;
            }
            case 'duplicate': {
              const t = target(op.pick);
              const twin = { qid: `q${created + 1}`, rev: t?.rev ?? 0 };
              const result = queue.duplicate(t?.qid ?? 'never-held', (i) => {
                expect(i).toBe(t);
                created += 1;
                return twin;
              });
              noop = !result.ok;
              if (!t) expect(result).toEqual({ ok: false, reason: 'not-held' });
              else {
                const from = model.indexOf(t);
                model.splice(from + 1, 0, twin);
                expect(result).toEqual({ ok: true, item: twin, from, to: from + 1 });
              }
              break;
            }
            case 'move': {
              const t = target(op.pick);
              const result = queue.move(t?.qid ?? 'never-held', op.by);
              const from = t ? model.indexOf(t) : -1;
              const to = from + op.by;
              noop = !result.ok;
              if (!t) expect(result).toEqual({ ok: false, reason: 'not-held' });
              else if (to < 0 || to >= model.length) expect(result).toEqual({ ok: false, reason: 'at-edge' });
              else {
                [model[from], model[to]] = [model[to]!, model[from]!];
                expect(result).toEqual({ ok: true, item: t, from, to });
              }
              break;
            }
            case 'replace': {
              const t = target(op.pick);
              const next = { qid: t?.qid ?? 'never-held', rev: (t?.rev ?? 0) + 1 };
              const result = queue.replace(next.qid, next);
              noop = !result.ok;
              if (!t) expect(result).toEqual({ ok: false, reason: 'not-held' });
              else {
                const from = model.indexOf(t);
                model[from] = next;
                expect(result).toEqual({ ok: true, item: next, from, to: from });
              }
              break;
            }
          }
          // Fault actions are never deliveries.
          const fault = ['drop', 'delay', 'duplicate', 'move', 'replace'].includes(op.op);
          if (fault) expect(delivered.length).toBe(before);
          // A no-op (unknown qid, nowhere to move) leaves the very same snapshot: no change at all.
          if (fault) expect(queue.held === heldBefore).toBe(noop);
          check();
        }

        // Liveness: playing drains the queue.
        queue.play(0);
        playing = true;
        scheduler.runAll();
        check();
        expect(queue.size).toBe(0);
        expect(delivered.length + dropped.size).toBe(created);
      }),
      { numRuns: 300 },
    );
  });

  it('with a steady pace, timer deliveries are at least one interval apart', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 3 })), { maxLength: 30 }),
        (interval, arrivals) => {
          const scheduler = new FakeScheduler();
          const times: number[] = [];
          const queue = new SignalQueue<Item>({ scheduler, deliver: () => times.push(scheduler.now) });
          let n = 0;
          queue.play(interval);
          for (const [wait, count] of arrivals) {
            scheduler.advance(wait);
            for (let k = 0; k < count; k++) queue.hold(item(++n));
          }
          scheduler.runAll();
          expect(times.length).toBe(n);
          for (let k = 1; k < times.length; k++) expect(times[k]! - times[k - 1]!).toBeGreaterThanOrEqual(interval);
        },
      ),
    );
  });
});
