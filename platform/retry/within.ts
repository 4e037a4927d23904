import { sleep } from "./backoff.ts";

/**
 * Waits for `work` at most `ms`; true when it settled in time. For shutdown steps that talk
 * to a server which may not answer (a Kafka broker mid-rebalance): what they leave undone is
 * safe to leave (a relay batch is sent again, a consumer's membership expires), a hung exit is not.
 */
export async function settledWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
	const done = work.then(
		() => true,
		() => true,
	);
	return Promise.race([done, sleep(ms).then(() => false)]);
}
