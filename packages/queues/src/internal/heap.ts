/**
 * A binary min-heap on a plain array with a comparator: heappush and heappop.
 * Mirrors CPython 3.13 Lib/heapq.py (heappush, heappop, _siftdown, _siftup).
 *
 * Ported rather than taken from a library (tinyqueue) so that the array layout, and with it the
 * order of equal items and the `_queue=[…]` repr, match Python's heapq exactly.
 */

/** A comparator: negative when `a` sorts before `b`. */
export type Compare<T> = (a: T, b: T) => number;

/** Pushes `item`, keeping the heap invariant (Python's `heappush`). */
export function heapPush<T>(heap: T[], item: T, compare: Compare<T>): void {
  heap.push(item);
  siftDown(heap, 0, heap.length - 1, compare);
}

/** Pops the smallest item (Python's `heappop`); the heap must not be empty. */
export function heapPop<T>(heap: T[], compare: Compare<T>): T {
  const last = heap.pop() as T;
  if (heap.length === 0) return last;
  const smallest = heap[0] as T;
  heap[0] = last;
  siftUp(heap, 0, compare);
  return smallest;
}

/** Python's `_siftdown`: moves the item at `pos` up towards `startpos`. */
function siftDown<T>(heap: T[], startpos: number, pos: number, compare: Compare<T>): void {
  const item = heap[pos] as T;
  while (pos > startpos) {
    const parentpos = (pos - 1) >> 1;
    const parent = heap[parentpos] as T;
    if (compare(item, parent) < 0) {
      heap[pos] = parent;
      pos = parentpos;
      continue;
    }
    break;
  }
  heap[pos] = item;
}

/** Python's `_siftup`: bubbles the smaller child up to the leaves, then sifts `item` down into place. */
function siftUp<T>(heap: T[], pos: number, compare: Compare<T>): void {
  const endpos = heap.length;
  const startpos = pos;
  const item = heap[pos] as T;
  let childpos = 2 * pos + 1;
  while (childpos < endpos) {
    const rightpos = childpos + 1;
    if (rightpos < endpos && !(compare(heap[childpos] as T, heap[rightpos] as T) < 0)) childpos = rightpos;
    heap[pos] = heap[childpos] as T;
    pos = childpos;
    childpos = 2 * pos + 1;
  }
  heap[pos] = item;
  siftDown(heap, startpos, pos, compare);
}
