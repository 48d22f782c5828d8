/** ssh2's supported algorithm lists (SUPPORTED_KEX, SUPPORTED_CIPHER …): not in its public types. */
declare module 'ssh2/lib/protocol/constants.js' {
	const constants: Readonly<Record<string, unknown>>;
	export default constants;
}
