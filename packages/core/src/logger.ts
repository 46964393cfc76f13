/**
 * The "asyncio" logger: where the default exception handler and debug mode write.
 * Mirrors CPython 3.13 asyncio/log.py (logger = logging.getLogger("asyncio")).
 *
 * Replace the sink with `setLogger` to capture or silence output (tests do).
 */

/** The subset of Python's `logging.Logger` that asyncio uses. */
export interface Logger {
  debug(message: string, error?: unknown): void;
  info(message: string, error?: unknown): void;
  warning(message: string, error?: unknown): void;
  error(message: string, error?: unknown): void;
}

function format(message: string, error: unknown): string {
  if (error === undefined) return message;
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a non-Error detail prints as itself, like Python's %s.
  const detail = error instanceof Error ? (error.stack ?? String(error)) : String(error);
  return `${message}\n${detail}`;
}

/**
 * Writes warnings and errors to stderr and drops debug and info, as Python's logging does with no
 * configuration (the lastResort handler, level WARNING). `setLogger` a sink to see the rest.
 */
export const consoleLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warning: (message, error) => console.warn(format(message, error)),
  error: (message, error) => console.error(format(message, error)),
};

let current: Logger = consoleLogger;

/** The logger asyncio writes to. */
export const logger: Logger = {
  debug: (message, error) => current.debug(message, error),
  info: (message, error) => current.info(message, error),
  warning: (message, error) => current.warning(message, error),
  error: (message, error) => current.error(message, error),
};

/** Routes asyncio's log output to `sink` (or back to the console with null); returns the previous sink. */
export function setLogger(sink: Logger | null): Logger {
  const previous = current;
  current = sink ?? consoleLogger;
  return previous;
}
