/** Every element closes, in order: a small well-formedness check for the generated XML. */
export function expectBalancedTags(svg: string) {
  const open: string[] = [];
  for (const [tag, closing, name, selfClosing] of svg.matchAll(/<(\/?)([a-z]+)[^>]*?(\/?)>/g)) {
    if (selfClosing) continue;
    if (closing) expect(`${open.pop()} closed by ${tag}`).toBe(`${name} closed by ${tag}`);
    else open.push(name);
  }
  expect(open).toEqual([]);
}
