// Preloaded into the CLI by the fault scenarios (node --require): at exit, write the process's peak resident
// memory in kB (getrusage's ru_maxrss, the same as /proc/PID/status VmHWM) to $SVCTUI_TEST_MAXRSS_FILE.
const {writeFileSync} = require('node:fs');
const file = process.env.SVCTUI_TEST_MAXRSS_FILE;
if (file) {
	process.on('exit', () => {
		writeFileSync(file, String(process.resourceUsage().maxRSS));
	});
}
