/** The raw Node counterpart of `await sleep(0)`: resume on the next event-loop turn, via setImmediate. */
export function yieldOnce(): Promise<void> {
  return new Promise<void>((resolve) => {
    setImmediate(resolve);
  });
}
