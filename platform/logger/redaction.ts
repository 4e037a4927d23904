/**
 * Keys that never reach a log line in clear text, at the top level or one to three levels
 * down (pino paths do not take a recursive wildcard).
 */
const SECRET_KEYS = [
	"authorization",
	"cookie",
	"password",
	"currentPassword",
	"newPassword",
	"passwordHash",
	"token",
	"accessToken",
	"refreshToken",
	"secret",
	"clientSecret",
	"apiKey",
	'"set-cookie"',
];

export const REDACTED_PATHS = SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`, `*.*.*.${key}`]);
