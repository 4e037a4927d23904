export { drainHttpServer } from "./drain.ts";
