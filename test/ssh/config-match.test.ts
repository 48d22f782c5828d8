import {fc, test} from '@fast-check/vitest';
import SSHConfig from 'ssh-config';
import {describe, expect, it} from 'vitest';
import {parseConfig} from '../../source/ssh/config-match.js';

// linesFor keeps, for an alias, the lines ssh-config's own compute would use: Host lines of plain names are
// found through a map (a site's config has a block per node), the rest are tested. Compared with compute
// over the whole text, on random configurations.

const names = ['node1', 'node2', 'node10', 'web1', 'login'];
const pattern = fc.constantFrom(...names, 'node*', 'node?', '*', '!node2', '!web*', 'web?', 'NODE1');
const hostLine = fc.array(pattern, {minLength: 1, maxLength: 3}).map(patterns => `Host ${patterns.join(' ')}`);
const directive = fc.tuple(fc.constantFrom('Port', 'User', 'HostName', 'IdentityFile', 'SendEnv'), fc.integer({min: 1, max: 9})).map(([key, value]) => `  ${key} v${value}`);
const block = fc.tuple(fc.oneof({weight: 5, arbitrary: hostLine}, {weight: 1, arbitrary: fc.constant('Match all')}), fc.array(directive, {maxLength: 3})).map(([head, body]) => [head, ...body].join('\n'));
const config = fc.tuple(fc.array(directive, {maxLength: 2}), fc.array(block, {maxLength: 10})).map(([global, blocks]) => [...global.map(line => line.trim()), ...blocks].join('\n'));

const options = {ignoreCase: true, matchExec: false} as const;

describe('parseConfig().linesFor', () => {
	test.prop([config, fc.constantFrom(...names, 'other')], {numRuns: 400})('computes what the whole configuration computes', (text, alias) => {
		expect(parseConfig(text).linesFor(alias).compute(alias, options)).toEqual(SSHConfig.parse(text).compute(alias, options));
	});

	it('keeps file order between named and wildcard blocks, and one line naming a host twice once', () => {
		const text = ['Host node*', '  Port 1', 'Host node1 node1', '  Port 2', '  User a', 'Host *', '  User b', '  HostName h'].join('\n');
		const lines = parseConfig(text).linesFor('node1');
		expect(lines.length).toBe(3);
		expect(lines.compute('node1', options)).toMatchObject({port: '1', user: 'a', hostname: 'h'});
		expect(parseConfig(text).linesFor('node2').length).toBe(2);
	});
});
