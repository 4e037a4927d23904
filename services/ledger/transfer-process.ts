import { defineSubscriber, type SubscriberContext } from "../../platform/eventbus/index.ts";
import type { TransferState } from "./domain/transfer.ts";

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
 * Whether the transfer still stands where `event` left it. A redelivered event must not act
 * again once the transfer moved on: re-running a refused debit later, when the funds are
 * there, would take money from a transfer that already failed.
 */
async function stillAt(ctx: SubscriberContext, transferId: string, status: TransferState["status"]): Promise<boolean> {
	const { state } = await ctx.call<{ state: TransferState }>("ledger.transferState", { id: transferId });
	return state.status === status;
}

/**
 * The transfer process manager: requested -> debit the source -> credit the destination ->
 * completed. When the credit is refused the transfer fails with compensated: true, and that
 * event drives the refund of the debit (idempotent), so no crash between the two loses it.
 * Every step is idempotent per transfer, and a redelivered event whose transfer has moved on
 * is ignored, so redelivery repeats nothing.
 */
export const transferProcess = defineSubscriber({
	name: "ledger-transfer-process",
	topics: ["ledger.events"],
	handlers: {
		"ledger.TransferRequested": async (event, ctx) => {
			const t = event.data as Terms;
			if (!(await stillAt(ctx, t.transferId, "requested"))) return;
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
			if (!(await stillAt(ctx, t.transferId, "debited"))) return;
			const credit = await attempt(() =>
				ctx.call("ledger.creditForTransfer", {
					accountId: t.toAccountId,
					transferId: t.transferId,
					amount: t.amount,
					currency: t.currency,
				}),
			);
			if (credit.refused) {
				// Recorded first, so the refund below is owed even if this node dies right here.
				await ctx.call("ledger.failTransfer", { transferId: t.transferId, reason: credit.refused, compensated: true });
				return;
			}
			await ctx.call("ledger.markTransferCredited", { transferId: t.transferId });
		},
		"ledger.TransferFailed": async (event, ctx) => {
			const { transferId, compensated } = event.data as { transferId: string; compensated: boolean };
			if (!compensated) return;
			const { state } = await ctx.call<{ state: TransferState }>("ledger.transferState", { id: transferId });
			const { fromAccountId, amount, currency } = state;
			await ctx.call("ledger.refundTransfer", { accountId: fromAccountId, transferId, amount, currency });
		},
	},
});
