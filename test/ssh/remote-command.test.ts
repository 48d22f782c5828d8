import {spawn} from 'node:child_process';
import {existsSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {shellQuote, wrapRemoteCommand, wrapperScript} from '../../source/ssh/remote-command.js';

describe('remote command wrapper', () => {
	it('is one line whose only `!`s are followed by a blank, so csh-family login shells can parse the exec string', () => {
		for (const text of [wrapperScript, wrapRemoteCommand('systemctl restart nginx')]) {
			expect(text).not.toMatch(/[\n\r]/);
			// csh history substitution: `!` followed by anything but a blank, `=` or `(`.
			expect(text).not.toMatch(/![^ \t=(]/);
		}
	});

	it('quotes the command so it reaches the remote shell byte for byte', () => {
		expect(shellQuote(`it's "x" $HOME`)).toBe(`'it'\\''s "x" $HOME'`);
	});

	// The exec string as a login shell runs it (`$SHELL -c STRING`), here locally. Stdin stays open until the command
	// ends, as the channel does: EOF on it means "abort" to the wrapper.
	for (const shell of ['/bin/sh', '/bin/bash'].filter(path => existsSync(path))) {
		it(`runs under ${shell}: output, exit code, and a signal exit re-raised`, async () => {
			const run = async (command: string): Promise<{status: number | null; signal: NodeJS.Signals | null; stdout: string}> => {
				const child = spawn(shell, ['-c', wrapRemoteCommand(command)], {stdio: ['pipe', 'pipe', 'inherit']});
				let stdout = '';
				child.stdout.on('data', (data: Buffer) => {
					stdout += data.toString();
				});
				return new Promise(resolve => {
					child.on('close', (status, signal) => {
						resolve({status, signal, stdout});
					});
				});
			};

			expect(await run(`printf '%s\\n' "a b" 'it'"'"'s'`)).toEqual({status: 0, signal: null, stdout: "a b\nit's\n"});
			expect(await run('exit 3')).toMatchObject({status: 3, signal: null});
			expect(await run('kill -TERM $$')).toMatchObject({status: null, signal: 'SIGTERM'});
		});
	}
});
