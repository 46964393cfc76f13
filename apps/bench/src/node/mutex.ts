/** The raw Node floor of a FIFO mutex: a flag and a queue of resolvers; release hands the lock to the first waiter. */
export class Mutex {
  #locked = false;
  readonly #waiters: (() => void)[] = [];
  #head = 0;

  locked(): boolean {
    return this.#locked;
  }

  async acquire(): Promise<void> {
    if (!this.#locked) {
      this.#locked = true;
      return;
    }
    await new Promise<void>((resolve) => this.#waiters.push(resolve));
  }

  release(): void {
    if (this.#head < this.#waiters.length) {
      const next = this.#waiters[this.#head] as () => void;
      this.#head++;
      if (this.#head > 1024) {
        this.#waiters.splice(0, this.#head);
        this.#head = 0;
      }
      next(); // ownership passes directly to the first waiter, so #locked stays true
    } else {
      this.#locked = false;
    }
  }
}
