// A strict little XML 1.0 reader for the tests: it accepts only well-formed documents (one root,
// matched tags, quoted unique attributes, known entity references, legal characters, CDATA)
// and returns the element tree, so JUnit output is checked by parsing rather than by regexes.
export interface XmlElement { name: string; attrs: Record<string, string>; children: XmlElement[]; text: string }

const NAME = /^[A-Za-z_:][A-Za-z0-9_:.-]*/;
// Chars XML 1.0 allows: tab, LF, CR, U+0020..U+D7FF, U+E000..U+FFFD, and surrogate pairs.
const ILLEGAL = /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function decodeEntities(s: string, where: string): string {
  return s.replace(/&([^;]*);|&/g, (m, ref: string | undefined) => {
    if (ref === undefined) throw new Error(`bare & in ${where}`);
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    if (ref in named) return named[ref];
    const num = /^#(\d+)$/.exec(ref) ?? /^#x([0-9a-fA-F]+)$/.exec(ref);
    if (!num) throw new Error(`unknown entity &${ref}; in ${where}`);
    const code = parseInt(num[1], ref[1] === 'x' ? 16 : 10);
    const ch = String.fromCodePoint(code);
    if (ILLEGAL.test(ch)) throw new Error(`character reference to a forbidden character &${ref}; in ${where}`);
    return ch;
  });
}

export function parseXml(doc: string): XmlElement {
  const bad = ILLEGAL.exec(doc);
  if (bad) throw new Error(`forbidden character U+${bad[0].charCodeAt(0).toString(16)} at offset ${bad.index}`);
  let i = 0;
  const skipSpace = (): void => { while (i < doc.length && /\s/.test(doc[i])) i++; };
  if (doc.startsWith('<?xml')) { const e = doc.indexOf('?>'); if (e < 0) throw new Error('unterminated XML declaration'); i = e + 2; }
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  while (i < doc.length) {
    if (!stack.length) { skipSpace(); if (i >= doc.length) break; if (root) throw new Error(`content after the root element at ${i}`); }
    if (doc.startsWith('<![CDATA[', i)) {
      if (!stack.length) throw new Error('CDATA outside the root');
      const e = doc.indexOf(']]>', i + 9);
      if (e < 0) throw new Error('unterminated CDATA');
      stack[stack.length - 1].text += doc.slice(i + 9, e);
      i = e + 3;
    } else if (doc.startsWith('<!--', i)) {
      const e = doc.indexOf('-->', i + 4);
      if (e < 0) throw new Error('unterminated comment');
      i = e + 3;
    } else if (doc.startsWith('</', i)) {
      const m = NAME.exec(doc.slice(i + 2));
      const top = stack.pop();
      if (!m || !top || m[0] !== top.name) throw new Error(`mismatched end tag at ${i}: ${m?.[0]} closes ${top?.name}`);
      i += 2 + m[0].length; skipSpace();
      if (doc[i] !== '>') throw new Error(`bad end tag at ${i}`);
      i++;
    } else if (doc[i] === '<') {
      const m = NAME.exec(doc.slice(i + 1));
      if (!m) throw new Error(`bad tag at ${i}`);
      const el: XmlElement = { name: m[0], attrs: {}, children: [], text: '' };
      if (stack.length) stack[stack.length - 1].children.push(el);
      i += 1 + m[0].length;
      for (;;) {
        const before = i; skipSpace();
        if (doc.startsWith('/>', i)) { i += 2; break; }
        if (doc[i] === '>') { i++; stack.push(el); break; }
        if (i === before) throw new Error(`attributes must be separated by space at ${i}`);
        const a = NAME.exec(doc.slice(i));
        if (!a) throw new Error(`bad attribute at ${i}`);
        i += a[0].length;
        if (doc[i] !== '=') throw new Error(`attribute ${a[0]} without a value`);
        const q = doc[i + 1];
        if (q !== '"' && q !== "'") throw new Error(`unquoted attribute ${a[0]}`);
        const e = doc.indexOf(q, i + 2);
        if (e < 0) throw new Error(`unterminated attribute ${a[0]}`);
        const raw = doc.slice(i + 2, e);
        if (raw.includes('<')) throw new Error(`< in attribute ${a[0]}`);
        if (a[0] in el.attrs) throw new Error(`duplicate attribute ${a[0]}`);
        el.attrs[a[0]] = decodeEntities(raw, `attribute ${a[0]}`);
        i = e + 1;
      }
      root ??= el;
    } else {
      if (!stack.length) throw new Error(`text outside the root at ${i}`);
      const e = doc.indexOf('<', i);
      const raw = doc.slice(i, e < 0 ? doc.length : e);
      if (raw.includes(']]>')) throw new Error(']]> in text');
      stack[stack.length - 1].text += decodeEntities(raw, `text of ${stack[stack.length - 1].name}`);
      i = e < 0 ? doc.length : e;
    }
  }
  if (stack.length) throw new Error(`unclosed element ${stack[stack.length - 1].name}`);
  if (!root) throw new Error('no root element');
  return root;
}
