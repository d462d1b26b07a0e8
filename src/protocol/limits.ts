// Input limits, checked before anything is sent. The description limit is the
// documented one (PROTOCOL §7); the name limit is the emulator's, and the
// server's own 666 stays the final word for production.

export const MAX_DESCRIPTION_LENGTH = 512;
export const MAX_SOURCE_NAME_LENGTH = 255;

/** Length as a person counts it: code points, so an emoji is one character (not two UTF-16 units). */
export function characterCount(text: string): number {
  // Only text with surrogate pairs differs from .length; skip the walk for the rest.
  // Stryker disable next-line Regex: negated, the walk is skipped only for text made of high surrogates alone, which holds no pair, so both counts agree.
  return /[\ud800-\udbff]/.test(text) ? Array.from(text).length : text.length;
}
