/** This app's built entry points, run as child processes (helpers in @aio-tools/test-support). */
import { appRunner } from "@aio-tools/test-support";

export type { AppProcess } from "@aio-tools/test-support";
export const { startApp } = appRunner(new URL("../../dist/", import.meta.url));
