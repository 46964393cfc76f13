/**
 * Helpers for the waiting paths: scans over a deque of waiter futures, written as index loops (no
 * iterator objects on hot paths), and shared settled promises for the fast paths.
 * Mirrors the generator expressions of CPython 3.13 asyncio/locks.py (`all(w.cancelled() …)`).
 */

/** The slice of `_Deque` these scans read. */
interface WaiterSlots {
  readonly _items: readonly unknown[];
  readonly _head: number;
}

/** True when every waiter was cancelled (vacuously true when there are none). */
export function allCancelled(waiters: WaiterSlots): boolean {
  const items = waiters._items;
  for (let i = waiters._head; i < items.length; i++) {
    if (!(items[i] as { cancelled(): boolean }).cancelled()) return false;
  }
  return true;
}

/** Shared settled promises for the synchronous fast paths: returning one allocates nothing. */
export const RESOLVED_TRUE: Promise<true> = Promise.resolve(true);
export const RESOLVED_VOID: Promise<void> = Promise.resolve();

/** Maps any settled value to undefined (`aenter` of a lock resolves to nothing, like Python's None). */
export function toVoid(): void {
  return undefined;
}
