/**
 * Python's idea of a decimal digit. ClusterShell scans node names with `re`'s `\d` and converts
 * indexes with `int()`, and both take every Unicode decimal digit (`node１` is `node1`, `n٣` is
 * `n3`). Unicode guarantees decimal digits come in runs of ten, 0 to 9; these are the code points of
 * the zeros, as Python 3.11 (Unicode 14, ClusterShell's interpreter here) lists them.
 */
const zeros = [
	0x30, 0x6_60, 0x6_F0, 0x7_C0, 0x9_66, 0x9_E6, 0xA_66, 0xA_E6, 0xB_66, 0xB_E6, 0xC_66, 0xC_E6, 0xD_66, 0xD_E6, 0xE_50,
	0xE_D0, 0xF_20, 0x10_40, 0x10_90, 0x17_E0, 0x18_10, 0x19_46, 0x19_D0, 0x1A_80, 0x1A_90, 0x1B_50, 0x1B_B0, 0x1C_40,
	0x1C_50, 0xA6_20, 0xA8_D0, 0xA9_00, 0xA9_D0, 0xA9_F0, 0xAA_50, 0xAB_F0, 0xFF_10, 0x1_04_A0, 0x1_0D_30, 0x1_10_66,
	0x1_10_F0, 0x1_11_36, 0x1_11_D0, 0x1_12_F0, 0x1_14_50, 0x1_14_D0, 0x1_16_50, 0x1_16_C0, 0x1_17_30, 0x1_18_E0,
	0x1_19_50, 0x1_1C_50, 0x1_1D_50, 0x1_1D_A0, 0x1_6A_60, 0x1_6A_C0, 0x1_6B_50, 0x1_D7_CE, 0x1_D7_D8, 0x1_D7_E2,
	0x1_D7_EC, 0x1_D7_F6, 0x1_E1_40, 0x1_E2_F0, 0x1_E9_50, 0x1_FB_F0,
];

const hex = (cp: number): string => `\\u{${cp.toString(16)}}`;

/** A character class body matching Python's `\d` (use with the `u` flag). */
export const pyDigitClass = zeros.map(zero => `${hex(zero)}-${hex(zero + 9)}`).join('');

const anyDigit = new RegExp(`[${pyDigitClass}]`, 'u');
const nonAscii = /[^\u0000-\u007F]/;

/** Whether `text` holds anything but ASCII (the fast paths only handle ASCII). */
export function isNonAscii(text: string): boolean {
	return nonAscii.test(text);
}

/** The value 0-9 of a Python decimal digit, or -1. */
function digitValue(ch: string): number {
	const cp = ch.codePointAt(0)!;
	if (cp >= 0x30 && cp <= 0x39) {
		return cp - 0x30;
	}

	if (!anyDigit.test(ch)) {
		return -1;
	}

	let zero = 0x30;
	for (const candidate of zeros) {
		if (candidate > cp) {
			break;
		}

		zero = candidate;
	}

	return cp - zero;
}

/** Every Python decimal digit of `text` written as its ASCII digit; other characters kept. */
export function asciiDigits(text: string): string {
	if (!isNonAscii(text)) {
		return text;
	}

	let out = '';
	for (const ch of text) {
		const value = digitValue(ch);
		out += value < 0 ? ch : String(value);
	}

	return out;
}

/** `len()` of a Python string: code points, not UTF-16 units. */
export function pyLength(text: string): number {
	return isNonAscii(text) ? [...text].length : text.length;
}
