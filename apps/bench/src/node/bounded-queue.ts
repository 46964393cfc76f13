/** The raw Node floor of a bounded FIFO queue: an array plus FIFO lists of waiting resolvers, no task or future objects. */
export class BoundedQueue<T> {
  readonly #items: T[] = [];
  #head = 0;
  readonly #getters: ((item: T) => void)[] = [];
  readonly #putters: (() => void)[] = [];
  readonly #maxsize: number;

  constructor(maxsize: number) {
    this.#maxsize = maxsize;
  }

  size(): number {
    return this.#items.length - this.#head;
  }

  async put(item: T): Promise<void> {
    while (this.size() >= this.#maxsize) {
      await new Promise<void>((resolve) => this.#putters.push(resolve));
    }
    const getter = this.#getters.shift();
    if (getter === undefined) {
      this.#items.push(item);
    } else {
      getter(item);
    }
  }

  async get(): Promise<T> {
    if (this.size() === 0) {
      return new Promise<T>((resolve) => this.#getters.push(resolve));
    }
    const item = this.#items[this.#head] as T;
    this.#head++;
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items.splice(0, this.#head);
      this.#head = 0;
    }
    this.#putters.shift()?.();
    return item;
  }
}
