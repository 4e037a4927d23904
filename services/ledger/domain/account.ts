import { z } from "zod";
import { amount, currency, id } from "../../../events/ledger/primitives.ts";
import { type AppliedEvent, defineAggregate, defineCommand } from "../../../platform/aggregates/index.ts";
import { ConflictError, NotFoundError, RuleViolationError } from "../../../platform/errors/index.ts";

export type AccountState = {
	status: "none" | "open" | "closed";
	owner: string;
	currency: string;
	balance: number;
	/** Transfer steps already booked (`<transferId>:debit|credit|refund`), so a redelivered step books nothing. */
	transferSteps: ReadonlySet<string>;
};

const initialState: AccountState = { status: "none", owner: "", currency: "", balance: 0, transferSteps: new Set() };

type Money = { amount: number; currency: string };

function requireOpen(state: AccountState, accountId: string): void {
	if (state.status === "none") throw new NotFoundError(`Account ${accountId} does not exist`, { accountId });
	if (state.status === "closed") throw new RuleViolationError(`Account ${accountId} is closed`, "ACCOUNT_CLOSED", { accountId });
}

function requireCurrency(state: AccountState, accountId: string, money: Money): void {
	if (money.currency !== state.currency) {
		throw new RuleViolationError(`Account ${accountId} holds ${state.currency}, not ${money.currency}`, "CURRENCY_MISMATCH", {
			accountId,
			accountCurrency: state.currency,
			currency: money.currency,
		});
	}
}

function requireFunds(state: AccountState, accountId: string, money: Money): void {
	if (state.balance < money.amount) {
		throw new RuleViolationError(`Account ${accountId} has insufficient funds`, "INSUFFICIENT_FUNDS", {
			accountId,
			balance: state.balance,
			amount: money.amount,
		});
	}
}

const movement = z.strictObject({ accountId: id, amount, currency });
const transferStep = movement.extend({ transferId: id });

function evolve(state: AccountState, event: AppliedEvent): AccountState {
	const data = event.data as { owner: string; currency: string; amount: number; transferId?: string; refund?: boolean };
	switch (event.type) {
		case "ledger.AccountOpened":
			return { ...state, status: "open", owner: data.owner, currency: data.currency };
		case "ledger.MoneyDeposited":
			return {
				...state,
				balance: state.balance + data.amount,
				transferSteps: withStep(state, data.transferId, data.refund ? "refund" : "credit"),
			};
		case "ledger.MoneyWithdrawn":
			return { ...state, balance: state.balance - data.amount, transferSteps: withStep(state, data.transferId, "debit") };
		case "ledger.AccountClosed":
			return { ...state, status: "closed" };
		default:
			return state;
	}
}

function withStep(state: AccountState, transferId: string | undefined, step: string): ReadonlySet<string> {
	return transferId ? new Set([...state.transferSteps, `${transferId}:${step}`]) : state.transferSteps;
}

/** A bank account: opened in one currency, never overdrawn, closed only when empty. */
export const account = defineAggregate<AccountState>({
	streamPrefix: "ledger-account",
	stateAction: "accountState",
	initialState,
	evolve,
	commands: {
		openAccount: defineCommand({
			description: "Opens an account for an owner in one currency.",
			rest: "POST /accounts",
			permissions: ["ledger:accounts:write"],
			schema: z.strictObject({ accountId: id, owner: z.string().trim().min(1).max(200), currency }),
			aggregateId: (c) => c.accountId,
			decide(c, state: AccountState) {
				if (state.status !== "none")
					throw new ConflictError(`Account ${c.accountId} already exists`, "ACCOUNT_EXISTS", { accountId: c.accountId });
				return [{ type: "ledger.AccountOpened", data: c }];
			},
		}),
		deposit: defineCommand({
			description: "Adds money to an open account, in its currency.",
			rest: "POST /accounts/:accountId/deposits",
			permissions: ["ledger:accounts:write"],
			schema: movement,
			aggregateId: (c) => c.accountId,
			decide(c, state: AccountState) {
				requireOpen(state, c.accountId);
				requireCurrency(state, c.accountId, c);
				return [{ type: "ledger.MoneyDeposited", data: c }];
			},
		}),
		withdraw: defineCommand({
			description: "Takes money from an open account; never below zero.",
			rest: "POST /accounts/:accountId/withdrawals",
			permissions: ["ledger:accounts:write"],
			schema: movement,
			aggregateId: (c) => c.accountId,
			decide(c, state: AccountState) {
				requireOpen(state, c.accountId);
				requireCurrency(state, c.accountId, c);
				requireFunds(state, c.accountId, c);
				return [{ type: "ledger.MoneyWithdrawn", data: c }];
			},
		}),
		closeAccount: defineCommand({
			description: "Closes an open account whose balance is zero.",
			rest: "POST /accounts/:accountId/close",
			permissions: ["ledger:accounts:write"],
			schema: z.strictObject({ accountId: id }),
			aggregateId: (c) => c.accountId,
			decide(c, state: AccountState) {
				requireOpen(state, c.accountId);
				if (state.balance !== 0) {
					throw new RuleViolationError(`Account ${c.accountId} still holds ${state.balance}`, "BALANCE_NOT_ZERO", {
						balance: state.balance,
					});
				}
				return [{ type: "ledger.AccountClosed", data: c }];
			},
		}),
		debitForTransfer: defineCommand({
			description: "Transfer step: takes the transfer's amount from its source account, once.",
			schema: transferStep,
			aggregateId: (c) => c.accountId,
			decide(c, state: AccountState) {
				if (state.transferSteps.has(`${c.transferId}:debit`)) return [];
				requireOpen(state, c.accountId);
				requireCurrency(state, c.accountId, c);
				requireFunds(state, c.accountId, c);
				return [{ type: "ledger.MoneyWithdrawn", data: c }];
			},
		}),
		creditForTransfer: defineCommand({
			description: "Transfer step: adds the transfer's amount to its destination account, once.",
			schema: transferStep,
			aggregateId: (c) => c.accountId,
			decide(c, state: AccountState) {
				if (state.transferSteps.has(`${c.transferId}:credit`)) return [];
				requireOpen(state, c.accountId);
				requireCurrency(state, c.accountId, c);
				return [{ type: "ledger.MoneyDeposited", data: c }];
			},
		}),
		refundTransfer: defineCommand({
			description: "Transfer compensation: gives a failed transfer's debit back to its source account, once; allowed on a closed account.",
			schema: transferStep,
			aggregateId: (c) => c.accountId,
			decide(c, state: AccountState) {
				if (state.transferSteps.has(`${c.transferId}:refund`)) return [];
				if (!state.transferSteps.has(`${c.transferId}:debit`)) {
					throw new RuleViolationError(`Transfer ${c.transferId} never debited account ${c.accountId}`, "NOTHING_TO_REFUND");
				}
				return [{ type: "ledger.MoneyDeposited", data: { ...c, refund: true } }];
			},
		}),
	},
});
