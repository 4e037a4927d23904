import type { Context, ServiceSchema, ServiceSettingSchema } from "moleculer";
import { z } from "zod";
import { PlatformMixin, type WithPlatform } from "../../mixins/platform.mixin.ts";
import { ProjectionMixin } from "../../mixins/projection.mixin.ts";
import { RuleViolationError } from "../../platform/errors/index.ts";
import { auditTrailProjection } from "./projections/audit-trail.projection.ts";
import { listEntries, listQuery } from "./queries.ts";
import { verifyTrail } from "./verify.ts";

/** Entries per round trip of a verification: big enough to stream, small enough to hold. */
const VERIFY_BATCH = 1_000;
const noParams = z.strictObject({});

/**
 * The audit trail: every module's events as hash-chained, append-only entries (who, what,
 * which stream, outcome, trace id, when). `list` filters and pages them; `verify` walks the
 * chain and names the first entry that does not follow the one before.
 */
export default {
	name: "audit",
	mixins: [PlatformMixin, ProjectionMixin([auditTrailProjection])],
	actions: {
		list: {
			rest: "GET /",
			permissions: ["audit:read"],
			description: "One page of the audit trail, newest first, filtered; `next` is the following page's `before`.",
			input: listQuery,
			handler(ctx: Context<z.output<typeof listQuery>>) {
				return listEntries(this.resolve("pg"), ctx.params);
			},
		},
		verify: {
			rest: "GET /verify",
			permissions: ["audit:verify"],
			description: "Walks the whole chain and names the first entry that does not follow the one before.",
			input: noParams,
			// It reads the whole trail, which outgrows the default request timeout. Moleculer
			// honours an action's `timeout` but its ActionSchema typings lack the field.
			...{ timeout: 0 },
			handler() {
				return verifyTrail(this.resolve("pg"), VERIFY_BATCH);
			},
		},
		/**
		 * Replaces ProjectionMixin's rebuild, which would write fresh copies of the table and
		 * swap them in: that drops the append-only triggers with the old table, and rewrites
		 * the chain, tampered entries included, as if nothing had happened. Kept as an action
		 * so that the trail still shows among the cluster's projections.
		 */
		rebuildProjection: {
			handler() {
				throw new RuleViolationError("The audit trail is append-only and is never rebuilt", "AUDIT_TRAIL_APPEND_ONLY");
			},
		},
	},
} satisfies ServiceSchema<ServiceSettingSchema, WithPlatform>;
