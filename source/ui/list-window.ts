/** The first row of a `visible`-row window over `total` rows that keeps `selected` in view, centred-ish. */
export function windowStart(selected: number, visible: number, total: number): number {
	if (visible <= 0 || total <= visible) {
		return 0;
	}

	return Math.min(Math.max(0, selected - Math.floor(visible / 2)), total - visible);
}
