/** Progress lines of the sandbox harness: to stderr by default, silent or captured on request. */
export type ProgressFn = (line: string) => void;

/** The default progress sink: `sandbox: ...` lines on stderr. */
export const stderrProgress: ProgressFn = (line) => { process.stderr.write(`sandbox: ${line}\n`); };

/** Discards progress lines. */
export const silentProgress: ProgressFn = () => {};
