import { styleText } from 'node:util';
import { type Paint, plain } from './format.js';

/**
 * Whether to colour what goes to a stream: never with NO_COLOR, as told by FORCE_COLOR (the convention Node's own
 * tools follow), otherwise only on a terminal that is not `dumb`.
 */
export function wantsColour(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  if (env['NO_COLOR']) return false;
  const force = env['FORCE_COLOR'];
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  return stream.isTTY === true && env['TERM'] !== 'dumb';
}

// styleText would judge process.stdout by itself; the choice is made above, for the stream the text goes to.
export const ansi: Paint = (style, text) => styleText(style, text, { validateStream: false });
export const painter = (colour: boolean): Paint => (colour ? ansi : plain);
