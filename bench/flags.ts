/** A benchmark command's `--name value` flag; a flag without its value is an error naming it. */
export function flagValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  if (args[i + 1] === undefined || args[i + 1].startsWith('--')) throw new Error(`bench: ${name} needs a value`);
  return args[i + 1];
}
