import type { Context, ServiceSchema, ServiceSettingSchema } from "moleculer";
import type { z } from "zod";
import { EventSourcedMixin } from "../../mixins/event-sourced.mixin.ts";
import { PlatformMixin, type WithPlatform } from "../../mixins/platform.mixin.ts";
import { ProjectionMixin, type WithProjections } from "../../mixins/projection.mixin.ts";
import { SubscriberMixin } from "../../mixins/subscriber.mixin.ts";
import { account } from "./domain/account.ts";
import { transfer } from "./domain/transfer.ts";
import { accountCacheKey, accountsProjection } from "./projections/accounts.projection.ts";
import { transferCacheKey, transfersProjection } from "./projections/transfers.projection.ts";
import { accountQuery, getAccount, getTransfer, listTransactions, transactionsQuery, transferQuery } from "./queries.ts";
import { transferProcess } from "./transfer-process.ts";

/**
 * The ledger. Commands (openAccount, deposit, withdraw, closeAccount, requestTransfer and the
 * transfer steps) reply { streamId, version, position }; queries (getAccount,
 * listTransactions, getTransfer) read the projections through the query cache (each
 * projection invalidates the accounts and transfers it changes) and, given that position,
 * wait until the projection has it and read its tables.
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
			input: accountQuery,
			async handler(ctx: Context<z.output<typeof accountQuery>>) {
				const q = ctx.params;
				const query = { query: "ledger.getAccount", entity: accountCacheKey(q.accountId), position: q.position };
				return this.readProjection(accountsProjection.name, query, () => getAccount(this.resolve("pg"), q));
			},
		},
		listTransactions: {
			rest: "GET /accounts/:accountId/transactions",
			permissions: ["ledger:accounts:read"],
			input: transactionsQuery,
			async handler(ctx: Context<z.output<typeof transactionsQuery>>) {
				const q = ctx.params;
				// Every page of an account is cached under it, so a movement invalidates them all.
				const page = `${q.limit}:${q.before ?? ""}`;
				const query = { query: "ledger.listTransactions", entity: accountCacheKey(q.accountId), variant: page, position: q.position };
				return this.readProjection(accountsProjection.name, query, () => listTransactions(this.resolve("pg"), q));
			},
		},
		getTransfer: {
			rest: "GET /transfers/:transferId",
			permissions: ["ledger:transfers:read"],
			input: transferQuery,
			async handler(ctx: Context<z.output<typeof transferQuery>>) {
				const q = ctx.params;
				const query = { query: "ledger.getTransfer", entity: transferCacheKey(q.transferId), position: q.position };
				return this.readProjection(transfersProjection.name, query, () => getTransfer(this.resolve("pg"), q));
			},
		},
	},
} satisfies ServiceSchema<ServiceSettingSchema, WithPlatform & WithProjections>;
