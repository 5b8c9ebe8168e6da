// Command text for job messages ("[1]+  Done   sleep 1"), rebuilt from the tree the way
// ash's cmdtxt does: words separated by single spaces, pipelines with " | ".

import type { Node, Redir } from './ast';

function redirText(r: Redir): string {
  const fd = r.fd === undefined ? '' : String(r.fd);
  return `${fd}${r.op}${r.target}`;
}

export function commandText(node: Node): string {
  switch (node.kind) {
    case 'simple':
      return [...node.assigns, ...node.words, ...node.redirs.map(redirText)].join(' ');
    case 'pipeline':
      return (node.bang ? '! ' : '') + node.commands.map(commandText).join(' | ');
    case 'andor':
      return [commandText(node.first), ...node.rest.map((r) => `${r.op} ${commandText(r.node)}`)].join(' ');
    case 'list':
      return node.items.map((i) => commandText(i.node) + (i.async ? ' &' : '')).join('; ');
    case 'subshell':
      return `(${commandText(node.body)})`;
    case 'group':
      return `{ ${commandText(node.body)}; }`;
    case 'if':
      return `if ${commandText(node.clauses[0]!.cond)}; then ...; fi`;
    case 'loop':
      return `${node.until ? 'until' : 'while'} ${commandText(node.cond)}; do ...; done`;
    case 'for':
      return `for ${node.name} in ...; do ...; done`;
    case 'case':
      return `case ${node.word} in ... esac`;
    case 'func':
      return `${node.name}() {...}`;
  }
}
