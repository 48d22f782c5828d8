/** Cut `text` into lines of at most `width` characters, at spaces where it can. */
export function wrapText(text: string, width: number): string[] {
	const limit = Math.max(1, width);
	const lines: string[] = [];
	let rest = text.trim();
	while ([...rest].length > limit) {
		const chars = [...rest];
		const head = chars.slice(0, limit + 1).join('');
		const cut = head.lastIndexOf(' ');
		const at = cut > 0 ? cut : limit;
		lines.push(chars.slice(0, at).join('').trimEnd());
		rest = chars.slice(at).join('').trimStart();
	}

	if (rest !== '' || lines.length === 0) {
		lines.push(rest);
	}

	return lines;
}
