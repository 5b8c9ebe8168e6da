// Cutting a transcript into per-step console output and normalising it for comparison
// across backends. Transcripts carry a marker line before each step
// (`### step N line L t=T: what`); the output after a marker belongs to that step.
// What is compared is the guest's answers: the output of each `send` step and the steps
// after it up to the next `send`. Boot output before the first command is left out by
// design, since the simulator's kernel and real Linux print different boot logs.

import type { NormalizeRule } from '../engine/types';
import { normalizeTranscript } from '../engine/transcript';

export interface StepSegment {
  /** 1-based step number, as in the markers. */
  step: number;
  /** The marker's description without its timestamp (`send: echo hi`). */
  title: string;
  text: string;
}

const MARKER = /^### step (\d+) line \d+ t=[^:]*: (.*)$/;
const END_MARKER = /^### (PASSED|FAILED.*)$/;
/** CSI and OSC escape sequences: terminal control, not content (BusyBox's cursor query, colours). */
const ESCAPES = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b[=>78]/g;

/** An escape sequence cut off at the end of a segment (a marker landed inside it). */
const CUT_ESCAPE = /\x1b(\[[0-9;?]*)?\n?$/;

export function splitSteps(transcript: string): StepSegment[] {
  const out = splitAtMarkers(transcript);
  // Console output can be cut mid-escape by a step marker; give the cut piece to the next step.
  for (let i = 0; i + 1 < out.length; i++) {
    const m = CUT_ESCAPE.exec(out[i].text);
    if (!m) continue;
    out[i].text = out[i].text.slice(0, m.index) + '\n';
    out[i + 1].text = m[0].replace(/\n$/, '') + out[i + 1].text;
  }
  for (let i = 0; i + 1 < out.length; i++) dropMarkerNewline(out[i], out[i + 1]);
  return out;
}

/**
 * A marker that lands mid-line starts a line of its own, adding a newline the guest never
 * wrote (the terminal ends its lines with CR LF). Where the output goes on in the next step,
 * that newline goes, so when the marker falls (on one backend only) does not show as a
 * difference: after a line without its CR, or between the CR and LF of a line end.
 */
function dropMarkerNewline(seg: StepSegment, next: StepSegment): void {
  const t = seg.text;
  // The next step opens with a marker line of its own (`### status running`): the newline is the marker's.
  if (!t.endsWith('\n') || t === '\n' || next.text.startsWith('### ')) return;
  const midLine = !t.endsWith('\r\n') && next.text !== '';
  const splitCrLf = t.endsWith('\r\n') && next.text.startsWith('\n');
  if (midLine || splitCrLf) seg.text = t.slice(0, -1);
}

function splitAtMarkers(transcript: string): StepSegment[] {
  const out: StepSegment[] = [];
  let current: StepSegment | undefined;
  for (const line of transcript.split('\n')) {
    const m = MARKER.exec(line);
    if (m) {
      current = { step: Number(m[1]), title: m[2], text: '' };
      out.push(current);
    } else if (END_MARKER.test(line) || line.startsWith('### scenario ')) {
      current = undefined;
    } else if (current) {
      current.text += line + '\n';
    }
  }
  return out;
}

/** Built-in normalisation (escapes, carriage returns, trailing blanks), then the scenario's rules. */
export function normalizeOutput(text: string, rules: readonly NormalizeRule[]): string {
  const plain = text.replace(ESCAPES, '').replace(/\r/g, '').replace(/[ \t]+$/gm, '');
  return normalizeTranscript(plain, rules).replace(/\n+$/, '');
}

/** Merges the segments from the first `send` on into one comparable block per `send`. */
export function answerBlocks(segments: readonly StepSegment[], rules: readonly NormalizeRule[]): StepSegment[] {
  const blocks: StepSegment[] = [];
  for (const s of segments) {
    if (s.title.startsWith('send')) blocks.push({ step: s.step, title: s.title, text: s.text });
    else if (blocks.length > 0) blocks[blocks.length - 1].text += s.text;
  }
  return blocks.map((b) => ({ ...b, text: normalizeOutput(b.text, rules) }));
}
