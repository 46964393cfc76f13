/**
 * _Deque: a FIFO of waiters or items, an array plus a head index. Mirrors the part of Python's
 * `collections.deque` that asyncio's locks.py and queues.py use (append, popleft, remove, len, [i]).
 *
 * `Array.prototype.shift` moves every element on long arrays; here `shift` only clears a slot and
 * advances `_head`, and the dead prefix is dropped when it is more than half of the array (or at
 * once when the deque empties). `remove` is O(1) at the head, which is where woken and cancelled
 * waiters usually leave from, and O(n) elsewhere, like Python's deque.remove. Shared with
 * @aio/queues (which depends on this package) instead of being copied there.
 */

/** Dead slots tolerated before the array is compacted. */
const COMPACT_MIN = 1024;

/**
 * A double-ended queue used by @aio/sync and @aio/queues for waiters and items. @internal
 */
export class _Deque<T> implements Iterable<T> {
  /** Live items are `_items[_head..]`; slots before `_head` are undefined. @internal */
  _items: (T | undefined)[] = [];
  /** @internal */
  _head = 0;

  /** Number of items (Python's `len(deque)`). */
  get length(): number {
    return this._items.length - this._head;
  }

  /** Appends at the right end (Python's `append`). */
  push(item: T): void {
    this._items.push(item);
  }

  /** Removes and returns the leftmost item, or undefined when empty (Python's `popleft`). */
  shift(): T | undefined {
    const items = this._items;
    const head = this._head;
    if (head >= items.length) return undefined;
    const item = items[head];
    items[head] = undefined;
    this._advance(head + 1);
    return item;
  }

  /** Removes and returns the rightmost item, or undefined when empty (Python's `pop`). */
  pop(): T | undefined {
    if (this._head >= this._items.length) return undefined;
    const item = this._items.pop();
    if (this._head === this._items.length) this._reset();
    return item;
  }

  /** The item at `index` from the left (negative counts from the right), or undefined. */
  at(index: number): T | undefined {
    const length = this.length;
    const offset = index < 0 ? length + index : index;
    if (offset < 0 || offset >= length) return undefined;
    return this._items[this._head + offset];
  }

  /**
   * Removes the first occurrence of `item`; false when it is absent (where Python's
   * `deque.remove` raises ValueError, which asyncio catches and ignores).
   */
  remove(item: T): boolean {
    const items = this._items;
    const head = this._head;
    if (head < items.length && items[head] === item) {
      items[head] = undefined;
      this._advance(head + 1);
      return true;
    }
    const index = items.indexOf(item, head);
    if (index < 0) return false;
    if (index === items.length - 1) items.pop();
    else items.splice(index, 1);
    return true;
  }

  /** Removes every item. */
  clear(): void {
    this._reset();
  }

  /** The items from left to right, as a new array. */
  toArray(): T[] {
    return this._items.slice(this._head) as T[];
  }

  *[Symbol.iterator](): Iterator<T> {
    const items = this._items;
    for (let i = this._head; i < items.length; i++) yield items[i] as T;
  }

  /** @internal */
  _advance(head: number): void {
    const items = this._items;
    if (head === items.length) {
      this._reset();
    } else if (head >= COMPACT_MIN && head * 2 >= items.length) {
      items.copyWithin(0, head);
      items.length -= head;
      this._head = 0;
    } else {
      this._head = head;
    }
  }

  /** @internal */
  _reset(): void {
    this._items.length = 0;
    this._head = 0;
  }
}
