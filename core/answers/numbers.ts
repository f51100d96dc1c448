/**
 * Plain numbers as GSM8K and the arithmetic task state them: signs, thousands separators
 * ("1,234"), decimals ("5.00"), currency ("$5") and trailing words ("18 dollars") are read;
 * values are compared exactly as decimal strings, never as floats.
 */

// A minus sign counts only where it cannot be a subtraction: not right after a word or ")", nor
// after a number or ")" and spaces ("12 - 5" is a subtraction, "is -5" a negative number).
// Thousands groups need exactly three digits, so "1,2" is two numbers and "1,234" one.
// "-$5" and "-\$5" keep their sign.
const SIGN = String.raw`(?:(?<![\w)])(?<![\d)]\s+)[-−]\s?(?:\\?\$)?)?`;
const NUMBER = new RegExp(String.raw`${SIGN}(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?|${SIGN}(?<!\d)\.\d+`, 'g');

/** The last number written in a text, as written (e.g. "-1,234.50"), or null if there is none. */
export function lastNumber(text: string): string | null {
  const numbers = text.match(NUMBER);
  return numbers ? numbers[numbers.length - 1] : null;
}

/**
 * The canonical decimal form of a number as written: no separators, no leading or trailing zeros,
 * "-0" folded into "0" ("-1,234.50" -> "-1234.5", "5.00" -> "5"). Null if `written` is not a number.
 */
export function canonicalDecimal(written: string): string | null {
  const match = /^([-−]?)(\d[\d,]*|)(?:\.(\d+))?$/.exec(written.replace(/[\s$\\]/g, ''));
  if (!match || (match[2] === '' && match[3] === undefined)) return null;
  const integer = match[2].replace(/,/g, '').replace(/^0+(?=\d)/, '') || '0';
  const fraction = (match[3] ?? '').replace(/0+$/, '');
  const magnitude = fraction ? `${integer}.${fraction}` : integer;
  return match[1] && magnitude !== '0' ? `-${magnitude}` : magnitude;
}

/** The canonical value of the last number in a text ("$1,234 in total" -> "1234"), or null. */
export function numberValue(text: string): string | null {
  const written = lastNumber(text);
  return written === null ? null : canonicalDecimal(written);
}
