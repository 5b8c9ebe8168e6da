// Prompt expansion as ash does it: parameter, command and arithmetic expansion first
// (backslashes kept), then BusyBox's fancy-prompt escapes: \w (cwd, $HOME shown as ~),
// \W, \u, \h, \$ ('#' for root), \n, \\.

import type { Sc } from '../libc/sys';
import { ExpandError } from './expand';
import type { Shell } from './shell';

export function* expandPrompt(sh: Shell, raw: string): Sc<string> {
  let ps1 = raw;
  try {
    ps1 = yield* sh.expander.prompt(raw);
  } catch (e) {
    if (!(e instanceof ExpandError)) throw e;
  }
  if (!ps1.includes('\\')) return ps1;
  const euid = yield* sh.sys.geteuid();
  const cwdRaw = yield* sh.sys.getcwd();
  const cwd = typeof cwdRaw === 'string' ? cwdRaw : sh.state.get('PWD') ?? '?';
  const home = sh.state.get('HOME');
  const tilde = home !== undefined && home !== '/' && home !== '' && (cwd === home || cwd.startsWith(`${home}/`)) ? `~${cwd.slice(home.length)}` : cwd;
  let host = '';
  if (ps1.includes('\\h')) {
    const u = yield* sh.sys.uname();
    host = typeof u === 'number' ? '?' : u.nodename.split('.')[0]!;
  }
  return renderPrompt(ps1, { cwd: tilde, root: euid === 0, user: euid === 0 ? 'root' : String(euid), host });
}

export function renderPrompt(ps1: string, p: { cwd: string; root: boolean; user: string; host: string }): string {
  let out = '';
  for (let i = 0; i < ps1.length; i++) {
    const c = ps1[i]!;
    if (c !== '\\' || i + 1 >= ps1.length) {
      out += c;
      continue;
    }
    const n = ps1[++i]!;
    switch (n) {
      case 'w': out += p.cwd; break;
      case 'W': out += p.cwd === '/' ? '/' : p.cwd.slice(p.cwd.lastIndexOf('/') + 1); break;
      case '$': out += p.root ? '#' : '$'; break;
      case 'u': out += p.user; break;
      case 'h': out += p.host; break;
      case 'n': out += '\n'; break;
      case '\\': out += '\\'; break;
      default: out += `\\${n}`;
    }
  }
  return out;
}
