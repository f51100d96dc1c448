/**
 * Translates one normalized LaTeX expression (no top-level commas or "=") into mathjs syntax:
 * \frac{a}{b}, \frac12, \sqrt2, \sqrt[3]{x}, \pi, \cdot, \times, ^{...}, x^\circ (degrees inside
 * an expression), \sin x, \log_2 8, |x|, n!, mixed numbers (2\frac{1}{3} = 2 + 1/3), thousands
 * separators, and implicit multiplication ("2x", "xy", "(a+5)(b+2)") made explicit. Each letter is
 * its own variable, except the constants i and e. Anything else throws LatexSyntaxError, and the
 * answer is then compared as a string only.
 */
export class LatexSyntaxError extends Error {}

const FUNCTIONS: Readonly<Record<string, string>> = {
  sin: 'sin',
  cos: 'cos',
  tan: 'tan',
  sec: 'sec',
  csc: 'csc',
  cot: 'cot',
  arcsin: 'asin',
  arccos: 'acos',
  arctan: 'atan',
  sinh: 'sinh',
  cosh: 'cosh',
  tanh: 'tanh',
  ln: 'log',
  log: 'log',
  exp: 'exp',
};
const CONSTANTS: Readonly<Record<string, string>> = { pi: 'pi', infty: 'Infinity', imath: 'i' };
const OPERATORS: Readonly<Record<string, string>> = { cdot: '*', times: '*', ast: '*', div: '/' };
/** Names a plain-text answer may spell without a backslash ("3sqrt(2)", "2pi"). */
const PLAIN_NAMES = /^(?:sqrt|arcsin|arccos|arctan|sin|cos|tan|sec|csc|cot|ln|log|exp|pi)(?![a-z])/;
const MAX_EXPRESSION_LENGTH = 400;

export function latexToMathjs(latex: string): string {
  if (latex.length > MAX_EXPRESSION_LENGTH) throw new LatexSyntaxError('expression too long');
  const parser = new Translator(latex);
  const result = parser.sequence('');
  if (!parser.atEnd()) throw new LatexSyntaxError(`unexpected "${latex[parser.position]}" at ${parser.position}`);
  return result;
}

class Translator {
  position = 0;
  constructor(private readonly text: string) {}

  atEnd(): boolean {
    return this.position >= this.text.length;
  }

  /** Operands and operators up to one of `closers` (not consumed) or the end. */
  sequence(closers: string, stopAtFunction = false): string {
    const parts: string[] = [];
    let afterOperand = false;
    const operand = (text: string) => {
      if (afterOperand) parts.push('*');
      parts.push(text);
      afterOperand = true;
    };
    const operator = (text: string) => {
      parts.push(text);
      afterOperand = false;
    };
    while (!this.atEnd()) {
      const char = this.text[this.position];
      if (closers.includes(char)) break;
      if (char === ' ') {
        this.position++;
      } else if (/[\d.]/.test(char)) {
        operand(this.number(afterOperand));
      } else if (/[a-zA-Z]/.test(char)) {
        const name = PLAIN_NAMES.exec(this.text.slice(this.position))?.[0];
        if (name && stopAtFunction && name in FUNCTIONS) break;
        operand(name ? this.command(name.length) : this.symbol());
      } else if (char === '\\') {
        const name = /^\\([a-zA-Z]+)/.exec(this.text.slice(this.position))?.[1] ?? '';
        if (name in OPERATORS) {
          this.position += name.length + 1;
          operator(OPERATORS[name]);
        } else {
          if (stopAtFunction && name in FUNCTIONS) break;
          this.position++;
          operand(this.command(name.length));
        }
      } else if (char === '(' || char === '[' || char === '{') {
        operand(`(${this.group(char === '{' ? '}' : ')]')})`);
      } else if (char === '|') {
        operand(`abs(${this.group('|')})`);
      } else if ('+-*/'.includes(char)) {
        this.position++;
        operator(char);
      } else if (char === '^') {
        this.position++;
        parts.push(this.exponent());
      } else if (char === '!') {
        this.position++;
        parts.push('!');
      } else {
        throw new LatexSyntaxError(`unexpected "${char}" at ${this.position}`);
      }
    }
    if (parts.length === 0) throw new LatexSyntaxError(`empty expression at ${this.position}`);
    return parts.join(' ');
  }

  /** A bracketed group from the opener at the current position to one of `closers`. */
  private group(closers: string): string {
    this.position++;
    const inner = this.sequence(closers);
    if (this.atEnd() || !closers.includes(this.text[this.position])) throw new LatexSyntaxError('unclosed group');
    this.position++;
    return inner;
  }

  /** A numeral; "1,234" is one number; an integer followed by \frac{p}{q} is a mixed number. */
  private number(afterOperand: boolean): string {
    const match = /^(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?|^\.\d+/.exec(this.text.slice(this.position));
    if (!match) throw new LatexSyntaxError(`bad number at ${this.position}`);
    this.position += match[0].length;
    const value = match[0].replace(/,/g, '');
    const mixed = /^\\frac(?:\{(\d+)\}|(\d))(?:\{(\d+)\}|(\d))/.exec(this.text.slice(this.position));
    if (!mixed || afterOperand || !/^\d+$/.test(value)) return value;
    this.position += mixed[0].length;
    return `(${value} + ${mixed[1] ?? mixed[2]} / ${mixed[3] ?? mixed[4]})`;
  }

  /** A variable: one letter, with its subscript if any ("a_1", "x_{10}"). */
  private symbol(): string {
    const letter = this.text[this.position++];
    if (this.text[this.position] !== '_') return letter;
    this.position++;
    const subscript = /^(?:\{([a-zA-Z0-9]+)\}|([a-zA-Z0-9]))/.exec(this.text.slice(this.position));
    if (!subscript) throw new LatexSyntaxError(`bad subscript at ${this.position}`);
    this.position += subscript[0].length;
    return `${letter}_${subscript[1] ?? subscript[2]}`;
  }

  /** A command whose name (of `length` letters) starts at the current position, as an operand. */
  private command(length: number): string {
    const name = this.text.slice(this.position, this.position + length);
    this.position += length;
    if (name in CONSTANTS) return CONSTANTS[name];
    if (name === 'frac') return `((${this.argument()}) / (${this.argument()}))`;
    if (name === 'binom') return `combinations(${this.argument()}, ${this.argument()})`;
    if (name === 'sqrt') {
      const index = this.text[this.position] === '[' ? this.group(']') : null;
      const radicand = this.argument();
      return index === null ? `sqrt(${radicand})` : `nthRoot(${radicand}, ${index})`;
    }
    if (name in FUNCTIONS) return this.functionCall(FUNCTIONS[name], name === 'log');
    throw new LatexSyntaxError(`unsupported command "\\${name}"`);
  }

  /** \sin x, \cos^2(x), \log_2 8: the argument runs to the next + - or function when unbracketed. */
  private functionCall(name: string, hasBase: boolean): string {
    let base: string | null = null;
    if (hasBase && this.text[this.position] === '_') {
      this.position++;
      base = this.argument();
    }
    const power = this.text[this.position] === '^' ? (this.position++, this.argument()) : null;
    this.skipSpaces();
    const bracketed = '({['.includes(this.text[this.position] ?? '');
    const argument = bracketed ? this.group(this.text[this.position] === '{' ? '}' : ')]') : this.sequence('+-=,)]}|', true);
    const call = base === null ? `${name}(${argument})` : `${name}(${argument}, ${base})`;
    return power === null ? call : `(${call}) ^ (${power})`;
  }

  /** After "^": a group, one character or command, or "\circ" (degrees, as a factor pi/180). */
  private exponent(): string {
    if (this.text.startsWith('\\circ', this.position)) {
      this.position += 5;
      return '* (pi / 180)';
    }
    return `^ (${this.argument()})`;
  }

  /** One argument of \frac, \sqrt, ^: a {group} or (group), a single digit or letter, or a command. */
  private argument(): string {
    this.skipSpaces();
    const char = this.text[this.position];
    if (char === undefined) throw new LatexSyntaxError('missing argument');
    if (char === '{') return this.group('}');
    if (char === '(') return this.group(')'); // plain-text "sqrt(2)"
    if (/[0-9]/.test(char)) return this.text[this.position++];
    if (/[a-zA-Z]/.test(char)) return this.symbol();
    if (char === '-') {
      this.position++;
      return `-(${this.argument()})`;
    }
    if (char === '\\') {
      const name = /^\\([a-zA-Z]+)/.exec(this.text.slice(this.position))?.[1];
      if (!name) throw new LatexSyntaxError(`bad argument at ${this.position}`);
      this.position++;
      return this.command(name.length);
    }
    throw new LatexSyntaxError(`bad argument "${char}" at ${this.position}`);
  }

  private skipSpaces(): void {
    while (this.text[this.position] === ' ') this.position++;
  }
}
