import { Errors } from "moleculer";
import { Counter, Registry } from "prom-client";
import { ConflictError, ErrorBus } from "../../../platform/errors/index.ts";
import { capturedLogger } from "../../support/captured-logger.ts";

function busWithRecords() {
	const { logger, lines, raw } = capturedLogger("info");
	const registry = new Registry();
	const counter = new Counter({ name: "errors_total", help: "errors", labelNames: ["kind", "code"] as const, registers: [registry] });
	const bus = new ErrorBus(logger, counter);
	const reported: string[] = [];
	bus.attach((_err, context) => reported.push(context.code));
	const counted = async () => (await counter.get()).values.map((v) => `${v.labels.kind} ${v.labels.code} ${v.value}`);
	return { bus, lines, raw, reported, counted };
}

const timeout = () => new Errors.RequestTimeoutError({ action: "slow.wait", nodeID: "n-1" });

describe("the error bus", () => {
	it("logs a caller's mistake at info and sends it nowhere else", async () => {
		const { bus, lines, raw, reported, counted } = busWithRecords();
		bus.report(new ConflictError("Account acc-1 already exists", "ACCOUNT_EXISTS"), { route: "POST /accounts" });
		expect(lines).toMatchObject([{ level: 30, msg: "request refused", reason: "Account acc-1 already exists", code: "ACCOUNT_EXISTS" }]);
		expect(raw[0]?.match(/"msg":/g)).toHaveLength(1);
		expect(reported).toEqual([]);
		expect(await counted()).toEqual(["business ACCOUNT_EXISTS 1"]);
	});

	it("warns of a timeout or a skipped nested call within the caller's own deadline, counted as ours but sent nowhere else", async () => {
		const { bus, lines, reported, counted } = busWithRecords();
		bus.report(timeout(), { route: "/fixtures.v1.SlowService/Wait", callerDeadline: true });
		bus.report(new Errors.RequestSkippedError({ action: "slow.inner", nodeID: "n-1" }), { action: "slow.wait", callerDeadline: true });
		expect(lines).toEqual([
			expect.objectContaining({ level: 40, msg: "request ran past the caller's deadline", code: "REQUEST_TIMEOUT" }),
			expect.objectContaining({ level: 40, msg: "request ran past the caller's deadline", code: "REQUEST_SKIPPED" }),
		]);
		expect(lines.filter((line) => "err" in line)).toEqual([]);
		expect(reported).toEqual([]);
		expect(await counted()).toEqual(["system REQUEST_TIMEOUT 1", "system REQUEST_SKIPPED 1"]);
	});

	it("counts the node's own timeout, and any other failure within a caller's deadline, as ours", async () => {
		const { bus, lines, reported, counted } = busWithRecords();
		bus.report(timeout(), { route: "GET /accounts/:id" });
		bus.report(new Error("connection reset"), { route: "/fixtures.v1.SlowService/Wait", callerDeadline: true });
		expect(lines).toMatchObject([
			{ level: 50, msg: "request failed", err: { stack: expect.stringContaining("RequestTimeoutError") } },
			{ level: 50, msg: "request failed" },
		]);
		expect(reported).toEqual(["REQUEST_TIMEOUT", "INTERNAL_ERROR"]);
		expect(await counted()).toEqual(["system REQUEST_TIMEOUT 1", "system INTERNAL_ERROR 1"]);
	});
});
