// JUnit XML: well-formed whatever the guest printed (checked by parsing it back), counts that
// match the cases, and text that survives escaping.
import { describe, it, expect } from 'vitest';
import { junitXml, xmlSafe, cdata } from '../../src/regress/junit.ts';
import { parseXml } from './xml.ts';

const nasty = 'end ]]> of CDATA, <tag> & "quotes", bell \x07, nul \x00, esc \x1b[1m, ff \x0c, vt \x0b, tab\t, CR\r\n, UTF-8 \xc3\xa9, ]]]]>';

describe('JUnit XML', () => {
  it('is well-formed with hostile output, names and messages, and counts add up', () => {
    const xml = junitXml({
      name: 'suite <1> & "2"', seconds: 1.5, timestamp: '2024-01-01T00:00:00',
      cases: [
        { name: 'ok', classname: 's', seconds: 0.25, output: nasty, properties: { exit: '0 (poweroff)' } },
        { name: 'bad]]>', classname: 's', seconds: 0.5, output: '', failure: { kind: 'failure', message: `line1\nline2 ${nasty}`, body: `--- golden\n+++ actual\n-${nasty}` } },
        { name: 'broken', classname: 's', seconds: 0, failure: { kind: 'error', message: 'cannot read x.elf: ENOENT', body: 'cannot read x.elf: ENOENT' } },
      ],
    });
    const root = parseXml(xml);
    expect(root.name).toBe('testsuites');
    expect(root.attrs).toMatchObject({ name: 'suite <1> & "2"', tests: '3', failures: '1', errors: '1', time: '1.500' });
    const [suite] = root.children;
    expect(suite.name).toBe('testsuite');
    expect(suite.attrs).toMatchObject({ tests: '3', failures: '1', errors: '1', skipped: '0' });
    const cases = suite.children.filter((c) => c.name === 'testcase');
    expect(cases.map((c) => c.attrs.name)).toEqual(['ok', 'bad]]>', 'broken']);
    expect(cases.map((c) => c.attrs.time)).toEqual(['0.250', '0.500', '0.000']);
    const out = cases[0].children.find((c) => c.name === 'system-out')!;
    // ]]> survives, forbidden controls become visible escapes, valid UTF-8 is decoded.
    expect(out.text).toBe('end ]]> of CDATA, <tag> & "quotes", bell \\x07, nul \\x00, esc \\x1b[1m, ff \\x0c, vt \\x0b, tab\t, CR\r\n, UTF-8 é, ]]]]>');
    const prop = cases[0].children.find((c) => c.name === 'properties')!.children[0];
    expect(prop.attrs).toEqual({ name: 'exit', value: '0 (poweroff)' });
    const failure = cases[1].children.find((c) => c.name === 'failure')!;
    expect(failure.attrs.message.startsWith('line1\nline2 end ]]> of CDATA, <tag> & "quotes", bell \\x07')).toBe(true);
    expect(failure.text).toContain('-end ]]> of CDATA');
    expect(cases[2].children.map((c) => c.name)).toEqual(['error']);
  });

  it('shows output that is not valid UTF-8 byte for byte', () => {
    const root = parseXml(junitXml({ name: 's', seconds: 0, timestamp: 't', cases: [{ name: 'x', classname: 's', seconds: 0, output: 'a\xe9b\xff' }] }));
    expect(root.children[0].children[0].children[0].text).toBe('a\u00e9b\u00ff');
  });

  it('escapes what XML 1.0 forbids and keeps the rest', () => {
    expect(xmlSafe('a\x00b\x1fc\td\ne\rf\ufffeg\ud800h\ud83d\ude00')).toBe('a\\x00b\\x1fc\td\ne\rf\\xfffeg\\xd800h\ud83d\ude00');
    expect(cdata('x]]>y')).toBe('<![CDATA[x]]]]><![CDATA[>y]]>');
  });

  it('the checker itself rejects malformed XML', () => {
    expect(() => parseXml('<a><b></a></b>')).toThrow(/mismatched/);
    expect(() => parseXml('<a>x & y</a>')).toThrow(/bare &/);
    expect(() => parseXml('<a>\x07</a>')).toThrow(/forbidden character/);
    expect(() => parseXml('<a x="1" x="2"/>')).toThrow(/duplicate/);
    expect(() => parseXml('<a/><b/>')).toThrow(/after the root/);
    expect(() => parseXml('<a><![CDATA[x</a>')).toThrow(/unterminated CDATA/);
    expect(() => parseXml('<a>]]></a>')).toThrow(/]]> in text/);
  });
});
