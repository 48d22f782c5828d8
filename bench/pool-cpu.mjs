// Server CPU of a scale pool (test/cluster/scale.sh), shared by the benchmarks that compare it across tools.
import {readdirSync, readFileSync, readlinkSync} from 'node:fs';
import path from 'node:path';

const ticks = 100; // USER_HZ on Linux

/** Every process of the pool in `poolDir` now: those in its PID 1's pid namespace (host PIDs, as strings). */
export function poolPids(poolDir) {
	const [pid] = readFileSync(path.join(poolDir, 'pid'), 'utf8').trim().split(' ');
	const namespace = readlinkSync(`/proc/${pid}/ns/pid`);
	return readdirSync('/proc').filter(entry => {
		try {
			return /^\d+$/.test(entry) && readlinkSync(`/proc/${entry}/ns/pid`) === namespace;
		} catch {
			return false; // ended meanwhile
		}
	});
}

/** CPU seconds used so far by every process of the pool in `poolDir` (PID 1's namespace), reaped children included. */
export function poolCpu(poolDir) {
	let total = 0;
	for (const entry of poolPids(poolDir)) {
		try {
			const fields = readFileSync(`/proc/${entry}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
			// utime stime cutime cstime are fields 14-17 (1-based), 12-15 after the name.
			total += (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / ticks;
		} catch {
			// The process ended meanwhile; its parent's cutime has it now.
		}
	}

	return total;
}
