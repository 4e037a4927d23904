/**
 * The eight 16-bit groups of an IPv6 address that `net.isIP` accepts: `::` expanded, a zone
 * id (`%eth0`) dropped, and an IPv4 address written in the last 32 bits (`::ffff:1.2.3.4`)
 * read as two groups.
 */
export function ipv6Groups(address: string): number[] {
	const [withoutZone = address] = address.split("%");
	const [head = "", tail] = withoutZone.split("::");
	const groups = (part: string) => (part === "" ? [] : part.split(":").flatMap(groupOrDotted));
	const left = groups(head);
	const right = tail === undefined ? [] : groups(tail);
	return [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
}

function groupOrDotted(group: string): number[] {
	if (!group.includes(".")) return [Number.parseInt(group, 16)];
	const [a = 0, b = 0, c = 0, d = 0] = group.split(".").map(Number);
	return [(a << 8) | b, (c << 8) | d];
}
