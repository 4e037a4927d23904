import type { ServiceSchema } from "moleculer";
import { RestGatewayMixin } from "../../mixins/rest-gateway.mixin.ts";

export default {
	name: "api",
	mixins: [RestGatewayMixin],
} satisfies ServiceSchema;
