/** PIPE, STDOUT and DEVNULL: what a child's stdin/stdout/stderr connect to. Mirrors CPython 3.13 subprocess constants. */

/** Connect the stream to a pipe the parent reads or writes. */
export const PIPE = -1 as const;
/** Send the child's stderr to the same place as its stdout (stderr only). */
export const STDOUT = -2 as const;
/** Connect the stream to /dev/null. */
export const DEVNULL = -3 as const;
