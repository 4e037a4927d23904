import { z } from "zod";
import { defineEvent } from "../../platform/contracts/index.ts";
import { amount, currency, id } from "./primitives.ts";

export const AccountOpened = defineEvent({
	type: "ledger.AccountOpened",
	version: 1,
	description: "An account was opened for an owner in one currency, with a balance of zero.",
	schema: z.strictObject({ accountId: id, owner: z.string().min(1).max(200), currency }),
	example: { accountId: "acc-1", owner: "Ada Lovelace", currency: "EUR" },
});

export const MoneyDeposited = defineEvent({
	type: "ledger.MoneyDeposited",
	version: 1,
	description:
		"Money was added to an account: a deposit, the credit of a transfer (transferId), or the refund of a failed transfer's debit (refund: true).",
	schema: z.strictObject({ accountId: id, amount, currency, transferId: id.optional(), refund: z.boolean().optional() }),
	example: { accountId: "acc-1", amount: 12_50, currency: "EUR" },
});

export const MoneyWithdrawn = defineEvent({
	type: "ledger.MoneyWithdrawn",
	version: 1,
	description: "Money left an account: a withdrawal, or the debit of a transfer (transferId).",
	schema: z.strictObject({ accountId: id, amount, currency, transferId: id.optional() }),
	example: { accountId: "acc-1", amount: 5_00, currency: "EUR", transferId: "tr-1" },
});

export const AccountClosed = defineEvent({
	type: "ledger.AccountClosed",
	version: 1,
	description: "An account with a zero balance was closed; it refuses every command from now on.",
	schema: z.strictObject({ accountId: id }),
	example: { accountId: "acc-1" },
});
