import type { EventContract } from "../../platform/contracts/index.ts";
import { JobDead, JobFailed, JobSucceeded } from "./job-events.ts";

export * from "./job-events.ts";

export const jobEvents: EventContract[] = [JobSucceeded, JobFailed, JobDead];
