/**
 * The content of the last \boxed{...} (or \fbox{...}) in a text, as MATH solutions and the authors'
 * GSM/MATH prompts state final answers ("in the form \boxed{answer}"). Braces are balanced, so
 * \boxed{\frac{1}{2}} gives \frac{1}{2}; "\boxed 5" (no braces) gives the token after the space.
 */
const BOX = /\\(?:boxed|fbox)(?![a-zA-Z])/g;

/** The content of the last \boxed / \fbox, or null when there is none, it is empty or its braces never close. */
export function lastBoxed(text: string): string | null {
  let commandEnd = -1;
  for (const match of text.matchAll(BOX)) commandEnd = match.index + match[0].length;
  return commandEnd < 0 ? null : boxedContent(text.slice(commandEnd));
}

/** The content of every \boxed / \fbox in order, leaving out empty and unclosed ones. */
export function allBoxed(text: string): string[] {
  return [...text.matchAll(BOX)].flatMap((match) => boxedContent(text.slice(match.index + match[0].length)) ?? []);
}

/** What follows a \boxed command: its brace group's content, or "\boxed 5"'s token. */
function boxedContent(rest: string): string | null {
  const open = /^\s*\{/.exec(rest);
  if (!open) {
    // "\boxed 5": the token up to the next space or math delimiter.
    const bare = /^\s+([^\s$]+)/.exec(rest);
    return bare ? bare[1] : null;
  }
  const content = balancedGroup(rest, open[0].length - 1);
  return content === null || content.trim() === '' ? null : content.trim();
}

/** The text inside the brace group opening at `text[openIndex]`, or null if it never closes. */
export function balancedGroup(text: string, openIndex: number): string | null {
  let depth = 0;
  for (let i = openIndex; i < text.length; i++) {
    const char = text[i];
    if (char === '\\') {
      i++; // an escaped character (\{ or \}) neither opens nor closes a group
    } else if (char === '{') {
      depth++;
    } else if (char === '}') {
      depth--;
      if (depth === 0) return text.slice(openIndex + 1, i);
    }
  }
  return null;
}
