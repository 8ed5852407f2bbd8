// JUnit XML as CI systems read it (Jenkins, GitLab, GitHub reporters): <testsuites> around one
// <testsuite>, one <testcase> per case with <failure> (wrong result) or <error> (could not run),
// the diff and the console output in CDATA. Guest output can hold anything, so text is made
// legal XML 1.0: characters XML forbids become visible \xHH escapes, and "]]>" is split
// across two CDATA sections.
import { bytesToText } from './text.ts';

export interface JUnitCase {
  name: string;
  classname: string;
  seconds: number;
  failure?: { kind: 'failure' | 'error'; message: string; body: string };
  output?: string;
  properties?: Record<string, string>;
}

export interface JUnitSuite { name: string; seconds: number; timestamp: string; cases: JUnitCase[] }

/** Replace what XML 1.0 does not allow (C0 controls except tab/LF/CR, lone surrogates,
 *  U+FFFE/U+FFFF) by visible escapes. */
export function xmlSafe(s: string): string {
  return s.replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

export function escapeAttr(s: string): string {
  return xmlSafe(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!)
    .replace(/\t/g, '&#9;').replace(/\n/g, '&#10;');
}

export function cdata(s: string): string {
  return `<![CDATA[${xmlSafe(s).replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
}

const secs = (s: number): string => s.toFixed(3);

export function junitXml(suite: JUnitSuite): string {
  const failures = suite.cases.filter((c) => c.failure?.kind === 'failure').length;
  const errors = suite.cases.filter((c) => c.failure?.kind === 'error').length;
  const counts = `tests="${suite.cases.length}" failures="${failures}" errors="${errors}" skipped="0" time="${secs(suite.seconds)}"`;
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${escapeAttr(suite.name)}" ${counts}>`,
    `  <testsuite name="${escapeAttr(suite.name)}" ${counts} timestamp="${escapeAttr(suite.timestamp)}">`,
  ];
  for (const c of suite.cases) {
    out.push(`    <testcase classname="${escapeAttr(c.classname)}" name="${escapeAttr(c.name)}" time="${secs(c.seconds)}">`);
    if (c.properties && Object.keys(c.properties).length) {
      out.push('      <properties>');
      for (const [k, v] of Object.entries(c.properties)) out.push(`        <property name="${escapeAttr(k)}" value="${escapeAttr(v)}"/>`);
      out.push('      </properties>');
    }
    if (c.failure) {
      const f = c.failure;
      out.push(`      <${f.kind} message="${escapeAttr(f.message)}" type="${f.kind === 'error' ? 'run' : 'mismatch'}">${cdata(f.body)}</${f.kind}>`);
    }
    if (c.output !== undefined) out.push(`      <system-out>${cdata(bytesToText(c.output))}</system-out>`);
    out.push('    </testcase>');
  }
  out.push('  </testsuite>', '</testsuites>', '');
  return out.join('\n');
}
