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
		const admin = config.authz.admin;
		const login = (email: string, password: string) =>
			`    curl -s ${rest}/api/v1/auth/login -H 'content-type: application/json' -d '{"email":"${email}","password":"${password}"}'`;
		lines.push("  a token:");
		if (admin) {
			// The password stays out of the logs; the developer has it in the config.
			lines.push(login(admin.email, "<authz.admin.password>"), `    (${admin.email} holds admin: authz.admin in config)`);
		} else {
			lines.push(
				`    curl -s ${rest}/api/v1/auth/register -H 'content-type: application/json' -d '{"email":"you@example.com","password":"choose a long password","displayName":"Me"}'`,
				login("you@example.com", "choose a long password"),
				"    (permissions come from roles: name the first administrator in authz.admin)",
			);
		}
	}
	return lines.join("\n");
}
