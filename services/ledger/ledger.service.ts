import { EventSourcedMixin } from "../../mixins/event-sourced.mixin.ts";
import { PlatformMixin, type PlatformServiceSchema } from "../../mixins/platform.mixin.ts";
import { account } from "./domain/account.ts";
import { transfer } from "./domain/transfer.ts";

/**
 * The ledger's commands: openAccount, deposit, withdraw, closeAccount and requestTransfer,
 * plus the transfer steps its process manager issues. Each replies { streamId, version, position }.
 */
export default {
	name: "ledger",
	mixins: [PlatformMixin, EventSourcedMixin(account), EventSourcedMixin(transfer)],
} satisfies PlatformServiceSchema;
