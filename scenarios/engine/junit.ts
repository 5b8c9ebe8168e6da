// JUnit XML for CI systems: one <testsuite> named twinbox, one <testcase> per scenario
// file (load errors included as failures), the failure text with the console tail.

import type { SuiteResult } from './suite';
import { formatFailure } from './run-scenario';

export function junitXml(suite: SuiteResult): string {
  const cases: string[] = [];
  let totalMs = 0;
  for (const r of suite.results) {
    totalMs += r.wallMs;
    const attrs = `classname="${esc(r.scenario.file)}" name="${esc(r.scenario.name)}" time="${(r.wallMs / 1000).toFixed(3)}"`;
    const out = `<system-out>${esc(`seed ${r.seed}\nsha256 ${r.sha256}\ntranscript ${r.transcriptPath}`)}</system-out>`;
    if (r.passed) cases.push(`  <testcase ${attrs}>\n    ${out}\n  </testcase>`);
    else {
      const msg = r.failure?.message.split('\n')[0] ?? 'failed';
      cases.push(`  <testcase ${attrs}>\n    <failure message="${esc(msg)}">${esc(formatFailure(r))}</failure>\n    ${out}\n  </testcase>`);
    }
  }
  for (const e of suite.loadErrors) {
    cases.push(`  <testcase classname="${esc(e.file)}" name="${esc(e.file)}" time="0">\n    <error message="${esc(e.error)}">${esc(e.error)}</error>\n  </testcase>`);
  }
  const failures = suite.results.filter((r) => !r.passed).length;
  const tests = suite.results.length + suite.loadErrors.length;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="twinbox" tests="${tests}" failures="${failures}" errors="${suite.loadErrors.length}" time="${(totalMs / 1000).toFixed(3)}">`,
    `<testsuite name="twinbox" tests="${tests}" failures="${failures}" errors="${suite.loadErrors.length}" time="${(totalMs / 1000).toFixed(3)}">`,
    ...cases,
    '</testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

/** XML attribute/text escaping, dropping characters XML 1.0 cannot carry (raw console control bytes). */
function esc(s: string): string {
  return s
    .replace(/[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}
