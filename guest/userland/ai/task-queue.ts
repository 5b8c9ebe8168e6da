// The conductor's spool, as pure functions: a task is a file `NAME.task` in the spool directory;
// its priority is the number in a `p<N>-` name prefix or a `priority=N` line in its body (the body
// wins), default 5; lower numbers run first, ties in name order (give names a sequence number to
// keep submission order). The task's id is its name without `.task`; the rest of the body is the
// question. Submitters write `NAME.tmp` and rename it to `NAME.task`, so a task appears whole.

export const DEFAULT_PRIORITY = 5;
const MAX_PRIORITY = 99;

export interface TaskRef {
  name: string;
  id: string;
  priority: number;
}

export function parseTaskName(name: string): TaskRef | undefined {
  if (!name.endsWith('.task') || name.length <= 5 || name.includes('/')) return undefined;
  const id = name.slice(0, -5);
  const m = /^p(\d{1,2})-/.exec(id);
  return { name, id, priority: m ? Math.min(MAX_PRIORITY, Number(m[1])) : DEFAULT_PRIORITY };
}

export interface TaskBody {
  priority: number | undefined;
  question: string;
}

export function parseTaskBody(text: string): TaskBody {
  let priority: number | undefined;
  const rest: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^priority=(\d{1,2})\s*$/.exec(line);
    if (m && priority === undefined) priority = Number(m[1]);
    else rest.push(line);
  }
  return { priority, question: rest.join('\n').trim() };
}

export function compareTasks(a: TaskRef, b: TaskRef): number {
  return a.priority - b.priority || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

/** The spool's tasks in the order the conductor takes them. */
export function orderTasks(names: readonly string[]): TaskRef[] {
  return names.map(parseTaskName).filter((t): t is TaskRef => t !== undefined).sort(compareTasks);
}
