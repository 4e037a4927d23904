import type { ServiceSchema } from "moleculer";
import { GrpcGatewayMixin } from "../../mixins/grpc-gateway.mixin.ts";

export default {
	name: "grpc",
	mixins: [GrpcGatewayMixin],
} satisfies ServiceSchema;
