import {expect, it} from 'vitest';
import {isValidServiceName as executorAccepts} from '../../source/executor/service-commands.js';
import {isValidServiceName as planAccepts} from '../../source/plan/service-names.js';

// A name `validate` calls OK must also be one the executor builds a command from: otherwise a plan passes
// validation and then fails at run time (the executor's check is the second line of defence, not a rival).
it('every service name the plan accepts, the executor accepts', () => {
	let seed = 7;
	const random = () => {
		seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
		return seed / 2_147_483_648;
	};

	const alphabet = 'ab1_.@:-\\ $;`\'"|&/x*?~\n';
	const names = ['cron', 'getty@tty1', 'a:b', 'x\\x2d', ':a', '\\a', '-a', '.a', '@a', 'a@b@c', 'a'.repeat(255), 'a'.repeat(256)];
	for (let index = 0; index < 20_000; index++) {
		const length = 1 + Math.floor(random() * 6);
		names.push(Array.from({length}, () => alphabet[Math.floor(random() * alphabet.length)]).join(''));
	}

	const disagreements = names.filter(name => planAccepts(name) && !executorAccepts(name));
	expect(disagreements).toEqual([]);
	expect(names.filter(name => planAccepts(name)).length).toBeGreaterThan(100);
});
