/**
 * What the differential suites have in common (methods, not function properties, so that a suite
 * of any program type is a `DifferentialSuite<unknown>`): a suite generates a program from a seed, prints it
 * as a Python function `<name>(log)`, and runs it on @aio. `pythonModule` makes the one Python file
 * that runs many programs and prints `{seed: trace}` as JSON (scripts/record-differential.ts);
 * differential.test.ts replays every stored trace on @aio. The support files import each other
 * with `.ts` extensions because Node runs the recorder script without a build.
 */
export interface DifferentialSuite<P> {
  /** The fixture file under test/fixtures. */
  readonly fixture: string;
  generate(seed: number): P;
  /** Python helpers the programs use (after the shared imports and `class Boom`). */
  readonly pythonHelpers: readonly string[];
  /** The program as a Python function taking `log` (a list's `append`). */
  toPython(program: P): string;
  /** The Python statement that runs program `seed` with `log.append`. */
  pythonCall(seed: number): string;
  runOnAio(program: P): Promise<string[]>;
}

export function pythonModule<P>(suite: DifferentialSuite<P>, seeds: readonly number[]): string {
  return [
    "import asyncio, contextvars, json, re",
    "",
    "class Boom(Exception):",
    "    pass",
    "",
    ...suite.pythonHelpers,
    "",
    ...seeds.map((seed) => suite.toPython(suite.generate(seed))),
    "out = {}",
    ...seeds.map((seed) => `log = []\n${suite.pythonCall(seed)}\nout[${seed}] = log`),
    "print(json.dumps(out))",
    "",
  ].join("\n");
}
