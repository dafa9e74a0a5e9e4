import { wantsColour } from './terminal.js';

const tty = { isTTY: true };
const pipe = { isTTY: false };

describe('when to colour', () => {
  it('colours a terminal and nothing else by default', () => {
    expect(wantsColour(tty, {})).toBe(true);
    expect(wantsColour(pipe, {})).toBe(false);
    expect(wantsColour({}, {})).toBe(false);
  });

  it('never colours with NO_COLOR, even a terminal told to by FORCE_COLOR', () => {
    expect(wantsColour(tty, { NO_COLOR: '1' })).toBe(false);
    expect(wantsColour(pipe, { NO_COLOR: '1', FORCE_COLOR: '1' })).toBe(false);
  });

  it('follows FORCE_COLOR either way, and ignores an empty NO_COLOR', () => {
    expect(wantsColour(pipe, { FORCE_COLOR: '1' })).toBe(true);
    expect(wantsColour(tty, { FORCE_COLOR: '0' })).toBe(false);
    expect(wantsColour(tty, { NO_COLOR: '' })).toBe(true);
  });

  it('does not colour a dumb terminal', () => {
    expect(wantsColour(tty, { TERM: 'dumb' })).toBe(false);
  });
});
