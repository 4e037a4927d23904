import { z } from "zod";
import type { Config } from "../../platform/config/index.ts";
import { defineJob } from "../../platform/jobs/index.ts";
import { PostError, postJson } from "./outbound-post.ts";
import { sign } from "./signature.ts";

type DeliveryRow = { url: string; secret: string; body: unknown; state: string; attempts: number };

/**
 * Sends one delivery: POSTs its CloudEvent, signed, and records the attempt. Anything but a
 * 2xx answer in time fails the attempt; after the last one the delivery is dead until it is
 * redelivered (`webhooks.redeliver`).
 */
export function deliverJob(config: Config["webhooks"]) {
	return defineJob({
		name: "webhooks.deliver",
		description: "POSTs one webhook delivery (a signed CloudEvent) to its subscriber and records the attempt.",
		payload: z.strictObject({ deliveryId: z.uuid() }),
		maxAttempts: config.maxAttempts,
		backoff: { delaySeconds: config.retryDelaySeconds, maxDelaySeconds: config.maxRetryDelaySeconds },
		// The request's own timeout comes first; this bounds the bookkeeping around it too.
		timeoutSeconds: Math.ceil(config.timeoutMs / 1000) + 10,
		async handler({ deliveryId }, ctx) {
			const pg = ctx.resolve("pg");
			const { rows } = await pg.query<DeliveryRow>(
				`SELECT s.url, s.secret, d.body, d.state, d.attempts
				 FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id WHERE d.id = $1`,
				[deliveryId],
			);
			const delivery = rows[0];
			// Gone with its subscription, or already delivered by an earlier attempt.
			if (!delivery || delivery.state === "succeeded") return;

			const body = JSON.stringify(delivery.body);
			const timestamp = Math.floor(Date.now() / 1000);
			const headers = {
				"content-type": "application/cloudevents+json",
				"user-agent": "platform-webhooks/1",
				"webhook-id": deliveryId,
				"webhook-timestamp": String(timestamp),
				"webhook-signature": sign(delivery.secret, deliveryId, timestamp, body),
			};
			let status: number | null = null;
			let latencyMs: number;
			let error: string | null = null;
			try {
				({ status, latencyMs } = await postJson(delivery.url, body, headers, config, ctx.signal));
				if (status < 200 || status > 299) error = `receiver answered ${status}`;
			} catch (err) {
				latencyMs = err instanceof PostError ? err.latencyMs : 0;
				error = err instanceof Error ? err.message : String(err);
			}
			const state = error === null ? "succeeded" : ctx.attempt >= ctx.maxAttempts ? "dead" : "pending";
			const attempt = delivery.attempts + 1;
			await pg.query(
				`WITH attempt AS (
				   INSERT INTO webhook_attempts (delivery_id, attempt, status, error, latency_ms) VALUES ($1, $2, $3, $4, $5))
				 UPDATE webhook_deliveries
				 SET attempts = $2, last_status = $3, last_error = $4, last_latency_ms = $5, state = $6, updated_at = now()
				 WHERE id = $1`,
				[deliveryId, attempt, status, error, latencyMs, state],
			);
			if (error !== null) throw new Error(error);
		},
	});
}
