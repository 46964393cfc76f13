/**
 * Process signal handlers of one loop. Mirrors CPython 3.13 asyncio/unix_events.py
 * (add_signal_handler, remove_signal_handler, _check_signal, _handle_signal).
 *
 * Python installs a C-level handler that wakes the selector; Node delivers signals as process
 * events, so a listener puts the handle on the ready queue and wakes the loop.
 */
import { constants } from "node:os";
import { RuntimeError } from "@aio/core";
import type { Handle } from "../handles.js";

const SIGNALS = constants.signals as Readonly<Record<string, number>>;
const NAMES = new Map<number, string>(Object.entries(SIGNALS).map(([name, number]) => [number, name]));
const UNCATCHABLE = new Set([SIGNALS.SIGKILL, SIGNALS.SIGSTOP]);

interface Entry {
  handle: Handle;
  listener: () => void;
}

/** The signal table of one loop. */
export class SignalHandlers {
  private readonly entries = new Map<number, Entry>();

  /**
   * The signal's number.
   * @throws TypeError if not a number or name; RangeError if unknown (Python: "invalid signal number").
   */
  validate(sig: number | string): number {
    if (typeof sig === "string") {
      const number = SIGNALS[sig];
      if (number === undefined) throw new RangeError(`invalid signal name ${sig}`);
      return number;
    }
    if (typeof sig !== "number" || !Number.isInteger(sig)) {
      throw new TypeError(`sig must be an int, not ${String(sig)}`);
    }
    if (!NAMES.has(sig)) throw new RangeError(`invalid signal number ${sig}`);
    return sig;
  }

  /** @throws RuntimeError "sig N cannot be caught" for SIGKILL and SIGSTOP. */
  add(sig: number, handle: Handle, deliver: (handle: Handle) => void): void {
    if (UNCATCHABLE.has(sig)) throw new RuntimeError(`sig ${sig} cannot be caught`);
    const name = NAMES.get(sig) as NodeJS.Signals;
    this.remove(sig);
    const listener = (): void => {
      const entry = this.entries.get(sig);
      if (entry === undefined) return;
      if (entry.handle.cancelled()) this.remove(sig);
      else deliver(entry.handle);
    };
    try {
      process.on(name, listener);
    } catch (error) {
      throw new RuntimeError(`sig ${sig} cannot be caught`, { cause: error });
    }
    this.entries.set(sig, { handle, listener });
  }

  /** True while a handler is registered for `sig`. */
  has(sig: number): boolean {
    return this.entries.has(sig);
  }

  remove(sig: number): boolean {
    const entry = this.entries.get(sig);
    if (entry === undefined) return false;
    this.entries.delete(sig);
    process.removeListener(NAMES.get(sig) as NodeJS.Signals, entry.listener);
    return true;
  }

  removeAll(): void {
    for (const sig of [...this.entries.keys()]) this.remove(sig);
  }
}
