import { z } from "zod";
import { defineEvent, EventCatalog, EventContractError } from "../../../platform/contracts/index.ts";

const openedV1 = defineEvent({
	type: "shop.CartOpened",
	version: 1,
	description: "A cart was opened.",
	schema: z.strictObject({ cartId: z.string(), owner: z.string() }),
	example: { cartId: "c-1", owner: "ann" },
});
const openedV2 = defineEvent({
	type: "shop.CartOpened",
	version: 2,
	description: "A cart was opened, in a currency.",
	schema: z.strictObject({ cartId: z.string(), owner: z.string(), currency: z.string().length(3) }),
	example: { cartId: "c-1", owner: "ann", currency: "EUR" },
	upcast: (v1) => ({ ...(v1 as object), currency: "EUR" }),
});

describe("EventCatalog", () => {
	const catalog = new EventCatalog([openedV1, openedV2]);

	it("upcasts a stored old version to the current one", () => {
		expect(catalog.decode("shop.CartOpened", 1, { cartId: "c-9", owner: "bo" })).toEqual({
			type: "shop.CartOpened",
			version: 2,
			data: { cartId: "c-9", owner: "bo", currency: "EUR" },
		});
	});

	it("names each bad field of a payload", () => {
		const attempt = () => catalog.validate("shop.CartOpened", 2, { cartId: 7, owner: "bo", currency: "EURO" });
		expect(attempt).toThrow(EventContractError);
		expect(attempt).toThrow(/data\.cartId .*; data\.currency /);
	});

	it("refuses an unknown type or version", () => {
		expect(() => catalog.decode("shop.Nope", 1, {})).toThrow(/unknown event type shop\.Nope/);
		expect(() => catalog.validate("shop.CartOpened", 3, {})).toThrow(/unknown version 3 of event type shop\.CartOpened/);
	});

	it("refuses a later version without an upcast, and a version declared twice", () => {
		expect(() => new EventCatalog([{ ...openedV2, upcast: undefined }])).toThrow(/needs an upcast from v1/);
		expect(() => new EventCatalog([openedV1, openedV1])).toThrow(/declared twice/);
	});

	it("gives the current version of a type", () => {
		expect(catalog.current("shop.CartOpened").version).toBe(2);
	});
});
