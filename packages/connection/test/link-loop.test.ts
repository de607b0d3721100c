import { TestScheduler } from 'rxjs/testing';
import type { RetryNotice } from '@rx8583/connection';
import { reconnectingLink } from '../src/pool/link-loop';

const newScheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
const refused = new Error('ECONNREFUSED');
const schedule = { initial: 10, max: 40, jitter: 0 };

describe('a pool slot redials on the backoff schedule', () => {
  it('waits initial, doubles, caps at max, and never gives up', () => {
    newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const dial = cold('-#', undefined, refused);
      const link = reconnectingLink(() => dial, { ...schedule, onRetry: () => undefined });
      expectObservable(link, '^ 200ms !').toBe('');
      // fails at 1 → 11, 12 → 32, 33 → 73, 74 → 114, 115 → 155, 156 → 196
      expectSubscriptions(dial.subscriptions).toBe([
        '^!',
        '11ms ^!',
        '32ms ^!',
        '73ms ^!',
        '114ms ^!',
        '155ms ^!',
        '196ms ^!',
      ]);
    });
  });

  it('starts again from initial after a link was up, whether the peer or the application closed it', () => {
    newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const refusedDial = cold('-#', undefined, refused);
      const droppedByPeer = cold('-c--#', { c: 'link' }, refused);
      const closedLocally = cold('-c--|', { c: 'link' });
      const script = [refusedDial, refusedDial, droppedByPeer, closedLocally, refusedDial];
      let dials = 0;
      const link = reconnectingLink(() => script[Math.min(dials++, script.length - 1)]!, {
        ...schedule,
        onRetry: () => undefined,
      });
      // refused at 1 → 11; refused at 12 → 32; up at 33, dropped at 36 → 46 (initial again);
      // up at 47, closed locally at 50 → 60 (initial again); refused at 61 → second attempt, 81.
      expectObservable(link, '^ 75ms !').toBe('33ms c 13ms c', { c: 'link' });
      expectSubscriptions(droppedByPeer.subscriptions).toBe('32ms ^---!');
      expectSubscriptions(closedLocally.subscriptions).toBe('46ms ^---!');
      expectSubscriptions(refusedDial.subscriptions).toBe(['^!', '11ms ^!', '60ms ^!']);
    });
  });

  it('reports each failure with its attempt and wait, jitter within bounds', () => {
    const notices: RetryNotice[] = [];
    newScheduler().run(({ cold, expectObservable }) => {
      const dial = cold('#', undefined, refused);
      const config = {
        initial: 100,
        max: 400,
        jitter: 0.25,
        random: () => 0.999,
        onRetry: (n: RetryNotice) => notices.push(n),
      };
      expectObservable(
        reconnectingLink(() => dial, config),
        '^ 1000ms !',
      ).toBe('');
    });
    expect(notices.slice(0, 4)).toEqual([
      { attempt: 1, delay: 125, error: refused },
      { attempt: 2, delay: 250, error: refused },
      { attempt: 3, delay: 500, error: refused },
      { attempt: 4, delay: 500, error: refused },
    ]);
  });

  it('keeps trying when the dial itself throws (an options factory that failed)', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const up = cold('c', { c: 'link' });
      let dials = 0;
      const link = reconnectingLink(
        () => {
          if (++dials < 3) throw new Error('vault unreachable');
          return up;
        },
        { ...schedule, onRetry: () => undefined },
      );
      expectObservable(link, '^ 40ms !').toBe('30ms c', { c: 'link' });
    });
  });
});
