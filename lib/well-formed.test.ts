// Input that UTF-8 cannot hold unchanged (issue 10, finding 6: a value with a
// lone surrogate was silently stored as U+FFFD) is found, with its path.
import { describe, expect, it } from "vitest";
import { findMalformed, isWellFormed } from "./well-formed";

describe("well-formed strings", () => {
  it("tells lone surrogates from pairs and ordinary text", () => {
    for (const ok of ["", "ascii", "é ß 中文", "😀", "a😀b", "\uFFFD"]) expect(isWellFormed(ok), JSON.stringify(ok)).toBe(true);
    for (const bad of ["\ud800", "a\udfff", "\ud83d", "😀\ude00", "\udc00\ud800"]) expect(isWellFormed(bad), JSON.stringify(bad)).toBe(false);
  });

  it("finds the first malformed string in a parsed JSON body, values and property names", () => {
    expect(findMalformed(JSON.parse('{"value":"v1.\\ud800x"}'))).toBe("value");
    expect(findMalformed(JSON.parse('{"entries":[{"key":"k","value":"ok"},{"key":"k2","value":"\\udc00"}]}'))).toBe("entries.1.value");
    expect(findMalformed(JSON.parse('{"\\ud800":1}'))).toBe("(body)");
    expect(findMalformed(JSON.parse('"\\ud800"'))).toBe("(body)");
    expect(findMalformed(JSON.parse('{"name":"😀","n":1,"x":null,"list":[true]}'))).toBeNull();
  });
});
