/**
 * moleculer-web's `onAfterCall` hook of a route: a successful answer gets the status its action
 * declares (`successStatus`, e.g. 201 for a creation) unless the handler set one, else 200.
 * The declaration travels with the action's definition, so it holds for actions on other nodes.
 */
export function answerSuccessStatus(
	ctx: { meta: { $statusCode?: number } },
	_route: unknown,
	req: { $action?: { successStatus?: number } },
	_res: unknown,
	data: unknown,
): unknown {
	const status = req.$action?.successStatus;
	if (status !== undefined && ctx.meta.$statusCode === undefined) ctx.meta.$statusCode = status;
	return data;
}

// moleculer's service.d.ts is `export = Service`: its namespace members are the module's own.
declare module "../../node_modules/moleculer/src/service.js" {
	interface ActionSchema<TThis> {
		/** The REST gateway's status for a successful answer when it is not 200, e.g. 201 for a creation. */
		successStatus?: number;
	}
}
