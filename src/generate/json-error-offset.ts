/**
 * Where JSON text first goes wrong. V8's JSON.parse names a position for some errors but not for an
 * unexpected token ("Unexpected token ']', "[1,]" is not valid JSON"), so this small recursive
 * scanner finds the offset of the first character that cannot continue valid JSON.
 */
const WS = /[ \t\n\r]/;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;

class Bad extends Error {
  constructor(readonly offset: number) {
    super('bad JSON');
  }
}

/** Offset of the first error, or undefined when `text` is valid JSON. */
export function jsonErrorOffset(text: string): number | undefined {
  let i = 0;
  const skip = () => {
    while (i < text.length && WS.test(text[i])) i++;
  };
  const expect = (ch: string) => {
    skip();
    if (text[i] !== ch) throw new Bad(i);
    i++;
  };
  const sticky = (re: RegExp) => {
    re.lastIndex = i;
    const m = re.exec(text);
    if (!m) throw new Bad(i);
    i += m[0].length;
  };
  const value = (): void => {
    skip();
    const ch = text[i];
    if (ch === '{') {
      i++;
      skip();
      if (text[i] === '}') return void i++;
      for (;;) {
        skip();
        if (text[i] !== '"') throw new Bad(i);
        sticky(STRING);
        expect(':');
        value();
        skip();
        if (text[i] === ',') i++;
        else return expect('}');
      }
    }
    if (ch === '[') {
      i++;
      skip();
      if (text[i] === ']') return void i++;
      for (;;) {
        value();
        skip();
        if (text[i] === ',') i++;
        else return expect(']');
      }
    }
    if (ch === '"') return sticky(STRING);
    for (const word of ['true', 'false', 'null']) if (text.startsWith(word, i)) return void (i += word.length);
    sticky(NUMBER);
  };
  try {
    value();
    skip();
    if (i < text.length) throw new Bad(i);
    return undefined;
  } catch (err) {
    if (err instanceof Bad) return err.offset;
    throw err;
  }
}
