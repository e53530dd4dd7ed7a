/**
 * Test helper: a tiny well-formedness check of the SVG the report charts write (double-quoted
 * attributes only, balanced tags, one `<svg>` root, every `&` an entity) and the count of each tag.
 * @module
 */

import assert from "node:assert/strict";

const _TAG = /<(\/?)([A-Za-z][\w-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/y;
const _RAW_AMP = /&(?!(?:amp|lt|gt|quot|apos|#\d+);)/;

/** Asserts that `svg` is well formed; returns how many elements of each name it has. */
export function checkSvg(svg: string): Record<string, number> {
  assert.ok(svg.startsWith("<svg "), "starts with <svg");
  const counts: Record<string, number> = {};
  const stack: string[] = [];
  let roots = 0;
  let pos = 0;
  while (pos < svg.length) {
    const lt = svg.indexOf("<", pos);
    const text = svg.slice(pos, lt < 0 ? svg.length : lt);
    assert.ok(!text.includes(">") && !_RAW_AMP.test(text), `bad text ${JSON.stringify(text)}`);
    if (text.trim() !== "") assert.ok(stack.length > 0, "text outside the root");
    if (lt < 0) break;
    _TAG.lastIndex = lt;
    const m = _TAG.exec(svg);
    assert.ok(m, `bad tag at ${lt}: ${svg.slice(lt, lt + 60)}`);
    const [whole, close, name, attrs, selfClose] = m;
    assert.ok(!_RAW_AMP.test(attrs), `bad attribute value in ${whole}`);
    if (close) {
      assert.equal(stack.pop(), name, `</${name}> closes the open element`);
    } else {
      if (stack.length === 0) roots++;
      counts[name] = (counts[name] ?? 0) + 1;
      if (!selfClose) stack.push(name);
    }
    pos = lt + whole.length;
  }
  assert.deepEqual(stack, [], "every element is closed");
  assert.equal(roots, 1, "one root element");
  assert.equal(counts.svg, 1);
  return counts;
}

/** The attributes of every element of `svg` with `class="cls"`, as string maps. */
export function elementsOfClass(svg: string, cls: string): Record<string, string>[] {
  const out: Record<string, string>[] = [];
  for (const m of svg.matchAll(/<[a-z]+((?:\s+[\w:-]+="[^"]*")*)\s*\/?>/g)) {
    const attrs = Object.fromEntries([...m[1].matchAll(/([\w:-]+)="([^"]*)"/g)].map((a) => [a[1], a[2]]));
    if (attrs.class === cls) out.push(attrs);
  }
  return out;
}
