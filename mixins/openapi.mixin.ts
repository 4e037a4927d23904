import { readFileSync } from "node:fs";
import type { ServiceBroker, ServiceSchema } from "moleculer";
import { platformOf } from "../platform/bootstrap/index.ts";
import { type ExposedAction, type GatewayRoute, type OpenApiDocument, openApiDocument } from "../platform/openapi/index.ts";

/** What the document reads of a moleculer-web alias: one per route and action the gateway serves. */
type Alias = { method: string; fullPath: string; action: string | null };

/**
 * Adds the action `openapi` to a REST gateway (RestGatewayMixin serves it at
 * /api/openapi.json): the OpenAPI 3.1 document of every route the gateway serves. The routes
 * are moleculer-web's aliases, so the document shows exactly what is routed; the actions'
 * definitions come from the registry, so actions on other nodes are documented alike (their
 * definitions carry JSON Schemas, see platform/schemas). Built on the first request after the
 * aliases were (re)built.
 */
export const OpenApiMixin: Partial<ServiceSchema> = {
	actions: {
		openapi: {
			permissions: "public",
			description: "This document: every route of the REST gateway.",
			handler(): OpenApiDocument {
				this.openApi ??= documentOf(this.broker, this.aliases);
				return this.openApi;
			},
		},
	},
	events: {
		// moleculer-web's rebuild after services change, and RestGatewayMixin's at start.
		"$api.aliases.regenerated"() {
			this.openApi = undefined;
		},
		"$broker.started"() {
			this.openApi = undefined;
		},
	},
};

function documentOf(broker: ServiceBroker, aliases: Alias[]): OpenApiDocument {
	const actions = new Map(broker.registry.getActionList({}).map((item) => [item.name, item.action as ExposedAction | undefined]));
	const routes: GatewayRoute[] = [];
	for (const alias of aliases) {
		const action = alias.action ? actions.get(alias.action) : undefined;
		if (action) routes.push({ method: alias.method, path: alias.fullPath, action });
	}
	const pkg = JSON.parse(readFileSync(platformOf(broker).path("package.json"), "utf8")) as { name: string; version: string };
	return openApiDocument({ title: pkg.name, version: pkg.version }, routes);
}
