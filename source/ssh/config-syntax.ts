import SSHConfig from 'ssh-config';
import {UserError} from '../errors.js';

// Parsing, line by line: which lines of an ssh_config OpenSSH's client refuses, read with its own tokenizer.

/**
 * Every keyword OpenSSH's client accepts (ssh_config(5) of 9.2, the aliases and deprecated names readconf.c
 * still knows, and the keywords of later releases, so a newer user's file is not refused), lower-cased.
 */
const knownKeywords: ReadonlySet<string> = new Set([
	'addkeystoagent', 'addressfamily', 'batchmode', 'bindaddress', 'bindinterface', 'canonicaldomains', 'canonicalizefallbacklocal',
	'canonicalizehostname', 'canonicalizemaxdots', 'canonicalizepermittedcnames', 'casignaturealgorithms', 'certificatefile',
	'checkhostip', 'ciphers', 'clearallforwardings', 'compression', 'connecttimeout', 'connectionattempts', 'controlmaster',
	'controlpath', 'controlpersist', 'dynamicforward', 'enableescapecommandline', 'enablesshkeysign', 'escapechar',
	'exitonforwardfailure', 'fingerprinthash', 'forkafterauthentication', 'forwardagent', 'forwardx11', 'forwardx11timeout',
	'forwardx11trusted', 'gatewayports', 'globalknownhostsfile', 'gssapiauthentication', 'gssapiclientidentity',
	'gssapidelegatecredentials', 'gssapikexalgorithms', 'gssapikeyexchange', 'gssapirenewalforcesrekey', 'gssapiserveridentity',
	'gssapitrustdns', 'hashknownhosts', 'host', 'hostbasedacceptedalgorithms', 'hostbasedauthentication', 'hostkeyalgorithms',
	'hostkeyalias', 'hostname', 'identitiesonly', 'identityagent', 'identityfile', 'ignoreunknown', 'include', 'ipqos',
	'kbdinteractiveauthentication', 'kbdinteractivedevices', 'kexalgorithms', 'knownhostscommand', 'localcommand', 'localforward',
	'loglevel', 'logverbose', 'macs', 'match', 'nohostauthenticationforlocalhost', 'numberofpasswordprompts', 'pkcs11provider',
	'passwordauthentication', 'permitlocalcommand', 'permitremoteopen', 'port', 'preferredauthentications', 'proxycommand',
	'proxyjump', 'proxyusefdpass', 'pubkeyacceptedalgorithms', 'pubkeyauthentication', 'rekeylimit', 'remotecommand',
	'remoteforward', 'requesttty', 'requiredrsasize', 'revokedhostkeys', 'securitykeyprovider', 'sendenv', 'serveralivecountmax',
	'serveraliveinterval', 'sessiontype', 'setenv', 'stdinnull', 'streamlocalbindmask', 'streamlocalbindunlink',
	'stricthostkeychecking', 'syslogfacility', 'tcpkeepalive', 'tunnel', 'tunneldevice', 'updatehostkeys', 'user',
	'userknownhostsfile', 'verifyhostkeydns', 'visualhostkey', 'xauthlocation',
	// Aliases, deprecated and unsupported names OpenSSH still accepts (it warns at most).
	'afstokenpassing', 'challengeresponseauthentication', 'cipher', 'compressionlevel', 'dsaauthentication', 'fallbacktorsh',
	'globalknownhostsfile2', 'hostbasedkeytypes', 'identityfile2', 'keepalive', 'kerberosauthentication', 'kerberostgtpassing',
	'protocol', 'protocolkeepalives', 'pubkeyacceptedkeytypes', 'rhostsauthentication', 'rhostsrsaauthentication',
	'rsaauthentication', 'setuptimeout', 'skeyauthentication', 'smartcarddevice', 'tisauthentication', 'useblacklistedkeys',
	'useprivilegedport', 'userknownhostsfile2', 'useroaming', 'usersh',
	// Later releases (9.3 and on).
	'channeltimeout', 'obscurekeystroketiming', 'tag', 'refuseconnection', 'versionaddendum', 'warnweakcrypto',
]);

/** `Match` criteria: those that stand alone, and those that take an argument. */
const matchAlone: ReadonlySet<string> = new Set(['all', 'canonical', 'final']);
const matchWithArgument: ReadonlySet<string> = new Set(['exec', 'host', 'originalhost', 'user', 'localuser', 'localnetwork', 'tagged', 'command', 'version', 'sessiontype']);

/** One line of an ssh_config that OpenSSH refuses. */
export type ConfigProblem = {readonly line: number; readonly message: string};

const separators = ' \t\r\n';

/** OpenSSH's strdelim(): the next word, split at whitespace, one `=`, or a quoted word; undefined for an open quote. */
function strdelim(text: string, from: number): {word: string; next: number} | undefined {
	let end = from;
	while (end < text.length && !separators.includes(text[end]!) && text[end] !== '"' && text[end] !== '=') end++;
	if (end >= text.length) return {word: text.slice(from), next: text.length};
	if (text[end] === '"') {
		const close = text.indexOf('"', end + 1);
		if (close === -1) return undefined;
		// The quote is dropped and the word runs to the closing quote (OpenSSH moves the rest of the line down).
		const word = text.slice(from, end) + text.slice(end + 1, close);
		let next = close + 1;
		while (next < text.length && separators.includes(text[next]!)) next++;
		return {word, next};
	}

	const equals = text[end] === '=';
	let next = end + 1;
	while (next < text.length && separators.includes(text[next]!)) next++;
	if (!equals && text[next] === '=') {
		next++;
		while (next < text.length && separators.includes(text[next]!)) next++;
	}

	return {word: text.slice(from, end), next};
}

/** OpenSSH's argv_split() (comments end the line at a word's start): the arguments, or undefined for unbalanced quotes. */
function argvSplit(text: string): string[] | undefined {
	const args: string[] = [];
	let i = 0;
	while (i < text.length) {
		const c = text[i]!;
		if (c === ' ' || c === '\t') {
			i++;
			continue;
		}

		if (c === '#') break;
		let arg = '';
		let quote = '';
		for (; i < text.length; i++) {
			const d = text[i]!;
			const after = text[i + 1];
			if (d === '\\' && after !== undefined && (after === '\'' || after === '"' || after === '\\' || (quote === '' && after === ' '))) {
				arg += after;
				i++;
			} else if (quote === '' && (d === ' ' || d === '\t')) {
				break;
			} else if (quote === '' && (d === '"' || d === '\'')) {
				quote = d;
			} else if (quote !== '' && d === quote) {
				quote = '';
			} else {
				arg += d;
			}
		}

		if (quote !== '') return undefined;
		args.push(arg);
	}

	return args;
}

/** One `IgnoreUnknown` list: comma-separated `*`/`?` globs, `!` negating. */
function listCovers(list: string, keyword: string): boolean {
	let matched = false;
	for (const raw of list.split(',')) {
		const negated = raw.startsWith('!');
		const pattern = negated ? raw.slice(1) : raw;
		const re = new RegExp(`^${pattern.toLowerCase().replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.')}$`);
		if (re.test(keyword)) {
			if (negated) return false;
			matched = true;
		}
	}

	return matched;
}

/**
 * The `IgnoreUnknown` lists read so far, across every file OpenSSH reads into one set of options. OpenSSH keeps
 * the first one that applies to the host. svctui checks a file once for every host, so it takes the lists up to
 * and including the first that applies to every host (`settled`); a keyword is ignored only when all of them
 * cover it: a list under `Host a` is the one host a keeps, the later global one the one every other host keeps.
 */
export type IgnoreUnknownLists = {readonly lists: string[]; settled: boolean};

/** Where a file's check stands: the lists so far, and whether the block in force applies to every host. */
export type ConfigWalk = {
	readonly ignoreUnknown: IgnoreUnknownLists;
	everyHost: boolean;
	/** A file included under a block for some hosts: nothing in it applies to every host, `Host *` included. */
	readonly scoped: boolean;
};

export function configWalk(ignoreUnknown: IgnoreUnknownLists = {lists: [], settled: false}, scoped = false): ConfigWalk {
	return {ignoreUnknown, everyHost: !scoped, scoped};
}

function ignoredKeyword(keyword: string, {lists, settled}: IgnoreUnknownLists): boolean {
	return settled && lists.every(list => listCovers(list, keyword));
}

/**
 * The lines of one ssh_config file that OpenSSH's client refuses ("terminating, N bad configuration
 * options"): unknown keywords (unless an earlier `IgnoreUnknown` covers them), a keyword with no argument,
 * unbalanced quotes, and `Match` criteria it does not know or that lack their argument. Values are not
 * checked here (resolveHostConfig checks the ones svctui uses). `walk` carries the `IgnoreUnknown` lists
 * and the block in force from one part of the configuration to the next (config-load.ts checks a file up to
 * each Include, then the included files, then on); it is updated in place.
 */
export function configProblems(text: string, walk: ConfigWalk = configWalk()): ConfigProblem[] {
	const problems: ConfigProblem[] = [];
	const lines = text.split('\n');
	for (const [index, raw] of lines.entries()) {
		const line = index + 1;
		const stripped = raw.replace(/[ \t\r\n\f]+$/, '');
		let first = strdelim(stripped, 0);
		if (first?.word === '') first = strdelim(stripped, first.next);
		if (first === undefined || first.word === '' || first.word.startsWith('#')) continue;
		const keyword = first.word.toLowerCase();
		const rest = stripped.slice(first.next).replace(/^[ \t\r\n]+/, '');
		const shown = JSON.stringify(keyword);
		if (rest === '') {
			problems.push({line, message: `no argument after keyword ${shown}`});
			continue;
		}

		const args = argvSplit(rest);
		const known = knownKeywords.has(keyword);
		if (!known && !ignoredKeyword(keyword, walk.ignoreUnknown)) {
			problems.push({line, message: `bad configuration option ${shown}`});
			continue;
		}

		if (args === undefined) {
			problems.push({line, message: 'invalid quotes'});
			continue;
		}

		if (keyword === 'host') {
			walk.everyHost = !walk.scoped && args.includes('*') && !args.some(pattern => pattern.startsWith('!'));
		} else if (keyword === 'ignoreunknown') {
			if (args[0] === '') {
				problems.push({line, message: 'IgnoreUnknown needs a comma-separated list of keywords'});
				continue;
			}

			if (args.length > 1) problems.push({line, message: 'IgnoreUnknown takes one comma-separated list; extra arguments at end of line'});
			const {ignoreUnknown} = walk;
			if (!ignoreUnknown.settled && args[0] !== undefined) {
				ignoreUnknown.lists.push(args[0]);
				ignoreUnknown.settled = walk.everyHost;
			}
		} else if (keyword === 'match') {
			const problemsBefore = problems.length;
			if (args.length === 0) {
				problems.push({line, message: 'Match needs at least one criterion (all, host, user, exec …)'});
			}

			for (let at = 0; at < args.length; at++) {
				const criterion = (args[at] ?? '').replace(/^!/, '').toLowerCase();
				if (matchAlone.has(criterion)) continue;
				if (!matchWithArgument.has(criterion)) {
					problems.push({line, message: `unsupported Match criterion ${JSON.stringify(criterion)}`});
					break;
				}

				if (args[at + 1] === undefined) {
					problems.push({line, message: `Match ${criterion} needs an argument`});
					break;
				}

				at++;
			}

			// A Match line OpenSSH refuses leaves the block it was in in force.
			if (problems.length === problemsBefore) walk.everyHost = !walk.scoped && args.length === 1 && args[0]?.toLowerCase() === 'all';
		}
	}

	return problems;
}

/**
 * Refuse a part of a file with any line OpenSSH refuses: one line naming the file and line. `firstLine` is
 * the part's first line number in the file.
 */
export function checkConfigLines(text: string, file: string, walk: ConfigWalk, firstLine = 1): void {
	const [problem] = configProblems(text, walk);
	if (problem !== undefined) {
		throw new UserError(`${file}:${problem.line + firstLine - 1}: ${problem.message}; fix or remove the line (OpenSSH refuses this file too)`);
	}
}

/** Refuse a file svctui's ssh_config parser cannot read. */
export function checkConfigParses(text: string, file: string): void {
	// A few lines OpenSSH ignores (an unterminated quote before any keyword) make the ssh-config parser throw:
	// say which line, once, instead of a stack trace per node.
	try {
		SSHConfig.parse(text);
	} catch (error) {
		const lines = text.split('\n');
		const bad = lines.findIndex(line => {
			try {
				SSHConfig.parse(line);
				return false;
			} catch {
				return true;
			}
		});
		const where = bad === -1 ? file : `${file}:${bad + 1}`;
		throw new UserError(`${where}: svctui cannot read this line (${error instanceof Error ? error.message : String(error)}); remove it`);
	}
}
