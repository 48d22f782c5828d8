import {spawn} from 'node:child_process';
import {accessSync, constants, existsSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import type {} from 'vitest';

/**
 * Service manager of the lab's nodes: systemd as PID 1, or sysvinit as PID 1 running Debian's sysv-rc
 * (`sysv`) or Debian's OpenRC (`openrc`) from its inittab.
 */
export type LabKind = 'systemd' | 'sysv' | 'openrc';

const labKinds: readonly LabKind[] = ['systemd', 'sysv', 'openrc'];

function isLabKind(kind: string): kind is LabKind {
	return (labKinds as readonly string[]).includes(kind);
}

/** Plain, serialisable description of a running lab (what the global setup provides to tests). */
export type LabInfo = {
	/** Lab name (also the suffix of its bridge, namespaces and cgroups). */
	readonly name: string;
	readonly kind: LabKind;
	/** Directory holding the generated client files. */
	readonly dir: string;
	/** OpenSSH client config with one Host block per node: `ssh -F sshConfig node1 true`. */
	readonly sshConfig: string;
	/** known_hosts with every node's host key. */
	readonly knownHosts: string;
	/** Private key authorised for root on every node. */
	readonly identity: string;
	/** Node names, node1..nodeN. */
	readonly nodes: readonly string[];
};

/** A running lab; `down()` tears it down (idempotent). */
export type Lab = LabInfo & {down(): Promise<void>};

/** Options of {@link startLab}. */
export type StartLabOptions = {
	/** Lab name, `[a-z][a-z0-9]{0,7}`; labs with distinct names may be up together. */
	readonly name: string;
	/** @default 'systemd' */
	readonly kind?: LabKind;
	/** @default 3 */
	readonly nodes?: number;
	/** @default `/run/svctui-lab/<name>` */
	readonly dir?: string;
	/** Seconds `up` waits for every node to answer ssh. @default 180 */
	readonly timeoutSeconds?: number;
	/**
	 * PID whose exit tears the lab down (a detached watcher polls it), so a runner or worker that
	 * dies without teardown leaks nothing; `false` keeps the lab until `down`.
	 * @default process.pid
	 */
	readonly owner?: number | false;
	/** Called with each line `lab.sh` writes to stderr (progress). */
	readonly onLog?: (line: string) => void;
};

/**
 * A lab name with this checkout's prefix: `SVCTUI_LAB_PREFIX` (one or two of `[a-z0-9]`, starting
 * with a letter) lets several checkouts on one host run their e2e suites at once, each with its own
 * labs, bridges and subnets. Without it the names are the plain ones (`sd`, `sv`, `smoke` …).
 */
export function labName(base: string): string {
	const prefix = process.env['SVCTUI_LAB_PREFIX'] ?? '';
	if (!/^(?:[a-z][a-z0-9]?)?$/.test(prefix)) {
		throw new Error(`SVCTUI_LAB_PREFIX must be one or two of [a-z0-9] starting with a letter, not ${JSON.stringify(prefix)}`);
	}

	return prefix + base;
}

/** What the global setup provides under the `svctuiLabs` key. */
export type LabProvision =
	| {readonly available: true; readonly sd: LabInfo; readonly sv: LabInfo; readonly or: LabInfo}
	| {readonly available: false; readonly reason: string};

declare module 'vitest' {
	export interface ProvidedContext {
		svctuiLabs: LabProvision;
	}
}

/** The lab script; resolved from this file so tests work from any working directory. */
export const labScript = fileURLToPath(new URL('../cluster/lab.sh', import.meta.url));

const requiredTools = ['bash', 'ip', 'unshare', 'nsenter', 'ssh', 'ssh-keygen', 'setsid', 'flock', 'mount', 'awk', 'debootstrap'];

function onPath(tool: string): boolean {
	for (const directory of (process.env['PATH'] ?? '').split(path.delimiter)) {
		if (directory === '') {
			continue;
		}

		try {
			accessSync(path.join(directory, tool), constants.X_OK);
			return true;
		} catch {}
	}

	return false;
}

/**
 * Why the lab cannot run here, or `undefined` when it can. Tests skip with this reason.
 * Checks: Linux, root, the tools `lab.sh` and `build-images.sh` call (systemd-nspawn only for
 * systemd labs), namespaces and overlayfs in the kernel. `SVCTUI_LAB_SKIP=1` forces a skip.
 */
export function labUnavailableReason(kinds: readonly LabKind[] = labKinds): string | undefined {
	if (process.env['SVCTUI_LAB_SKIP'] !== undefined && process.env['SVCTUI_LAB_SKIP'] !== '' && process.env['SVCTUI_LAB_SKIP'] !== '0') {
		return 'SVCTUI_LAB_SKIP is set';
	}

	if (process.platform !== 'linux') {
		return `the lab needs Linux namespaces (platform is ${process.platform})`;
	}

	if (process.getuid?.() !== 0) {
		return 'the lab needs root (network, pid and mount namespaces, bridges, overlay mounts): run the e2e tests as root';
	}

	const tools = kinds.includes('systemd') ? [...requiredTools, 'systemd-nspawn'] : requiredTools;
	const missing = tools.filter(tool => !onPath(tool));
	if (missing.length > 0) {
		return `missing tools: ${missing.join(', ')} (Debian: apt-get install debootstrap systemd-container openssh-client iproute2 util-linux)`;
	}

	for (const ns of ['net', 'pid', 'mnt', 'uts', 'ipc']) {
		if (!existsSync(`/proc/self/ns/${ns}`)) {
			return `the kernel has no ${ns} namespaces (/proc/self/ns/${ns} is missing)`;
		}
	}

	let filesystems = '';
	try {
		filesystems = readFileSync('/proc/filesystems', 'utf8');
	} catch {}

	// overlay may be a module that is not loaded yet: lab.sh tries modprobe, so only fail when
	// neither the running kernel nor its module tree has it.
	if (!/\toverlay$/m.test(filesystems) && !existsSync(`/sys/module/overlay`) && !hasOverlayModule()) {
		return 'the kernel has no overlay file system (overlayfs), needed for the nodes\' copy-on-write roots';
	}

	return undefined;
}

function hasOverlayModule(): boolean {
	try {
		const release = readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim();
		return readFileSync(`/lib/modules/${release}/modules.dep`, 'utf8').includes('/overlay.ko');
	} catch {
		return false;
	}
}

type RunResult = {code: number | null; signal: NodeJS.Signals | null; stderr: string};

function runLabScript(args: readonly string[], onLog?: (line: string) => void): Promise<RunResult> {
	return new Promise((resolve, reject) => {
		// stdin closed: nothing below may wait for input. Node launchers redirect their own
		// output to per-node logs, so 'close' does not wait for the nodes.
		const child = spawn('bash', [labScript, ...args], {stdio: ['ignore', 'ignore', 'pipe']});
		let stderr = '';
		let partial = '';
		child.stderr.setEncoding('utf8');
		child.stderr.on('data', (chunk: string) => {
			stderr += chunk;
			if (onLog) {
				const lines = (partial + chunk).split('\n');
				partial = lines.pop() ?? '';
				for (const line of lines) {
					onLog(line);
				}
			}
		});
		child.on('error', reject);
		child.on('close', (code, signal) => {
			if (onLog && partial !== '') {
				onLog(partial);
			}

			resolve({code, signal, stderr});
		});
	});
}

function lastLines(text: string, count: number): string {
	return text.trimEnd().split('\n').slice(-count).join('\n');
}

/** Read the `env` file `lab.sh up` wrote into `dir` (KEY='value' lines). */
export function readLabInfo(dir: string): LabInfo {
	const values = new Map<string, string>();
	for (const line of readFileSync(path.join(dir, 'env'), 'utf8').split('\n')) {
		const match = /^export (SVCTUI_LAB_[A-Z_]+)='([^']*)'$/.exec(line);
		if (match?.[1] !== undefined && match[2] !== undefined) {
			values.set(match[1], match[2]);
		}
	}

	const get = (key: string): string => {
		const value = values.get(key);
		if (value === undefined) {
			throw new Error(`${path.join(dir, 'env')}: ${key} is missing (was it written by test/cluster/lab.sh?)`);
		}

		return value;
	};

	const kind = get('SVCTUI_LAB_KIND');
	if (!isLabKind(kind)) {
		throw new Error(`${path.join(dir, 'env')}: SVCTUI_LAB_KIND is '${kind}', expected ${labKinds.join(', ')}`);
	}

	return {
		name: get('SVCTUI_LAB_NAME'),
		kind,
		dir: get('SVCTUI_LAB_DIR'),
		sshConfig: get('SVCTUI_LAB_SSH_CONFIG'),
		knownHosts: get('SVCTUI_LAB_KNOWN_HOSTS'),
		identity: get('SVCTUI_LAB_IDENTITY'),
		nodes: get('SVCTUI_LAB_NODES').split(' ').filter(node => node !== ''),
	};
}

/** Tear down the lab called `name` (idempotent; waits for a concurrent `up` of it to finish). */
export async function stopLab(name: string, dir?: string): Promise<void> {
	const result = await runLabScript(['down', '--name', name, ...(dir === undefined ? [] : ['--dir', dir])]);
	if (result.code !== 0) {
		throw new Error(`lab.sh down --name ${name} failed (${result.code ?? result.signal}):\n${lastLines(result.stderr, 20)}`);
	}
}

/**
 * Bring a lab up with `test/cluster/lab.sh up` (building the cached images on first use) and
 * resolve once every node answers `ssh -F <sshConfig> <node> true`. Rejects with the script's
 * last lines of output; the script has then already torn down what it had started.
 */
export async function startLab(options: StartLabOptions): Promise<Lab> {
	const args = ['up', '--name', options.name, '--kind', options.kind ?? 'systemd', '--nodes', String(options.nodes ?? 3)];
	if (options.dir !== undefined) {
		args.push('--dir', options.dir);
	}

	const owner = options.owner ?? process.pid;
	if (owner !== false) {
		args.push('--owner', String(owner));
	}

	if (options.timeoutSeconds !== undefined) {
		args.push('--timeout', String(options.timeoutSeconds));
	}

	const result = await runLabScript(args, options.onLog);
	if (result.code !== 0) {
		throw new Error(`lab.sh ${args.join(' ')} failed (${result.code ?? result.signal}):\n${lastLines(result.stderr, 30)}`);
	}

	const info = readLabInfo(options.dir ?? path.join('/run/svctui-lab', options.name));
	return {...info, down: async () => stopLab(info.name, info.dir)};
}

/** Result of {@link labSsh}. */
export type LabSshResult = {readonly code: number | null; readonly stdout: string; readonly stderr: string};

/**
 * Run `command` on `node` with the OpenSSH client and the lab's generated config
 * (`ssh -F <sshConfig> -n <node> <command>`); resolves with its exit code and output.
 */
export async function labSsh(lab: LabInfo, node: string, command: string): Promise<LabSshResult> {
	return new Promise((resolve, reject) => {
		// -n: ssh must not read (and swallow) our stdin.
		const child = spawn('ssh', ['-F', lab.sshConfig, '-n', node, command], {stdio: ['ignore', 'pipe', 'pipe']});
		let stdout = '';
		let stderr = '';
		child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
			stdout += chunk;
		});
		child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
			stderr += chunk;
		});
		child.on('error', reject);
		child.on('close', code => {
			resolve({code, stdout, stderr});
		});
	});
}
