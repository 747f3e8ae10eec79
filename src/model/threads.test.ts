/** withBlasThreads: the pool has the asked size inside the phase and the old one after, also on a throw. */
import { describe, expect, it } from 'vitest';
import { engine } from '../engine/torch.ts';
import { withBlasThreads } from './threads.ts';

describe('withBlasThreads', () => {
  it('sets OpenBLAS threads for the work only', async () => {
    engine.setThreads(2, 2);
    if (engine.blasThreads() < 0) return; // libtorch without OpenBLAS: nothing to set
    expect(await withBlasThreads(1, async () => [engine.blasThreads(), engine.threads()])).toEqual([1, 2]);
    expect(engine.blasThreads()).toBe(2);
    await expect(withBlasThreads(1, async () => { throw new Error('phase failed'); })).rejects.toThrow('phase failed');
    expect(engine.blasThreads()).toBe(2);
    expect(await withBlasThreads(null, async () => engine.blasThreads())).toBe(2);
    engine.setThreads(1);
  });
});
