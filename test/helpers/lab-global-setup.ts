import {spawnSync} from 'node:child_process';
import type {TestProject} from 'vitest/node';
import {labName, labScript, labUnavailableReason, startLab, stopLab, type Lab, type LabInfo} from './lab.js';

// Fixed names: a crashed run's leftovers are then found (and cleaned, when no node of them is
// alive) by the next run, instead of piling up. One e2e run per host at a time.
const labs = [
	{name: labName('sd'), kind: 'systemd'},
	{name: labName('sv'), kind: 'sysv'},
	{name: labName('or'), kind: 'openrc'},
] as const;

function info(lab: Lab): LabInfo {
	const {down: _down, ...rest} = lab;
	return rest;
}

/**
 * vitest globalSetup for the e2e project: brings up a systemd lab `sd`, a SysV lab `sv` and an OpenRC
 * lab `or` (node1..node3 each) in parallel, provides them as `inject('svctuiLabs')`, and tears them down
 * afterwards, also when setup fails half-way or the runner gets SIGINT/SIGTERM. Where the lab
 * cannot run (not root, missing tools), it provides the reason so tests skip with it.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
	const reason = labUnavailableReason();
	if (reason !== undefined) {
		project.provide('svctuiLabs', {available: false, reason});
		return async () => {};
	}

	let tornDown = false;
	// On a signal, tear down synchronously: the event loop may not get another turn.
	const onSignal = (signal: NodeJS.Signals): void => {
		if (!tornDown) {
			tornDown = true;
			for (const lab of labs) {
				spawnSync('bash', [labScript, 'down', '--name', lab.name], {stdio: 'ignore'});
			}
		}

		removeHandlers();
		// Only we were listening: keep the default meaning of the signal (terminate).
		if (process.listenerCount(signal) === 0) {
			process.kill(process.pid, signal);
		}
	};

	const removeHandlers = (): void => {
		process.off('SIGINT', onSignal);
		process.off('SIGTERM', onSignal);
	};

	process.on('SIGINT', onSignal);
	process.on('SIGTERM', onSignal);

	const teardown = async (): Promise<void> => {
		removeHandlers();
		if (tornDown) {
			return;
		}

		tornDown = true;
		const results = await Promise.allSettled(labs.map(async lab => stopLab(lab.name)));
		const failures = results.flatMap(result => (result.status === 'rejected' ? [String(result.reason)] : []));
		if (failures.length > 0) {
			throw new Error(`lab teardown failed:\n${failures.join('\n')}`);
		}
	};

	const started = await Promise.allSettled(labs.map(async lab => startLab({name: lab.name, kind: lab.kind, nodes: 3})));
	const [sd, sv, or] = started;
	if (sd?.status !== 'fulfilled' || sv?.status !== 'fulfilled' || or?.status !== 'fulfilled') {
		const errors = started.flatMap(result => (result.status === 'rejected' ? [String(result.reason)] : []));
		await teardown().catch((error: unknown) => {
			errors.push(String(error));
		});
		throw new Error(`could not start the test labs:\n${errors.join('\n')}`);
	}

	project.provide('svctuiLabs', {available: true, sd: info(sd.value), sv: info(sv.value), or: info(or.value)});
	return teardown;
}
