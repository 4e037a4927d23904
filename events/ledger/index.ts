import type { EventContract } from "../../platform/contracts/index.ts";
import { AccountClosed, AccountOpened, MoneyDeposited, MoneyWithdrawn } from "./account-events.ts";
import { TransferCompleted, TransferCredited, TransferDebited, TransferFailed, TransferRequested } from "./transfer-events.ts";

export * from "./account-events.ts";
export * from "./transfer-events.ts";

export const ledgerEvents: EventContract[] = [
	AccountOpened,
	MoneyDeposited,
	MoneyWithdrawn,
	AccountClosed,
	TransferRequested,
	TransferDebited,
	TransferCredited,
	TransferCompleted,
	TransferFailed,
];
