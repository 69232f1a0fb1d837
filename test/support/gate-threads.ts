import { Worker } from 'node:worker_threads';

/** The compiled twin of a module (the test setup builds dist/), for a thread of its own. */
export const compiled = (path: string) => new URL(`../../dist/${path}`, import.meta.url).href;

/** Holds this thread for `ms`, as a writer busy with its batch would. */
export const busyFor = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** Spins until `check` holds (the other thread's steps come often); fails after 5 s. */
export function spinUntil(check: () => boolean, what: string) {
  const deadline = Date.now() + 5000;
  while (!check()) if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
}

/**
 * The other side of a gate on a thread of its own, as in the local host: `script` runs with `gate`
 * (the compiled gate class `name` of `module`, over the same word) and `marks`, two more shared
 * words the test reads (0: nothing yet, 1: under way, 2: done).
 */
export function gateSide(gate: { buffer: SharedArrayBuffer }, module: string, name: string, script: string) {
  const marks = new Int32Array(new SharedArrayBuffer(8));
  const worker = new Worker(
    `const { workerData } = require('node:worker_threads');
     import(workerData.module).then((exports) => {
       const gate = new exports[workerData.name](workerData.buffer);
       const marks = new Int32Array(workerData.marks);
       ${script}
     });`,
    {
      eval: true,
      workerData: { module: compiled(module), name, buffer: gate.buffer, marks: marks.buffer },
    },
  );
  return { marks, stop: () => worker.terminate() };
}
