// Paths into a scenario document (`steps[3].expect`), as error messages print them.

export type PathSegment = string | number;
/** Line (1-based) of the value at `path`; with `key`, of that key inside the map at `path`. */
export type Locate = (path: PathSegment[], key?: string) => number;

export function pathOf(instancePath: string): PathSegment[] {
  if (instancePath === '') return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

export function formatPath(path: PathSegment[]): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out === '' ? seg : `.${seg}`;
  return out === '' ? '(top level)' : out;
}
