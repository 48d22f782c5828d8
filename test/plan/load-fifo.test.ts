import {execFileSync, spawn} from 'node:child_process';
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {loadPlanFile, PlanError} from '../../source/plan/load.js';

// Plans read from FIFOs (`svctui validate <(generate-plan)`). Apart from load.test.ts because stryker runs
// tests in worker threads, and a thread torn down while a FIFO read is pending aborts the process.

async function loadError(path: string, options: Parameters<typeof loadPlanFile>[1] = {}): Promise<PlanError> {
	try {
		await loadPlanFile(path, options);
	} catch (error) {
		if (error instanceof PlanError) {
			return error;
		}

		throw error;
	}

	throw new Error(`${path} loaded, but it should not`);
}

describe('plans from FIFOs', () => {
	let directory: string;
	beforeAll(async () => {
		directory = await mkdtemp(join(tmpdir(), 'svctui-plan-fifo-'));
	});
	afterAll(async () => {
		await rm(directory, {recursive: true, force: true});
	});

	it('a FIFO with no writer ends at the deadline instead of blocking forever', async () => {
		const path = join(directory, 'no-writer.fifo');
		execFileSync('mkfifo', [path]);
		const started = Date.now();
		const error = await loadError(path, {source: 'no-writer.fifo', fifoTimeoutMs: 300});
		expect(error.message).toBe('no-writer.fifo: a FIFO that gave no complete plan within 0.3 s; start the program that writes it first, or pass a file');
		expect(Date.now() - started).toBeLessThan(3000);
	});

	it('a FIFO whose writer comes a little later is read to its end', async () => {
		const path = join(directory, 'late-writer.fifo');
		execFileSync('mkfifo', [path]);
		const writer = spawn('sh', ['-c', 'sleep 0.2; printf -- "- cron:\\n    state: status\\n    nodes: node1\\n" > "$1"', 'sh', path]);
		const plan = await loadPlanFile(path, {fifoTimeoutMs: 5000});
		expect(plan.steps).toHaveLength(1);
		await new Promise(resolve => writer.on('close', resolve));
	});

	it('a FIFO that never stops writing is cut at the size cap', async () => {
		const path = join(directory, 'endless.fifo');
		execFileSync('mkfifo', [path]);
		const writer = spawn('sh', ['-c', 'exec yes "# filler" > "$1"', 'sh', path]);
		const error = await loadError(path, {source: 'endless.fifo', fifoTimeoutMs: 5000});
		expect(error.message).toBe('endless.fifo: file is larger than 1048576 bytes (1 MiB); a plan is a short list of steps');
		writer.kill();
	});
});
