/**
 * `k8splay ... | head`: the reader closes our stdout early. Stop quietly, as a process killed
 * by SIGPIPE would (Node ignores SIGPIPE and reports EPIPE as a stream error, which unhandled
 * would print a stack trace). The exit code is the one set so far (0 if none).
 */
export function exitOnBrokenPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw e;
    });
  }
}
