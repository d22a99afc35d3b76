import { describe, expect, it } from 'vitest';
import { stopSignals } from '../../src/cli/interrupt.js';

describe('stopSignals', () => {
  it('counts signals that arrive before anyone waits, and leaves no handler after dispose', async () => {
    const before = [process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')];
    const s = stopSignals();
    // Two signals before JavaScript asks: neither is lost.
    process.emit('SIGTERM', 'SIGTERM');
    process.emit('SIGINT', 'SIGINT');
    await s.next();
    await s.next();
    let third = false;
    const waiting = s.next().then(() => (third = true));
    await Promise.resolve();
    expect(third).toBe(false);
    process.emit('SIGINT', 'SIGINT');
    await waiting;
    expect(third).toBe(true);
    // One handler throughout: never a moment when a signal would meet node's default action.
    expect(process.listenerCount('SIGINT')).toBe(before[0]! + 1);
    s.dispose();
    expect([process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')]).toEqual(before);
  });
});
