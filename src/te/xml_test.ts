import assert from "node:assert/strict";
import { findAll, findFirst, parseXml } from "./xml.ts";

Deno.test("parseXml: namespaces, attributes, entities, comments, self-closing tags", () => {
  const root = parseXml(
    `<?xml version="1.0"?><!-- c --><s:net xmlns:s="x"><node id="a&amp;b"/><link><v>1 &lt; 2</v><![CDATA[<raw>]]></link></s:net>`,
    "t.xml",
  );
  assert.equal(root.name, "net");
  assert.equal(findFirst(root, "node")?.attrs.id, "a&b");
  assert.equal(findFirst(root, "v")?.text, "1 < 2");
  assert.equal(findFirst(root, "link")?.text, "<raw>");
  assert.equal(findAll(root, "node").length, 1);
});

Deno.test("parseXml: mismatched and unclosed tags name the file and line", () => {
  assert.throws(() => parseXml("<a>\n<b></a>", "m.xml"), /m\.xml: line 2: unexpected <\/a>/);
  assert.throws(() => parseXml("<a><b></b>", "u.xml"), /<a> is never closed/);
});
