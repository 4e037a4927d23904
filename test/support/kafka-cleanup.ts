import type { Admin } from "kafkajs";

/**
 * Deletes every topic and consumer group whose name `matches`. A group still held by a member
 * the broker has not timed out yet stays (Kafka drops it once it is empty and its offsets
 * expire); the error saying so is returned, not thrown.
 */
export async function deleteTopicsAndGroups(admin: Admin, matches: (name: string) => boolean): Promise<Error | undefined> {
	const topics = (await admin.listTopics()).filter(matches);
	if (topics.length > 0) await admin.deleteTopics({ topics });
	const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter(matches);
	if (groups.length === 0) return undefined;
	return admin.deleteGroups(groups).then(
		() => undefined,
		(err: Error) => err,
	);
}
