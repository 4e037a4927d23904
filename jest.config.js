/**
 * Jest on native ESM TypeScript: @swc/jest strips types and keeps `import`, and the test
 * script runs Node with --experimental-vm-modules. Integration suites share real servers,
 * so files run one at a time (each still isolates itself with its own database or names).
 */
export default {
	testEnvironment: "node",
	extensionsToTreatAsEsm: [".ts"],
	transform: {
		"^.+\\.ts$": ["@swc/jest", { jsc: { parser: { syntax: "typescript" }, target: "es2024" }, module: { type: "es6" } }],
	},
	testMatch: ["<rootDir>/test/**/*.test.ts", "<rootDir>/services/**/*.test.ts"],
	reporters: ["default", "<rootDir>/test/support/summary-reporter.js"],
	maxWorkers: 1,
	// Suites prefix their Kafka topics with their database's name; this deletes those whose database is gone.
	globalTeardown: "<rootDir>/test/support/orphaned-topics.ts",
	testTimeout: 60_000,
};
