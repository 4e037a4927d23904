import { status } from "@grpc/grpc-js";
import { Errors } from "moleculer";
import { ConflictError, ValidationError } from "../../../platform/errors/index.ts";
import { grpcFailureOf } from "../../../platform/grpc/status.ts";

describe("gRPC status of an error", () => {
	it("tells the caller to retry when the node's transporter is down (Moleculer's 502)", () => {
		// Its typings ask for arguments its constructor does not take.
		const disconnected = new (Errors.BrokerDisconnectedError as unknown as new () => Error)();
		const failure = grpcFailureOf(disconnected, "trace-1");
		expect(failure.code).toBe(status.UNAVAILABLE);
		expect(failure.metadata.get("error-code")).toEqual(["UNAVAILABLE"]);
	});

	it("maps the other statuses as REST answers them", () => {
		expect(grpcFailureOf(new ValidationError([{ field: "amount", reason: "must be positive" }]), undefined).code).toBe(
			status.INVALID_ARGUMENT,
		);
		expect(grpcFailureOf(new ConflictError("changed"), undefined).code).toBe(status.ABORTED);
		expect(grpcFailureOf(new Errors.RequestTimeoutError({ action: "a.b", nodeID: "n" }), undefined).code).toBe(status.DEADLINE_EXCEEDED);
		expect(grpcFailureOf(new Error("boom"), undefined)).toMatchObject({
			code: status.INTERNAL,
			details: expect.not.stringContaining("boom"),
		});
	});
});
