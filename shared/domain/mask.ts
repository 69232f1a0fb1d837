/**
 * Log masking. Phone numbers and message bodies are personal data: logs keep only enough to
 * correlate (country prefix and last digits) and never the text itself.
 */
export function maskPhone(number: string): string {
  if (number.length <= 4) return '*'.repeat(number.length);
  const head = number.startsWith('+') ? number.slice(0, 2) : '';
  const tail = number.slice(-2);
  return `${head}${'*'.repeat(Math.max(0, number.length - head.length - tail.length))}${tail}`;
}

// Bounded by anything that is not a hex digit or hyphen, so UUIDs and hashes stay readable.
const PHONE_LIKE = /(?<![\w-])\+?\d[\d\s().-]{6,}\d(?![\w-])/g;

/** Masks anything that looks like a phone number inside free text (error messages, ids). */
export function maskPhonesIn(text: string): string {
  return text.replace(PHONE_LIKE, (match) => {
    const digits = match.replace(/\D/g, '');
    return digits.length >= 7 ? maskPhone(match.replace(/[^\d+]/g, '')) : match;
  });
}
