/**
 * The keys that appear more than once in one object of a JSON text. JSON.parse keeps the last
 * of them silently; log stores such as Elasticsearch refuse the whole document instead.
 */
export function repeatedKeys(json: string): string[] {
	const repeated: string[] = [];
	// One set of keys per open object; null for an open array.
	const open: (Set<string> | null)[] = [];
	let expectingKey = false;
	for (let i = 0; i < json.length; i++) {
		const ch = json[i];
		if (ch === "{") {
			open.push(new Set());
			expectingKey = true;
		} else if (ch === "[") open.push(null);
		else if (ch === "}" || ch === "]") open.pop();
		else if (ch === ",") expectingKey = open.at(-1) instanceof Set;
		else if (ch === '"') {
			let end = i + 1;
			// A line cut short ends the scan rather than running past it.
			while (end < json.length && json[end] !== '"') end += json[end] === "\\" ? 2 : 1;
			if (end >= json.length) break;
			const keys = open.at(-1);
			if (expectingKey && keys) {
				const key = JSON.parse(json.slice(i, end + 1)) as string;
				if (keys.has(key)) repeated.push(key);
				keys.add(key);
			}
			expectingKey = false;
			i = end;
		}
	}
	return repeated;
}
