import { describe, expect, it } from 'vitest';
import type { DiagramRow } from '../trace/selectors';
import { toLadder } from './ladder';

const LANES = ['alice', 'broker', 'bob'];
let n = 0;
function row(from: string, to: string, label: string, status: string): DiagramRow {
  n += 1;
  return { n, eventIndex: n, from, to, label, status: status as DiagramRow['status'], retained: false, will: false };
}

describe('toLadder', () => {
  it('draws each status as its own arrow, in both directions, with notes', () => {
    n = 0;
    const rows = [
      row('alice', 'broker', 'status: alice online (retained)', 'sent'),
      row('broker', 'bob', 'status: alice online (retained)', 'delivered'),
      row('broker', 'bob', 'offer', 'pending'),
      row('bob', 'broker', 'answer', 'sent'),
      row('broker', 'alice', 'rejected: not JSON', 'rejected'),
      row('bob', 'bob', 'plug pulled', 'note'),
    ];
    const lines = toLadder(rows, LANES).split('\n');
    expect(lines).toEqual([
      ' #  alice                    broker                   bob',
      ' 1  |----------------------->|                        |  status: alice online (retained)',
      ' 2  |                        |----------------------->|  status: alice online (retained)',
      ' 3  |                        |.......................>|  offer  [held]',
      ' 4  |                        |<-----------------------|  answer',
      ' 5  |x-----------------------|                        |  rejected: not JSON  [rejected]',
      ' 6  |                        |                        * plug pulled',
      '',
    ]);
  });

  it('an arrow across the broker spans both gaps; lane lines stay aligned', () => {
    n = 0;
    const text = toLadder([row('alice', 'bob', 'chat', 'sent')], LANES);
    const line = text.split('\n')[1]!;
    const header = text.split('\n')[0]!;
    expect(line.indexOf('>|')).toBe(header.indexOf('bob') - 1);
  });

  it('control characters in labels cannot break a line', () => {
    n = 0;
    const text = toLadder([row('alice', 'broker', 'evil\nlabel\r\u2028x', 'sent')], LANES);
    expect(text.split('\n')).toHaveLength(3);
  });
});

describe('toLadder, peer to peer', () => {
  it('draws a row past the broker as a double line, in either direction', () => {
    n = 0;
    const lines = toLadder([row('alice', 'bob', 'data channel: hi', 'p2p'), row('bob', 'alice', 'DTLS connected', 'p2p')], LANES).split('\n');
    expect(lines.slice(1, 3)).toEqual([
      ` 1  |${'='.repeat(48)}>|  data channel: hi  [peer to peer]`,
      ` 2  |<${'='.repeat(48)}|  DTLS connected  [peer to peer]`,
    ]);
  });
});
