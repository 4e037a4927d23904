import type { Platform } from "./platform.ts";

/**
 * What a developer who just ran `npm start` needs: where the node serves, and how to get a
 * token for the routes that want one.
 */
export function welcome(platform: Platform): string {
	const { rest, grpc, ops } = platform.endpoints;
	const { config } = platform;
	const lines = [
		"",
		`platform ready (${config.profile} profile${config.profile === "embedded" ? `, data in ${config.embedded.dataDir}/` : ""})`,
	];
	if (rest) lines.push(`  REST     ${rest}/api/v1`, `  docs     ${rest}/api/openapi.json`);
	if (grpc) lines.push(`  gRPC     ${grpc} (server reflection on)`);
	if (ops) lines.push(`  ops      ${ops}/readyz  ${ops}/metrics`);
	if (rest) {
		const admin = config.authz.admins[0];
		const email = admin ?? "you@example.com";
		lines.push(
			"  a token:",
			`    curl -s ${rest}/api/v1/auth/register -H 'content-type: application/json' -d '{"email":"${email}","password":"choose a long password","displayName":"Me"}'`,
			`    curl -s ${rest}/api/v1/auth/login -H 'content-type: application/json' -d '{"email":"${email}","password":"choose a long password"}'`,
			admin
				? `    (${admin} holds every permission: authz.admins)`
				: "    (permissions come from roles: list administrators in authz.admins)",
		);
	}
	return lines.join("\n");
}
