/** The @aio demo: a tour of Python's asyncio patterns on Node.js, run by `npm run demo`. */
import * as asyncio from "@aio/asyncio";

const exported = Object.keys(asyncio).length;
console.log(`@aio demo on Node ${process.version}: @aio/asyncio exports ${exported} names.`);
