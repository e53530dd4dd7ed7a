/**
 * A minimal XML reader for the data files keiro imports (SNDlib networks and demand matrices):
 * elements, attributes and text; comments, processing instructions and DOCTYPE are skipped.
 * @module
 */

import { InputError } from "../errors.ts";

/** One XML element. */
export interface XmlElement {
  /** Tag name without namespace prefix. */
  name: string;
  /** Attributes. */
  attrs: Record<string, string>;
  /** Child elements in order. */
  children: XmlElement[];
  /** Concatenated, trimmed text content of this element (not of its children). */
  text: string;
}

const ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

function _decode(s: string): string {
  return s.replace(/&(#x?[0-9a-fA-F]+|\w+);/g, (m, e: string) => {
    if (e.startsWith("#x")) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith("#")) return String.fromCodePoint(parseInt(e.slice(1), 10));
    return ENTITIES[e] ?? m;
  });
}

function _lineAt(text: string, pos: number): number {
  let n = 1;
  for (let i = 0; i < pos; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

/** Parses `text` and returns the root element; `file` names the source in errors. */
export function parseXml(text: string, file: string): XmlElement {
  const root: XmlElement = { name: "#document", attrs: {}, children: [], text: "" };
  const stack: XmlElement[] = [root];
  const tag =
    /<(\/?)([\w:.-]+)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!DOCTYPE[^>]*>|<!\[CDATA\[([\s\S]*?)\]\]>/g;
  let last = 0;
  const fail = (pos: number, msg: string) => {
    throw new InputError(`${file}: line ${_lineAt(text, pos)}: ${msg}`, _lineAt(text, pos), "xml");
  };
  for (let m = tag.exec(text); m; m = tag.exec(text)) {
    const between = text.slice(last, m.index);
    if (between.includes("<")) fail(last + between.indexOf("<"), "malformed tag");
    stack[stack.length - 1].text += _decode(between);
    last = tag.lastIndex;
    if (m[5] !== undefined) {
      stack[stack.length - 1].text += m[5];
      continue;
    }
    if (!m[2]) continue;
    const name = m[2].includes(":") ? m[2].split(":").pop()! : m[2];
    if (m[1]) {
      const open = stack.pop()!;
      if (open.name !== name || stack.length === 0) fail(m.index, `unexpected </${name}>`);
      open.text = open.text.trim();
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of m[3].matchAll(/([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
      attrs[a[1]] = _decode(a[2] ?? a[3]);
    }
    const el: XmlElement = { name, attrs, children: [], text: "" };
    stack[stack.length - 1].children.push(el);
    if (!m[4]) stack.push(el);
  }
  if (text.slice(last).includes("<")) fail(last, "malformed tag");
  if (stack.length !== 1) fail(text.length, `<${stack[stack.length - 1].name}> is never closed`);
  if (root.children.length !== 1) fail(0, "expected one root element");
  return root.children[0];
}

/** All descendants of `el` named `name`, in document order. */
export function findAll(el: XmlElement, name: string): XmlElement[] {
  const out: XmlElement[] = [];
  const walk = (e: XmlElement) => {
    for (const c of e.children) {
      if (c.name === name) out.push(c);
      walk(c);
    }
  };
  walk(el);
  return out;
}

/** The first descendant of `el` named `name`, if any. */
export function findFirst(el: XmlElement, name: string): XmlElement | undefined {
  return findAll(el, name)[0];
}
