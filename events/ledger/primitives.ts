import { z } from "zod";

/** Ids chosen by callers: short, URL- and topic-key-safe. */
export const id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "must be 1-64 letters, digits, '_' or '-'");

/** ISO 4217 alphabetic code. */
export const currency = z.string().regex(/^[A-Z]{3}$/, "must be an ISO 4217 code such as EUR");

/** An amount in the currency's minor unit (cents), always positive; the event says which way it moved. */
export const amount = z.number().int("must be an integer number of minor units").positive().max(Number.MAX_SAFE_INTEGER);
