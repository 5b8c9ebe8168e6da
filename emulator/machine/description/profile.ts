// Machine profiles: a YAML or JSON file (JSON is read by the same YAML parser, so both get line
// numbers) checked against profile.schema.json, then built, validated and given QEMU's default
// devices exactly as a command line would be. Every problem is one line:
// `FILE:LINE: PATH: PROBLEM`, e.g. `profiles/x.yaml:12: devices[2].driver: unknown device driver 'foo'`.

import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { withDefaults } from './defaults';
import { buildProfile, extraOf, MACHINE_FIELDS, type ProfileData } from './profile-build';
import { parseQemuArgs } from './qemu-args';
import { err, ok, type Result } from './result';
import { splitShellWords } from './shell-words';
import type { MachineDescription } from './types';
import { validateDescription, type ProblemPath } from './validate';
import { formatPath, lineOf, pointerToPath } from './yaml-locate';

const SCHEMA_URL = new URL('./profile.schema.json', import.meta.url);
let validator: ValidateFunction | undefined;

function schemaValidator(): ValidateFunction {
  if (validator === undefined) {
    const schema = JSON.parse(readFileSync(SCHEMA_URL, 'utf8')) as object;
    validator = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true }).compile(schema);
  }
  return validator;
}

export function loadProfile(path: string): Result<MachineDescription> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return err(`${path}: cannot read: ${error instanceof Error ? error.message : String(error)}`);
  }
  return parseProfile(text, path);
}

interface Located {
  doc: Document;
  lines: LineCounter;
  path: string;
}

function at(where: Located, path: ProblemPath, message: string): string {
  return `${where.path}:${lineOf(where.doc, where.lines, path)}: ${formatPath(path)}: ${message}`;
}

function schemaMessage(error: ErrorObject): { path: ProblemPath; message: string } {
  const path = pointerToPath(error.instancePath);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return { path: [...path, String(params['additionalProperty'])], message: 'unknown field' };
    case 'required':
      return { path, message: `missing field '${String(params['missingProperty'])}'` };
    case 'propertyNames':
      return { path: [...path, String(params['propertyName'])], message: 'invalid property name (letters, digits, _ . - only)' };
    case 'enum':
      return { path, message: `must be one of: ${(params['allowedValues'] as unknown[]).map(String).join(', ')}` };
    case 'type': {
      const hint = path[path.length - 1] === 'addr' ? ' (quote PCI addresses: "2", "1f.2")' : '';
      return { path, message: `must be ${String(params['type']).split(',').join(' or ')}${hint}` };
    }
    default:
      return { path, message: error.message ?? 'invalid' };
  }
}

export function parseProfile(text: string, path: string): Result<MachineDescription> {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const first = doc.errors[0];
  if (first !== undefined) {
    const line = lines.linePos(first.pos[0]).line;
    return err(`${path}:${line}: ${first.message.split('\n')[0] ?? 'invalid YAML'}`);
  }
  const where: Located = { doc, lines, path };
  let data: unknown;
  try {
    data = doc.toJS();
  } catch (error) {
    // yaml refuses alias bombs (maxAliasCount) by throwing; that is the file's problem, not ours.
    return err(`${path}:1: ${error instanceof Error ? error.message : String(error)}`);
  }
  const validate = schemaValidator();
  if (!validate(data)) {
    // A bad property name is reported twice, by the inner check first; the outer one names it.
    const errors = validate.errors ?? [];
    const error = errors.find((e) => e.keyword === 'propertyNames') ?? errors[0];
    if (error === undefined) return err(`${path}:1: invalid profile`);
    const problem = schemaMessage(error);
    return err(at(where, problem.path, problem.message));
  }
  return describeProfile(data as ProfileData, where);
}

function describeProfile(data: ProfileData, where: Located): Result<MachineDescription> {
  if (data.qemu !== undefined) return describeQemuProfile(data, data.qemu, where);
  if (data.machine === undefined) return err(`${where.path}:1: missing field 'machine' (or give 'qemu' with QEMU arguments)`);
  const built = buildProfile({ ...data, machine: data.machine }, where.path);
  if (!built.ok) return err(at(where, built.problem.path, built.problem.message));
  const problem = validateDescription(built.value.desc);
  if (problem !== undefined) return err(at(where, problem.path, problem.message));
  return ok(withDefaults(built.value.desc, built.value.defaults));
}

function describeQemuProfile(data: ProfileData, qemu: string, where: Located): Result<MachineDescription> {
  const clash = MACHINE_FIELDS.find((field) => data[field] !== undefined);
  if (clash !== undefined) {
    return err(at(where, [clash], `cannot be combined with 'qemu' (write it in the qemu arguments instead)`));
  }
  const words = splitShellWords(qemu);
  if (!words.ok) return err(at(where, ['qemu'], words.error));
  const parsed = parseQemuArgs(words.value, where.path);
  if (!parsed.ok) return err(at(where, ['qemu'], parsed.error));
  return ok({ ...parsed.value, extra: extraOf(data) });
}
