import assert from "node:assert/strict";
import { checkSvg, elementsOfClass } from "./_check_svg.ts";

Deno.test("checkSvg: counts elements and rejects what is not well formed", () => {
  assert.deepEqual(checkSvg('<svg a="1"><g><circle r="1"/></g><text>a &amp; b</text></svg>'), {
    svg: 1,
    g: 1,
    circle: 1,
    text: 1,
  });
  for (
    const bad of [
      "<svg><g></svg>",
      "<svg></g></svg>",
      "<svg><text>a & b</text></svg>",
      '<svg a="x & y"></svg>',
      "<svg a=1></svg>",
      "<svg></svg><svg></svg>",
      "<g></g>",
    ]
  ) assert.throws(() => checkSvg(bad), assert.AssertionError, bad);
  assert.deepEqual(elementsOfClass('<svg><g class="p" x="1"/><g class="q"/></svg>', "p"), [{
    class: "p",
    x: "1",
  }]);
});
