export { readmeExample, runExample } from "./readme-example.js";
export { appRunner, startApp } from "./app-process.js";
export type { AppProcess } from "./app-process.js";
export { globalLoopStandIn } from "./global-loop.js";
export { seededRandom } from "./seeded-random.js";
export { pyBytes } from "./py-bytes.js";
