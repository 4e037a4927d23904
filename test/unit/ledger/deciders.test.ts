import type { Aggregate, AppliedEvent } from "../../../platform/aggregates/index.ts";
import { account } from "../../../services/ledger/domain/account.ts";
import { transfer } from "../../../services/ledger/domain/transfer.ts";

function given<S>(aggregate: Aggregate<S>, events: AppliedEvent[]): S {
	return events.reduce(aggregate.evolve, aggregate.initialState);
}

function decide<S>(aggregate: Aggregate<S>, name: string, state: S, input: object) {
	const command = aggregate.commands[name];
	if (!command) throw new Error(`no command ${name}`);
	return command.decide(command.schema.parse(input), state, 1);
}

const opened = { type: "ledger.AccountOpened", data: { accountId: "a", owner: "Ann", currency: "EUR" } };
const deposited = (amount: number, extra = {}) => ({
	type: "ledger.MoneyDeposited",
	data: { accountId: "a", amount, currency: "EUR", ...extra },
});
const withdrawn = (amount: number, extra = {}) => ({
	type: "ledger.MoneyWithdrawn",
	data: { accountId: "a", amount, currency: "EUR", ...extra },
});

describe("account decider", () => {
	it("folds deposits and withdrawals into the balance", () => {
		expect(given(account, [opened, deposited(500), withdrawn(200)]).balance).toBe(300);
	});

	it("refuses what would overdraw, naming the rule", () => {
		const state = given(account, [opened, deposited(100)]);
		expect(() => decide(account, "withdraw", state, { accountId: "a", amount: 101, currency: "EUR" })).toThrow(
			expect.objectContaining({ type: "INSUFFICIENT_FUNDS", code: 422 }),
		);
	});

	it("books each transfer step once", () => {
		const state = given(account, [opened, deposited(100), withdrawn(40, { transferId: "t1" })]);
		expect(decide(account, "debitForTransfer", state, { accountId: "a", amount: 40, currency: "EUR", transferId: "t1" })).toEqual([]);
		expect(decide(account, "refundTransfer", state, { accountId: "a", amount: 40, currency: "EUR", transferId: "t1" })).toEqual([
			{ type: "ledger.MoneyDeposited", data: { accountId: "a", amount: 40, currency: "EUR", transferId: "t1", refund: true } },
		]);
	});

	it("refunds only what a transfer debited", () => {
		const state = given(account, [opened]);
		expect(() => decide(account, "refundTransfer", state, { accountId: "a", amount: 1, currency: "EUR", transferId: "t9" })).toThrow(
			expect.objectContaining({ type: "NOTHING_TO_REFUND" }),
		);
	});

	it("refuses every command but the refund once closed", () => {
		const state = given(account, [opened, { type: "ledger.AccountClosed", data: { accountId: "a" } }]);
		expect(() => decide(account, "deposit", state, { accountId: "a", amount: 1, currency: "EUR" })).toThrow(
			expect.objectContaining({ type: "ACCOUNT_CLOSED" }),
		);
	});
});

describe("transfer decider", () => {
	const terms = { transferId: "t1", fromAccountId: "a", toAccountId: "b", amount: 10, currency: "EUR" };

	it("treats a repeated request with the same terms as done, and other terms as a conflict", () => {
		const state = given(transfer, [{ type: "ledger.TransferRequested", data: terms }]);
		expect(decide(transfer, "requestTransfer", state, terms)).toEqual([]);
		expect(() => decide(transfer, "requestTransfer", state, { ...terms, amount: 11 })).toThrow(expect.objectContaining({ code: 409 }));
	});

	it("refuses a transfer to the same account, naming the field", () => {
		const parsed = transfer.commands.requestTransfer?.schema.safeParse({ ...terms, toAccountId: "a" });
		expect(parsed?.error?.issues[0]?.path).toEqual(["toAccountId"]);
	});

	it("completes only after the debit, once", () => {
		const requested = given(transfer, [{ type: "ledger.TransferRequested", data: terms }]);
		expect(decide(transfer, "markTransferCredited", requested, { transferId: "t1" })).toEqual([]);
		const debited = given(transfer, [
			{ type: "ledger.TransferRequested", data: terms },
			{ type: "ledger.TransferDebited", data: terms },
		]);
		expect(decide(transfer, "markTransferCredited", debited, { transferId: "t1" }).map((e) => e.type)).toEqual([
			"ledger.TransferCredited",
			"ledger.TransferCompleted",
		]);
	});
});
