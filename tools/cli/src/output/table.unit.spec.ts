import { stripVTControlCharacters } from 'node:util';
import { plain } from './format.js';
import { renderTable } from './table.js';
import { ansi } from './terminal.js';

describe('tables', () => {
  it('lines columns up two spaces apart, with no borders and no trailing spaces', () => {
    expect(
      renderTable(
        ['NAME', 'STATUS'],
        [
          ['edge-eu', '● yellow'],
          ['a-longer-name', '● green'],
        ],
        plain,
      ),
    ).toEqual(['NAME           STATUS', 'edge-eu        ● yellow', 'a-longer-name  ● green']);
  });

  it('measures coloured cells by what shows, not by their escape codes', () => {
    const lines = renderTable(['STATUS', 'N'], [[ansi('yellow', '● yellow'), '1']], ansi);
    const visible = lines.map((line) => stripVTControlCharacters(line));
    expect(visible).toEqual(['STATUS    N', '● yellow  1']);
  });

  it('indents every line when asked', () => {
    expect(renderTable(['A'], [['x']], plain, '  ')).toEqual(['  A', '  x']);
  });
});
