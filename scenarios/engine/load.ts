// Reading a scenario file: YAML (JSON is a subset) parsed with positions kept, checked
// against scenarios/schema/scenario.schema.json with ajv, then built into a Scenario.
// Every problem comes back as `FILE:LINE: PATH: PROBLEM`, never as an exception.

import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { isMap, isNode, isPair, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import { buildScenario } from './build';
import { formatPath, pathOf, type Locate } from './paths';
import type { Scenario } from './types';

export type LoadResult = { ok: true; scenario: Scenario } | { ok: false; error: string };


const SCHEMA_URL = new URL('../schema/scenario.schema.json', import.meta.url);
let validator: ValidateFunction | undefined;

function schemaValidator(): ValidateFunction {
  if (!validator) {
    const schema = JSON.parse(readFileSync(SCHEMA_URL, 'utf8')) as object;
    validator = new Ajv({ allErrors: false, strict: false, verbose: true }).compile(schema);
  }
  return validator;
}

export function loadScenarioFile(file: string): LoadResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return { ok: false, error: `${file}: cannot read: ${e instanceof Error ? e.message : String(e)}` };
  }
  return parseScenario(text, file);
}

export function parseScenario(text: string, file: string): LoadResult {
  try {
    return parseChecked(text, file);
  } catch (e) {
    // The YAML library throws for some hostile input (alias bombs); that is still a file problem.
    return { ok: false, error: `${file}: ${e instanceof Error ? e.message : String(e)}` };
  }
}

function parseChecked(text: string, file: string): LoadResult {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const err = doc.errors[0];
    const line = err.linePos?.[0].line ?? lines.linePos(err.pos[0]).line;
    return { ok: false, error: `${file}:${line}: ${firstLine(err.message)}` };
  }
  const data: unknown = doc.toJS();
  const locate = makeLocate(doc, lines);
  const validate = schemaValidator();
  if (!validate(data)) {
    const err = pickError(validate.errors ?? []);
    if (!err) return { ok: false, error: `${file}:1: invalid scenario` };
    return { ok: false, error: formatSchemaError(err, file, locate) };
  }
  const built = buildScenario(data as Record<string, unknown>, file, locate);
  if (!built.ok) return { ok: false, error: `${file}:${built.line}: ${built.error}` };
  return { ok: true, scenario: built.scenario };
}

function firstLine(s: string): string {
  return s.split('\n')[0];
}

function makeLocate(doc: Document, lines: LineCounter): Locate {
  const lineAt = (offset: number): number => lines.linePos(offset).line;
  return (path, key) => {
    for (let n = path.length; n >= 0; n--) {
      const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
      if (!isNode(node)) continue;
      if (key !== undefined && n === path.length && isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === key);
        if (pair && isNode(pair.key) && pair.key.range) return lineAt(pair.key.range[0]);
      }
      if (node.range) return lineAt(node.range[0]);
    }
    return 1;
  };
}

/** ajv reports the failing branch of an if/then first, then the `if` itself; the branch says more. */
function pickError(errors: ErrorObject[]): ErrorObject | undefined {
  return errors.find((e) => e.keyword !== 'if') ?? errors[0];
}

function formatSchemaError(err: ErrorObject, file: string, locate: Locate): string {
  const path = pathOf(err.instancePath);
  const isStep = path.length === 2 && path[0] === 'steps';
  const p = err.params as Record<string, unknown>;
  let where = formatPath(path);
  let line = locate(path);
  let problem = err.message ?? 'invalid';
  switch (err.keyword) {
    case 'type':
      problem = `must be ${String(p.type).split(',').join(' or ')}`;
      break;
    case 'additionalProperties':
      line = locate(path, String(p.additionalProperty));
      problem = `unknown field '${String(p.additionalProperty)}'`;
      break;
    case 'propertyNames':
    case 'enum': {
      const name = String(p.propertyName ?? valueAt(err));
      if (p.propertyName !== undefined) line = locate(path, name);
      problem = isStep ? `unknown step '${name}'` : `'${name}' ${err.message ?? 'is not allowed'}`;
      break;
    }
    case 'required':
      problem = `missing field '${String(p.missingProperty)}'`;
      break;
    case 'minProperties':
    case 'maxProperties':
      problem = isStep ? 'a step is one key (e.g. `expect: ...`), or a bare word such as `boot`' : `must have exactly one of its fields`;
      break;
    case 'pattern':
      problem = err.schemaPath.includes('duration')
        ? `'${String(valueAt(err))}' is not a duration (like 500ms, 5s, 2m)`
        : `'${String(valueAt(err))}' must match ${String(p.pattern)}`;
      break;
    default:
      break;
  }
  if (where === '(top level)' && err.keyword === 'additionalProperties') where = String(p.additionalProperty);
  return `${file}:${line}: ${where}: ${problem}`;
}

function valueAt(err: ErrorObject): unknown {
  return (err as ErrorObject & { data?: unknown }).data ?? '?';
}
