import type { ServiceBroker } from "moleculer";
import type { ProjectionStatus } from "./status.ts";

const REBUILD_ACTION = ".rebuildProjection";

/** The services (on any node) that run projections: ProjectionMixin gives them `<service>.rebuildProjection`. */
function projectionServices(broker: ServiceBroker): string[] {
	const actions = broker.registry.getActionList({ onlyAvailable: true, skipInternal: true }) as { name: string }[];
	return [...new Set(actions.filter((a) => a.name.endsWith(REBUILD_ACTION)).map((a) => a.name.slice(0, -REBUILD_ACTION.length)))];
}

/** The status of every projection in the cluster, each with the service that runs it. */
export async function clusterProjectionStatuses(broker: ServiceBroker): Promise<{ service: string; status: ProjectionStatus }[]> {
	const all = await Promise.all(
		projectionServices(broker).map(async (service) =>
			(await broker.call<ProjectionStatus[]>(`${service}.projections`)).map((status) => ({ service, status })),
		),
	);
	return all.flat();
}
