import type { Context, ServiceSchema, ServiceSettingSchema } from "moleculer";
import { EventSourcedMixin } from "../../mixins/event-sourced.mixin.ts";
import { PlatformMixin, type WithPlatform } from "../../mixins/platform.mixin.ts";
import { ProjectionMixin, type WithProjections } from "../../mixins/projection.mixin.ts";
import { SubscriberMixin } from "../../mixins/subscriber.mixin.ts";
import { parseInput } from "../../platform/errors/index.ts";
import { account } from "./domain/account.ts";
import { transfer } from "./domain/transfer.ts";
import { accountsProjection } from "./projections/accounts.projection.ts";
import { transfersProjection } from "./projections/transfers.projection.ts";
import { accountQuery, getAccount, getTransfer, listTransactions, transactionsQuery, transferQuery } from "./queries.ts";
import { transferProcess } from "./transfer-process.ts";

/**
 * The ledger. Commands (openAccount, deposit, withdraw, closeAccount, requestTransfer and the
 * transfer steps) reply { streamId, version, position }; queries (getAccount,
 * listTransactions, getTransfer) read the projections and, given that position, wait until
 * the projection has it.
 */
export default {
	name: "ledger",
	mixins: [
		PlatformMixin,
		EventSourcedMixin(account),
		EventSourcedMixin(transfer),
		ProjectionMixin([accountsProjection, transfersProjection]),
		SubscriberMixin([transferProcess]),
	],
	actions: {
		getAccount: {
			rest: "GET /accounts/:accountId",
			permissions: ["ledger:accounts:read"],
			async handler(ctx: Context<unknown>) {
				const q = parseInput(accountQuery, ctx.params);
				if (q.position) await this.waitForProjection(accountsProjection.name, q.position);
				return getAccount(this.resolve("pg"), q);
			},
		},
		listTransactions: {
			rest: "GET /accounts/:accountId/transactions",
			permissions: ["ledger:accounts:read"],
			async handler(ctx: Context<unknown>) {
				const q = parseInput(transactionsQuery, ctx.params);
				if (q.position) await this.waitForProjection(accountsProjection.name, q.position);
				return listTransactions(this.resolve("pg"), q);
			},
		},
		getTransfer: {
			rest: "GET /transfers/:transferId",
			permissions: ["ledger:transfers:read"],
			async handler(ctx: Context<unknown>) {
				const q = parseInput(transferQuery, ctx.params);
				if (q.position) await this.waitForProjection(transfersProjection.name, q.position);
				return getTransfer(this.resolve("pg"), q);
			},
		},
	},
} satisfies ServiceSchema<ServiceSettingSchema, WithPlatform & WithProjections>;
