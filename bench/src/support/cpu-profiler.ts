// Preloaded into a service (node --import) when the benchmark wants its CPU profile: the first SIGWINCH starts the
// V8 profiler, the second writes BENCH_CPU_PROFILE to disk. Only the measured window is profiled, not the start-up,
// and the service's own code stays untouched. SIGWINCH because Nest's shutdown hooks take SIGUSR2 and Node SIGUSR1.
import { writeFileSync } from 'node:fs';
import { type Profiler, Session } from 'node:inspector';

const target = process.env['BENCH_CPU_PROFILE'];
if (target) {
  const session = new Session();
  session.connect();
  const post = <T = void>(method: string, params?: object) =>
    new Promise<T>((resolve, reject) =>
      session.post(method, params, (error, result) => (error ? reject(error) : resolve(result as T))),
    );
  let profiling = false;
  process.on('SIGWINCH', () => {
    if (!profiling) {
      profiling = true;
      void post('Profiler.enable')
        .then(() => post('Profiler.setSamplingInterval', { interval: 200 }))
        .then(() => post('Profiler.start'));
      return;
    }
    profiling = false;
    void post<Profiler.StopReturnType>('Profiler.stop').then(({ profile }) =>
      writeFileSync(target, JSON.stringify(profile)),
    );
  });
}
