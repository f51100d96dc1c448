/**
 * A counting semaphore: at most `capacity` holders at once. Waiters are served by priority (lower
 * first), first come first served within a priority; deterministic, so workflows may use it.
 */
export class Semaphore {
  private active = 0;
  private readonly waiting: Array<{ priority: number; wake: () => void }> = [];

  constructor(readonly capacity: number) {
    if (!(capacity >= 1)) throw new Error(`semaphore capacity must be at least 1, got ${capacity}`);
  }

  async use<T>(work: () => Promise<T>, priority = 0): Promise<T> {
    if (this.active >= this.capacity) await this.wait(priority);
    else this.active++;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next)
        next.wake(); // hand the slot over directly
      else this.active--;
    }
  }

  get inUse(): number {
    return this.active;
  }

  private wait(priority: number): Promise<void> {
    return new Promise<void>((wake) => {
      const at = this.waiting.findIndex((w) => w.priority > priority);
      this.waiting.splice(at < 0 ? this.waiting.length : at, 0, { priority, wake });
    });
  }
}
