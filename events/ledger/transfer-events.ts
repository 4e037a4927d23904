import { z } from "zod";
import { defineEvent } from "../../platform/contracts/index.ts";
import { amount, currency, id } from "./primitives.ts";

const terms = z.strictObject({ transferId: id, fromAccountId: id, toAccountId: id, amount, currency });

export const TransferRequested = defineEvent({
	type: "ledger.TransferRequested",
	version: 1,
	description: "A transfer between two accounts of one currency was requested; the transfer process starts.",
	schema: terms,
	example: { transferId: "tr-1", fromAccountId: "acc-1", toAccountId: "acc-2", amount: 5_00, currency: "EUR" },
});

export const TransferDebited = defineEvent({
	type: "ledger.TransferDebited",
	version: 1,
	description: "The source account of a transfer was debited; carries the terms for the credit that follows.",
	schema: terms,
	example: { transferId: "tr-1", fromAccountId: "acc-1", toAccountId: "acc-2", amount: 5_00, currency: "EUR" },
});

export const TransferCredited = defineEvent({
	type: "ledger.TransferCredited",
	version: 1,
	description: "The destination account of a transfer was credited.",
	schema: z.strictObject({ transferId: id }),
	example: { transferId: "tr-1" },
});

export const TransferCompleted = defineEvent({
	type: "ledger.TransferCompleted",
	version: 1,
	description: "A transfer finished: the money moved.",
	schema: z.strictObject({ transferId: id }),
	example: { transferId: "tr-1" },
});

export const TransferFailed = defineEvent({
	type: "ledger.TransferFailed",
	version: 1,
	description:
		"A transfer ended without moving money. compensated: true means the source had been debited; the refund (a MoneyDeposited with refund: true on the source account) follows this event.",
	schema: z.strictObject({ transferId: id, reason: z.string().min(1), compensated: z.boolean() }),
	example: { transferId: "tr-1", reason: "INSUFFICIENT_FUNDS", compensated: false },
});
