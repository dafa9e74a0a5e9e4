import { main } from './main.js';
import type { Io } from './output/output.js';

/** Runs the CLI in-process with captured streams; every case here fails before any connection is made. */
async function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const out = { stdout: '', stderr: '' };
  const io: Io = {
    stdout: { write: (text: string) => (out.stdout += text) },
    stderr: { write: (text: string) => (out.stderr += text) },
    env,
    now: () => 0,
  };
  const code = await main(args, io);
  return { code, ...out };
}

describe('exit status and messages of the command line', () => {
  it('prints help on stdout and exits 0', async () => {
    const help = await cli(['pools', 'list', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: gwpool pools list [options]');
    expect(help.stdout).toContain('--verbose');
    expect(help.stderr).toBe('');
  });

  it('exits 2 with the command’s usage line for an unknown option', async () => {
    expect(await cli(['route', 'pick', 'edge-eu', '--bogus'])).toEqual({
      code: 2,
      stdout: '',
      stderr:
        "gwpool: unknown option '--bogus'\nusage: gwpool route pick [options] <pool>\n(see 'gwpool route pick --help')\n",
    });
  });

  it('exits 2 for a usage error found by a command itself, with its usage line', async () => {
    expect(await cli(['pools', 'list'])).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'gwpool: no org given: pass --org ORG or set GWPOOL_ORG\nusage: gwpool pools list [options]\n' +
        "(see 'gwpool pools list --help')\n",
    });
    const update = await cli(['--org', 'acme', 'pools', 'update', 'edge-eu']);
    expect([update.code, update.stderr.split('\n')[0]]).toEqual([
      2,
      'gwpool: nothing to change: give --name, --description, --strategy or --max-members',
    ]);
  });

  it('counts an empty GWPOOL_ORG as unset, and refuses an org that is not a token', async () => {
    expect((await cli(['pools', 'list'], { GWPOOL_ORG: '' })).stderr).toContain('no org given');
    const dotted = await cli(['--org', 'a.b', 'pools', 'list']);
    expect([dotted.code, dotted.stderr.split('\n')[0]]).toEqual([
      2,
      "gwpool: option '-o, --org <org>' argument 'a.b' is invalid. must be 1 to 64 letters, digits, underscores or hyphens.",
    ]);
  });

  it('exits 2 for a group given without a command, showing the group’s commands', async () => {
    const group = await cli(['members']);
    expect(group.code).toBe(2);
    expect(group.stderr).toContain('Usage: gwpool members [options] [command]');
    expect(group.stderr).toContain('add <pool> <gateway>');
  });
});
