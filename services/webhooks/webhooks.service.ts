import { randomUUID } from "node:crypto";
import type { Context, ServiceSchema, ServiceSettingSchema } from "moleculer";
import { z } from "zod";
import { JobsMixin } from "../../mixins/jobs.mixin.ts";
import { PlatformMixin, type WithPlatform } from "../../mixins/platform.mixin.ts";
import { platformOf } from "../../platform/bootstrap/index.ts";
import { ConflictError, NotFoundError, ValidationError } from "../../platform/errors/index.ts";
import { ConsumerSet, createEventConsumer } from "../../platform/eventbus/index.ts";
import { inTransaction } from "../../platform/postgres/index.ts";
import { publishedTopics } from "../../platform/relay/index.ts";
import { deliverJob } from "./deliver.job.ts";
import { DELIVERIES_PAGE_SQL, DELIVERY_COLUMNS, type DeliveryRow, deliveryView } from "./delivery-rows.ts";
import { DELIVER_JOB, dispatcherSink } from "./dispatcher.ts";
import { isPrivateAddress } from "./private-addresses.ts";
import { newSecret } from "./signature.ts";

const eventType = z
	.string()
	.regex(/^[a-z][a-z0-9-]*\.(\*|[A-Z][A-Za-z0-9]*)$/, "must be an event type (ledger.MoneyDeposited) or a module's wildcard (ledger.*)");
const subscribeParams = z.strictObject({
	url: z.url({ protocol: /^https?$/, error: "must be an http or https URL" }).max(2_000),
	eventTypes: z.array(eventType).min(1).max(100),
});
const byId = z.strictObject({ id: z.uuid() });
const deliveriesParams = z.strictObject({
	subscriptionId: z.uuid().optional(),
	state: z.enum(["pending", "succeeded", "dead"]).optional(),
	// Coerced: over REST it arrives in the query string.
	limit: z.coerce.number().int().min(1).max(1_000).default(100),
});

const CONSUMERS = Symbol("webhookDispatcher");
type WithDispatcher = { [CONSUMERS]?: ConsumerSet };

/**
 * Webhooks: teams subscribe a URL to event types and get each matching event POSTed as a
 * signed CloudEvent (Standard Webhooks headers), retried with backoff by the
 * `webhooks.deliver` job; deliveries and their attempts are recorded and can be redelivered.
 */
export default {
	name: "webhooks",
	settings: { rest: "/webhooks" },
	mixins: [PlatformMixin, JobsMixin((config) => [deliverJob(config.webhooks)])],
	actions: {
		/** Replies the subscription with its signing secret; this is the only time the secret is shown. */
		subscribe: {
			rest: "POST /subscriptions",
			successStatus: 201,
			permissions: ["webhooks:subscriptions:write"],
			input: subscribeParams,
			async handler(ctx: Context<z.output<typeof subscribeParams>>) {
				const { url, eventTypes } = ctx.params;
				const host = new URL(url).hostname.replace(/^\[|\]$/g, "");
				if (!this.platform().config.webhooks.allowPrivateTargets && isPrivateAddress(host)) {
					throw new ValidationError([{ field: "url", reason: "must not point at a private address" }]);
				}
				const id = randomUUID();
				const secret = newSecret();
				const { rows } = await this.resolve("pg").query<{ created_at: Date }>(
					"INSERT INTO webhook_subscriptions (id, url, event_types, secret) VALUES ($1, $2, $3, $4) RETURNING created_at",
					[id, url, [...new Set(eventTypes)], secret],
				);
				return { id, url, eventTypes: [...new Set(eventTypes)], secret, createdAt: rows[0]?.created_at };
			},
		},
		unsubscribe: {
			rest: "DELETE /subscriptions/:id",
			permissions: ["webhooks:subscriptions:write"],
			input: byId,
			async handler(ctx: Context<z.output<typeof byId>>) {
				const { id } = ctx.params;
				const { rowCount } = await this.resolve("pg").query("DELETE FROM webhook_subscriptions WHERE id = $1", [id]);
				if (rowCount === 0) throw new NotFoundError(`No webhook subscription ${id}`, { id });
				return { id, deleted: true };
			},
		},
		subscriptions: {
			rest: "GET /subscriptions",
			permissions: ["webhooks:subscriptions:read"],
			async handler() {
				const { rows } = await this.resolve("pg").query<{ id: string; url: string; event_types: string[]; created_at: Date }>(
					"SELECT id, url, event_types, created_at FROM webhook_subscriptions ORDER BY created_at",
				);
				return rows.map((r) => ({ id: r.id, url: r.url, eventTypes: r.event_types, createdAt: r.created_at }));
			},
		},
		deliveries: {
			rest: "GET /deliveries",
			permissions: ["webhooks:deliveries:read"],
			input: deliveriesParams,
			async handler(ctx: Context<z.output<typeof deliveriesParams>>) {
				const { subscriptionId, state, limit } = ctx.params;
				const { rows } = await this.resolve("pg").query<DeliveryRow>(DELIVERIES_PAGE_SQL, [subscriptionId ?? null, state ?? null, limit]);
				return rows.map(deliveryView);
			},
		},
		/** One delivery with every attempt: status, error, latency. */
		delivery: {
			rest: "GET /deliveries/:id",
			permissions: ["webhooks:deliveries:read"],
			input: byId,
			async handler(ctx: Context<z.output<typeof byId>>) {
				const { id } = ctx.params;
				const pg = this.resolve("pg");
				const { rows } = await pg.query<DeliveryRow>(`SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE id = $1`, [id]);
				const row = rows[0];
				if (!row) throw new NotFoundError(`No webhook delivery ${id}`, { id });
				const attempts = await pg.query<{ attempt: number; status: number | null; error: string | null; latency_ms: number; at: Date }>(
					"SELECT attempt, status, error, latency_ms, at FROM webhook_attempts WHERE delivery_id = $1 ORDER BY attempt",
					[id],
				);
				return {
					...deliveryView(row),
					history: attempts.rows.map((a) => ({ attempt: a.attempt, status: a.status, error: a.error, latencyMs: a.latency_ms, at: a.at })),
				};
			},
		},
		/** Sends a dead delivery again, with a fresh set of attempts. */
		redeliver: {
			rest: "POST /deliveries/:id/redeliver",
			permissions: ["webhooks:deliveries:write"],
			input: byId,
			async handler(ctx: Context<z.output<typeof byId>>) {
				const { id } = ctx.params;
				const pg = this.resolve("pg");
				const redelivered = await inTransaction(pg, async (client) => {
					const { rowCount } = await client.query(
						"UPDATE webhook_deliveries SET state = 'pending', updated_at = now() WHERE id = $1 AND state = 'dead'",
						[id],
					);
					if (rowCount) await this.resolve("jobQueue").sendWithin(client, DELIVER_JOB, [{ deliveryId: id }]);
					return rowCount === 1;
				});
				if (redelivered) return { id, state: "pending" };
				const found = await pg.query<{ state: string }>("SELECT state FROM webhook_deliveries WHERE id = $1", [id]);
				const state = found.rows[0]?.state;
				if (!state) throw new NotFoundError(`No webhook delivery ${id}`, { id });
				throw new ConflictError(`Delivery ${id} is ${state}; only a dead delivery can be redelivered`, "DELIVERY_NOT_DEAD", { id });
			},
		},
	},
	started() {
		const platform = platformOf(this.broker);
		const logger = platform.logger.child({ mod: "webhooks" });
		const consumers = new ConsumerSet(logger);
		(this as WithDispatcher)[CONSUMERS] = consumers;
		const sink = dispatcherSink(this.resolve("pg"), this.resolve("jobQueue"), logger);
		consumers.start([createEventConsumer(platform, "webhooks.dispatch", publishedTopics(platform.modules), sink)]);
	},
	async stopped() {
		await (this as WithDispatcher)[CONSUMERS]?.stop();
	},
} satisfies ServiceSchema<ServiceSettingSchema, WithPlatform>;
