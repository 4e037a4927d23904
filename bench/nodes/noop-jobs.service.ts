import { z } from "zod";
import { JobsMixin } from "../../mixins/jobs.mixin.ts";
import type { PlatformServiceSchema } from "../../mixins/platform.mixin.ts";
import { defineJob } from "../../platform/jobs/index.ts";

/** Called with each job's sequence number when its handler starts; the jobs bench sets it. */
export const noopStarted: { hook: (seq: number) => void } = { hook: () => undefined };

/** The jobs benchmark's node: one no-op job, run through the whole job layer. */
export default {
	name: "benchjobs",
	mixins: [
		JobsMixin([
			defineJob({
				name: "benchjobs.noop",
				description: "Does nothing but say it started.",
				payload: z.strictObject({ seq: z.number().int() }),
				async handler({ seq }) {
					noopStarted.hook(seq);
				},
			}),
		]),
	],
} satisfies PlatformServiceSchema;
