import { Counter, Gauge, Histogram, type Registry } from "prom-client";

/** Run times of jobs, from a no-op to a slow webhook receiver. */
const DURATION_BUCKETS = [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300];

export type QueueDepth = { job: string; queued: number; active: number; dead: number };

/** The job layer's metrics; the depths are read from the queue when /metrics is scraped. */
export function createJobMetrics(registry: Registry, depths: () => Promise<QueueDepth[]>) {
	return {
		attempts: new Counter({
			name: "platform_job_attempts_total",
			help: "Job attempts finished on this node, by job and outcome (succeeded, failed, dead).",
			labelNames: ["job", "outcome"] as const,
			registers: [registry],
		}),
		duration: new Histogram({
			name: "platform_job_duration_seconds",
			help: "Run time of job attempts on this node, by job and outcome.",
			labelNames: ["job", "outcome"] as const,
			buckets: DURATION_BUCKETS,
			registers: [registry],
		}),
		depth: new Gauge({
			name: "platform_job_queue_depth",
			help: "Jobs of the queues this node works, by state: queued (waiting or scheduled), active, dead.",
			labelNames: ["job", "state"] as const,
			registers: [registry],
			async collect() {
				for (const d of await depths().catch(() => [])) {
					this.set({ job: d.job, state: "queued" }, d.queued);
					this.set({ job: d.job, state: "active" }, d.active);
					this.set({ job: d.job, state: "dead" }, d.dead);
				}
			},
		}),
	};
}

export type JobMetrics = ReturnType<typeof createJobMetrics>;
