export { Queue } from "./queue.js";
export type { QueueOptions } from "./queue.js";
export { PriorityQueue } from "./priority-queue.js";
export type { PriorityQueueOptions } from "./priority-queue.js";
export { LifoQueue } from "./lifo-queue.js";
