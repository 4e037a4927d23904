/** The administrator config/test.yaml names (authz.admin); the node registers it at start. */
export const TEST_ADMIN = { email: "admin@platform.test", password: "test admin password", displayName: "Test admin" };

/**
 * Registers the user through a node's REST gateway (or finds it registered) and logs it in,
 * sending `headers` along (say, X-Forwarded-For); the access token, as `Authorization` headers.
 */
export async function signedIn(
	apiBase: string,
	user: { email: string; password: string; displayName: string } = TEST_ADMIN,
	headers: Record<string, string> = {},
): Promise<{ authorization: string }> {
	const post = (path: string, body: object) =>
		fetch(`${apiBase}/api/v1/auth/${path}`, {
			method: "POST",
			headers: { "content-type": "application/json", ...headers },
			body: JSON.stringify(body),
		});
	const registered = await post("register", user);
	if (registered.status !== 201 && registered.status !== 409)
		throw new Error(`register answered ${registered.status}: ${await registered.text()}`);
	const login = await post("login", { email: user.email, password: user.password });
	if (login.status !== 200) throw new Error(`login answered ${login.status}: ${await login.text()}`);
	const { accessToken } = (await login.json()) as { accessToken: string };
	return { authorization: `Bearer ${accessToken}` };
}
