// The shell's syntax tree. Words stay as their raw source text (quotes included) and are
// expanded when executed, as ash does; only their boundaries are found by the lexer.

export type RedirOp = '<' | '>' | '>>' | '>|' | '<>' | '<&' | '>&' | '<<' | '<<-';

export interface HereDoc {
  delimiter: string;
  /** Quoted delimiter: the body is taken literally. */
  literal: boolean;
  stripTabs: boolean;
  body: string;
}

export interface Redir {
  /** Explicit fd (2>...), or undefined for the operator's default (0 for <, 1 for >). */
  fd: number | undefined;
  op: RedirOp;
  /** Raw target word; for here-documents the delimiter. */
  target: string;
  heredoc?: HereDoc;
}

export interface SimpleCommand {
  kind: 'simple';
  /** 1-based source line, for ash's "line N:" in error messages. */
  line: number;
  assigns: string[];
  words: string[];
  redirs: Redir[];
}

export interface Pipeline {
  kind: 'pipeline';
  bang: boolean;
  commands: Command[];
}

export interface AndOr {
  kind: 'andor';
  first: Node;
  rest: { op: '&&' | '||'; node: Node }[];
}

export interface List {
  kind: 'list';
  items: { node: Node; async: boolean }[];
}

export interface Subshell {
  kind: 'subshell';
  body: Node;
  redirs: Redir[];
}

export interface Group {
  kind: 'group';
  body: Node;
  redirs: Redir[];
}

export interface If {
  kind: 'if';
  clauses: { cond: Node; body: Node }[];
  elseBody: Node | undefined;
  redirs: Redir[];
}

export interface Loop {
  kind: 'loop';
  until: boolean;
  cond: Node;
  body: Node;
  redirs: Redir[];
}

export interface For {
  kind: 'for';
  name: string;
  /** undefined: iterate over "$@". */
  items: string[] | undefined;
  body: Node;
  redirs: Redir[];
}

export interface Case {
  kind: 'case';
  word: string;
  arms: { patterns: string[]; body: Node | undefined }[];
  redirs: Redir[];
}

export interface FuncDef {
  kind: 'func';
  name: string;
  body: Command;
}

export type Command = SimpleCommand | Subshell | Group | If | Loop | For | Case | FuncDef;
export type Node = Command | Pipeline | AndOr | List;
