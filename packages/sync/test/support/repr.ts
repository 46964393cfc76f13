/** CPython test_locks.py STR_RGX_REPR, without the "object at 0x…" part (JavaScript has no id()). */
export const RGX_REPR =
  /^<(?<class>\w+) \[(?<extras>(set|unset|locked|unlocked|filling|draining|resetting|broken)(, value:\d)?(, waiters:\d+)?(, waiters:\d+\/\d+)?)\]>$/;
