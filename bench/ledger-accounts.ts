import type { ServiceBroker } from "moleculer";

/** The accounts every ledger benchmark spreads its load over, opened before it measures. */
export const ACCOUNTS = Array.from({ length: 100 }, (_, i) => `bench-${i}`);
export const CURRENCY = "EUR";

/** The ledger's stream id of an account (the aggregate's stream prefix and the account id). */
export const streamOf = (accountId: string) => `ledger-account-${accountId}`;

export async function openAccounts(broker: ServiceBroker): Promise<void> {
	for (const accountId of ACCOUNTS) await broker.call("ledger.openAccount", { accountId, owner: "Bench", currency: CURRENCY });
}

/** A deposit's command params and, as stored, its event data. */
export const depositOf = (accountId: string) => ({ accountId, amount: 1, currency: CURRENCY });
