import { Semaphore } from '../../core/semaphore';

/** A job that holds its slot until released by hand, recording when it got one. */
function holder(semaphore: Semaphore, name: string, started: string[], priority?: number) {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const done = semaphore.use(async () => {
    started.push(name);
    await held;
  }, priority);
  return { release, done };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('Semaphore', () => {
  it('never lets more than its capacity in', async () => {
    const started: string[] = [];
    const s = new Semaphore(2);
    const jobs = ['a', 'b', 'c', 'd'].map((name) => holder(s, name, started));
    await settle();
    expect(started).toEqual(['a', 'b']);
    expect(s.inUse).toBe(2);
    jobs[0].release();
    await settle();
    expect(started).toEqual(['a', 'b', 'c']);
    jobs.slice(1).forEach((j) => j.release());
    await Promise.all(jobs.map((j) => j.done));
    expect(started).toEqual(['a', 'b', 'c', 'd']);
    expect(s.inUse).toBe(0);
  });

  it('serves waiters by priority, lower first, and in arrival order within a priority', async () => {
    const started: string[] = [];
    const s = new Semaphore(1);
    const first = holder(s, 'first', started);
    const quick = (name: string, priority: number) => s.use(async () => void started.push(name), priority);
    const waiting = [quick('test-1', 1), quick('train-1', 0), quick('test-2', 1), quick('train-2', 0)];
    await settle();
    expect(started).toEqual(['first']);
    first.release();
    await Promise.all([first.done, ...waiting]);
    expect(started).toEqual(['first', 'train-1', 'train-2', 'test-1', 'test-2']);
  });

  it('releases the slot when the work throws', async () => {
    const s = new Semaphore(1);
    await expect(s.use(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(s.inUse).toBe(0);
    await expect(s.use(async () => 7)).resolves.toBe(7);
  });

  it('refuses a capacity below 1', () => {
    expect(() => new Semaphore(0)).toThrow('semaphore capacity must be at least 1, got 0');
  });
});
