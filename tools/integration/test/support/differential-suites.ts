/** The differential suites by the name `scripts/record-differential.ts` takes. */
import { tasksSuite } from "./differential.ts";
import type { DifferentialSuite } from "./differential-suite.ts";
import { loopSuite } from "./loop-differential.ts";
import { readerSuite } from "./reader-differential.ts";

export const SUITES: Readonly<Record<string, DifferentialSuite<unknown>>> = { tasks: tasksSuite, reader: readerSuite, loop: loopSuite };
