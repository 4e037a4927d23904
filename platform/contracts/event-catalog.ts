import { fieldIssues } from "../errors/index.ts";
import { EventContractError } from "./errors.ts";
import type { EventContract } from "./event-contract.ts";

/** A payload decoded to the current version of its type. */
export type DecodedEvent = { type: string; version: number; data: unknown };

/**
 * Every event type and version the platform knows. Appends are checked against the version
 * they carry; reads decode any known version and upcast it, step by step, to the newest.
 */
export class EventCatalog {
	readonly #byType = new Map<string, Map<number, EventContract>>();

	constructor(contracts: readonly EventContract[] = []) {
		for (const contract of contracts) this.register(contract);
	}

	register(contract: EventContract): void {
		const versions = this.#byType.get(contract.type) ?? new Map<number, EventContract>();
		if (versions.has(contract.version)) throw new Error(`event ${contract.type} v${contract.version} is declared twice`);
		if (contract.version > 1 && !contract.upcast)
			throw new Error(`event ${contract.type} v${contract.version} needs an upcast from v${contract.version - 1}`);
		versions.set(contract.version, contract);
		this.#byType.set(contract.type, versions);
	}

	has(type: string): boolean {
		return this.#byType.has(type);
	}

	/** The newest version of a type. */
	current(type: string): EventContract {
		const versions = this.#versions(type);
		return versions.get(Math.max(...versions.keys())) as EventContract;
	}

	/** Every contract, by type then version, for the published catalog. */
	all(): EventContract[] {
		return [...this.#byType.values()].flatMap((v) => [...v.values()].sort((a, b) => a.version - b.version));
	}

	/** Throws EventContractError naming the fields when `data` is not a valid `type` v`version`. */
	validate(type: string, version: number, data: unknown): void {
		const parsed = this.#contract(type, version).schema.safeParse(data);
		if (!parsed.success) throw new EventContractError(fieldIssues(parsed.error, "data"));
	}

	/** Validates a stored payload of any known version and upcasts it to the current one. */
	decode(type: string, version: number, data: unknown): DecodedEvent {
		this.validate(type, version, data);
		const newest = this.current(type).version;
		let payload = data;
		for (let v = version + 1; v <= newest; v++) payload = (this.#contract(type, v).upcast as (p: unknown) => unknown)(payload);
		return { type, version: newest, data: this.#contract(type, newest).schema.parse(payload) };
	}

	#versions(type: string): Map<number, EventContract> {
		const versions = this.#byType.get(type);
		if (!versions) throw new EventContractError([{ field: "type", reason: `unknown event type ${type}` }]);
		return versions;
	}

	#contract(type: string, version: number): EventContract {
		const contract = this.#versions(type).get(version);
		if (!contract) throw new EventContractError([{ field: "schemaVersion", reason: `unknown version ${version} of event type ${type}` }]);
		return contract;
	}
}
