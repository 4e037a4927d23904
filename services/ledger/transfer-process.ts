import { defineSubscriber } from "../../platform/eventbus/index.ts";

type Terms = { transferId: string; fromAccountId: string; toAccountId: string; amount: number; currency: string };

/**
 * Runs a step; the domain refusing it (404 no such account, 422 closed, no funds, other
 * currency) is an outcome of the transfer. Anything else (a conflict that outlived its
 * retries, a server down) throws, so the event is retried and finally dead-lettered.
 */
async function attempt(step: () => Promise<unknown>): Promise<{ refused?: string }> {
	try {
		await step();
		return {};
	} catch (err) {
		const { code, type } = err as { code?: number; type?: string };
		if (code === 404 || code === 422) return { refused: type ?? (err as Error).message };
		throw err;
	}
}

/**
 * The transfer process manager: requested -> debit the source -> credited the destination
 * -> completed; when the credit is refused the debit is refunded and the transfer fails.
 * Every step is idempotent per transfer, so a redelivered event repeats nothing.
 */
export const transferProcess = defineSubscriber({
	name: "ledger-transfer-process",
	topics: ["ledger.events"],
	handlers: {
		"ledger.TransferRequested": async (event, ctx) => {
			const t = event.data as Terms;
			const step = { accountId: t.fromAccountId, transferId: t.transferId, amount: t.amount, currency: t.currency };
			const debit = await attempt(() => ctx.call("ledger.debitForTransfer", step));
			if (debit.refused) {
				await ctx.call("ledger.failTransfer", { transferId: t.transferId, reason: debit.refused, compensated: false });
				return;
			}
			await ctx.call("ledger.markTransferDebited", { transferId: t.transferId });
		},
		"ledger.TransferDebited": async (event, ctx) => {
			const t = event.data as Terms;
			const step = { transferId: t.transferId, amount: t.amount, currency: t.currency };
			const credit = await attempt(() => ctx.call("ledger.creditForTransfer", { ...step, accountId: t.toAccountId }));
			if (!credit.refused) {
				await ctx.call("ledger.markTransferCredited", { transferId: t.transferId });
				return;
			}
			await ctx.call("ledger.refundTransfer", { ...step, accountId: t.fromAccountId });
			await ctx.call("ledger.failTransfer", { transferId: t.transferId, reason: credit.refused, compensated: true });
		},
	},
});
