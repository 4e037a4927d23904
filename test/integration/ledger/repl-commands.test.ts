import type { ServiceBroker } from "moleculer";
import { projectionCommands } from "../../../platform/repl/index.ts";
import { startBroker } from "../../support/broker.ts";
import { createTestDatabase, type TestDatabase } from "../../support/database.ts";
import { runCommand } from "../../support/repl.ts";
import { requireServers } from "../../support/servers.ts";

const run = (broker: ServiceBroker, name: string, params: object) => runCommand(projectionCommands, broker, name, params);

describe("REPL commands for projections", () => {
	let db: TestDatabase;
	let broker: ServiceBroker;
	beforeAll(async () => {
		await requireServers("postgres", "redis", "kafka");
		db = await createTestDatabase("repl");
		broker = await startBroker(["services/ledger/ledger.service.ts"], {
			PLATFORM_POSTGRES__URL: db.url,
			PLATFORM_EVENTS__TOPIC_PREFIX: `${db.name}.`,
		});
		await broker.call("ledger.openAccount", { accountId: "repl-1", owner: "Ann", currency: "EUR" });
	}, 60_000);
	afterAll(async () => {
		await broker?.stop();
		await db?.drop();
	});

	it("lists every projection of the cluster with the service that owns it", async () => {
		const printed = await run(broker, "projections", {});
		expect(printed).toMatch(/^ledger-accounts \| ledger \| /m);
		expect(printed).toMatch(/^ledger-transfers \| ledger \| /m);
	});

	it("rebuilds a projection by name and prints the report", async () => {
		expect(JSON.parse(await run(broker, "rebuild", { projection: "ledger-accounts" }))).toMatchObject({
			projection: "ledger-accounts",
			events: 1,
		});
	});

	it("names the projections to choose from when the name is unknown", async () => {
		await expect(run(broker, "replay", { projection: "nope" })).rejects.toThrow(/no projection named nope/);
	});
});
