import { AppliedSignal } from "../../../platform/projections/applied-signal.ts";

describe("AppliedSignal.wait", () => {
	it("resolves when the projection commits the stream at the version or past it", async () => {
		const signal = new AppliedSignal();
		const started = performance.now();
		const waiting = signal.wait("accounts", "s-1", 3, 5_000);
		signal.applied("accounts", [{ streamId: "s-1", version: 4 }]);
		await waiting;
		expect(performance.now() - started).toBeLessThan(1_000);
	});

	it("keeps waiting through other projections, other streams and earlier versions, then gives up after its time", async () => {
		const signal = new AppliedSignal();
		let resolved = false;
		const waiting = signal.wait("accounts", "s-1", 3, 50).then(() => {
			resolved = true;
		});
		signal.applied("transfers", [{ streamId: "s-1", version: 9 }]);
		signal.applied("accounts", [{ streamId: "s-2", version: 9 }]);
		signal.applied("accounts", [{ streamId: "s-1", version: 2 }]);
		await new Promise((r) => setTimeout(r, 10));
		expect(resolved).toBe(false);
		await waiting;
		expect(resolved).toBe(true);
	});
});
