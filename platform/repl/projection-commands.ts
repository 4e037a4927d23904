import type { ServiceBroker } from "moleculer";
import { clusterProjectionStatuses, type DeadLetter } from "../projections/index.ts";

type Helpers = { table: (rows: unknown[][]) => string };
/** What moleculer-repl passes as the second argument (its typings say string[]; it is this). */
type Params = { projection?: string };

async function ownerOf(broker: ServiceBroker, projection: string): Promise<string> {
	const found = (await clusterProjectionStatuses(broker)).find((s) => s.status.name === projection);
	if (!found) throw new Error(`no projection named ${projection}; see \`projections\``);
	return found.service;
}

/** A command's action that calls `<owning service>.<action> { name: projection }` and prints the reply. */
function onOwner(action: string) {
	return async (broker: ServiceBroker, params: unknown) => {
		const { projection } = params as Params;
		const service = await ownerOf(broker, projection as string);
		console.log(await broker.call(`${service}.${action}`, { name: projection }));
	};
}

/**
 * REPL commands for projections (moleculer-repl custom commands): `projections` lists every
 * projection in the cluster with its position, lag and errors; `rebuild <projection>`,
 * `dead-letters <projection>` and `replay <projection>` call the owning service's actions.
 */
export const projectionCommands = [
	{
		command: "projections",
		description: "Status of every projection in the cluster",
		async action(broker: ServiceBroker, _params: unknown, { table }: Helpers) {
			const rows = (await clusterProjectionStatuses(broker)).map(({ service, status: s }) => [
				s.name,
				service,
				s.position,
				s.lagPositions,
				s.applied,
				s.deadLettered,
				s.parked,
				s.lastError ?? "",
			]);
			console.log(table([["projection", "service", "position", "lag", "applied", "dead-lettered", "parked", "last error"], ...rows]));
		},
	},
	{
		command: "rebuild <projection>",
		description: "Rebuild a projection from the event store while it keeps serving",
		action: onOwner("rebuildProjection"),
	},
	{
		command: "dead-letters <projection>",
		description: "The events a projection parked after their last attempt (replay applies them again)",
		async action(broker: ServiceBroker, params: unknown, { table }: Helpers) {
			const { projection } = params as Params;
			const service = await ownerOf(broker, projection as string);
			const parked = await broker.call<DeadLetter[], object>(`${service}.deadLetters`, { name: projection });
			const rows = parked.map((d) => [d.position, d.type, d.streamId, d.attempts, d.error, new Date(d.parkedAt).toISOString()]);
			console.log(table([["position", "type", "stream", "attempts", "error", "parked at"], ...rows]));
		},
	},
	{
		command: "replay <projection>",
		description: "Apply a projection's dead-lettered events again",
		action: onOwner("replayDeadLetters"),
	},
];
