import { PlatformMixin, type PlatformServiceSchema } from "../../mixins/platform.mixin.ts";
import { ProjectionMixin } from "../../mixins/projection.mixin.ts";
import { accountsProjection } from "../../services/ledger/projections/accounts.projection.ts";

/**
 * The pipeline benchmark's node: the ledger's accounts projection alone (one consumer group,
 * like its peer), no commands, transfers or process manager. Named `ledger.*`, so the node
 * runs the ledger module's migrations.
 */
export default {
	name: "ledger.accounts-projection",
	mixins: [PlatformMixin, ProjectionMixin([accountsProjection])],
} satisfies PlatformServiceSchema;
