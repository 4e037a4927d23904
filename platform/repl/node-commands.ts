import type { ServiceBroker } from "moleculer";
import type { ReadinessReport } from "../health/index.ts";

type Helpers = { table: (rows: unknown[][]) => string };
type NodeInfo = { id: string; available: boolean };

/** One node's row: its own readiness report, or why it gave none. */
async function rowOf(broker: ServiceBroker, node: NodeInfo): Promise<unknown[]> {
	if (!node.available) return [node.id, "", "unavailable", ""];
	try {
		// `nodeID` pins the call to that node: each node answers for the servers it reaches itself.
		const report = await broker.call<ReadinessReport, object>("system.health", {}, { nodeID: node.id });
		const checks = Object.entries(report.checks).map(
			([name, c]) => `${name} ${c.status} ${c.latencyMs}ms${c.error ? ` (${c.error})` : ""}`,
		);
		return [node.id, report.state, report.status, checks.join(", ")];
	} catch (err) {
		// A node without the system module (or one that stopped meanwhile) still gets its line.
		return [node.id, "", "no answer", (err as Error).message];
	}
}

/**
 * REPL commands for the cluster (moleculer-repl custom commands): `nodes-health` asks every
 * node in the registry for the readiness report its /readyz gives, so an operator sees the whole
 * cluster without reaching each node's ops port.
 */
export const nodeCommands = [
	{
		command: "nodes-health",
		description: "Readiness of every node in the cluster, with each check's status and latency",
		async action(broker: ServiceBroker, _params: unknown, { table }: Helpers) {
			const nodes = await broker.call<NodeInfo[], object>("$node.list", {});
			const rows = await Promise.all(nodes.map((node) => rowOf(broker, node)));
			console.log(table([["node", "state", "status", "checks"], ...rows]));
		},
	},
];
