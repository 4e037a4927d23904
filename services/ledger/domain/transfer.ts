import { z } from "zod";
import { amount, currency, id } from "../../../events/ledger/primitives.ts";
import { type AppliedEvent, defineAggregate, defineCommand } from "../../../platform/aggregates/index.ts";
import { ConflictError, NotFoundError, RuleViolationError } from "../../../platform/errors/index.ts";

type TransferTerms = { fromAccountId: string; toAccountId: string; amount: number; currency: string };

export type TransferState = TransferTerms & {
	status: "none" | "requested" | "debited" | "completed" | "failed";
};

const initialState: TransferState = { status: "none", fromAccountId: "", toAccountId: "", amount: 0, currency: "" };

function evolve(state: TransferState, event: AppliedEvent): TransferState {
	switch (event.type) {
		case "ledger.TransferRequested":
			return { ...state, ...(event.data as TransferTerms), status: "requested" };
		case "ledger.TransferDebited":
			return { ...state, status: "debited" };
		case "ledger.TransferCompleted":
			return { ...state, status: "completed" };
		case "ledger.TransferFailed":
			return { ...state, status: "failed" };
		default:
			return state;
	}
}

const sameTerms = (a: TransferTerms, b: TransferTerms) =>
	a.fromAccountId === b.fromAccountId && a.toAccountId === b.toAccountId && a.amount === b.amount && a.currency === b.currency;

function requireExists(state: TransferState, transferId: string): void {
	if (state.status === "none") throw new NotFoundError(`Transfer ${transferId} does not exist`, { transferId });
}

const byId = z.strictObject({ transferId: id });

/**
 * A transfer between two accounts: requested -> debited -> completed, or failed (with the
 * debit refunded when there was one). The steps are driven by the transfer process manager;
 * each step is idempotent so a redelivered event moves nothing twice.
 */
export const transfer = defineAggregate<TransferState>({
	streamPrefix: "ledger-transfer",
	stateAction: "transferState",
	initialState,
	evolve,
	commands: {
		requestTransfer: defineCommand({
			rest: "POST /transfers",
			permissions: ["ledger:transfers:write"],
			description:
				"Asks to move an amount from one account to another of the same currency; the caller picks the transfer id (idempotency key).",
			schema: z
				.strictObject({ transferId: id, fromAccountId: id, toAccountId: id, amount, currency })
				.refine((c) => c.fromAccountId !== c.toAccountId, { path: ["toAccountId"], message: "must differ from fromAccountId" }),
			aggregateId: (c) => c.transferId,
			decide(c, state: TransferState) {
				if (state.status === "none") return [{ type: "ledger.TransferRequested", data: c }];
				if (sameTerms(state, c)) return [];
				throw new ConflictError(`Transfer ${c.transferId} was already requested with other terms`, "TRANSFER_EXISTS", {
					transferId: c.transferId,
				});
			},
		}),
		markTransferDebited: defineCommand({
			description: "Transfer step: the source account was debited.",
			schema: byId,
			aggregateId: (c) => c.transferId,
			decide(c, state: TransferState) {
				requireExists(state, c.transferId);
				if (state.status !== "requested") return [];
				const { fromAccountId, toAccountId, amount, currency } = state;
				return [{ type: "ledger.TransferDebited", data: { transferId: c.transferId, fromAccountId, toAccountId, amount, currency } }];
			},
		}),
		markTransferCredited: defineCommand({
			description: "Transfer step: the destination account was credited; the transfer completes.",
			schema: byId,
			aggregateId: (c) => c.transferId,
			decide(c, state: TransferState) {
				requireExists(state, c.transferId);
				if (state.status !== "debited") return [];
				return [
					{ type: "ledger.TransferCredited", data: c },
					{ type: "ledger.TransferCompleted", data: c },
				];
			},
		}),
		failTransfer: defineCommand({
			description: "Transfer step: the transfer cannot complete; records why and whether a debit was refunded.",
			schema: byId.extend({ reason: z.string().min(1), compensated: z.boolean() }),
			aggregateId: (c) => c.transferId,
			decide(c, state: TransferState) {
				requireExists(state, c.transferId);
				if (state.status === "completed") {
					throw new RuleViolationError(`Transfer ${c.transferId} already completed`, "TRANSFER_COMPLETED", { transferId: c.transferId });
				}
				return state.status === "failed" ? [] : [{ type: "ledger.TransferFailed", data: c }];
			},
		}),
	},
});
