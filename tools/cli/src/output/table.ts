import Table from 'cli-table3';
import type { Paint } from './format.js';

// Columns separated by two spaces, no borders: the layout of `kubectl get` and `nats`, easy to read and to grep.
const CHARS = {
  top: '',
  'top-mid': '',
  'top-left': '',
  'top-right': '',
  bottom: '',
  'bottom-mid': '',
  'bottom-left': '',
  'bottom-right': '',
  left: '',
  'left-mid': '',
  mid: '',
  'mid-mid': '',
  right: '',
  'right-mid': '',
  middle: '  ',
};

/** Lines of a table with a header row; cli-table3 measures cells without their colour codes. */
export function renderTable(head: string[], rows: string[][], paint: Paint, indent = ''): string[] {
  const table = new Table({
    head: head.map((title) => paint('bold', title)),
    chars: CHARS,
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 },
  });
  table.push(...rows);
  return table
    .toString()
    .split('\n')
    .map((line) => indent + line.trimEnd());
}
