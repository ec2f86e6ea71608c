/**
 * Progress of a benchmark run on a terminal: one bar over the cases (scenario × size), with the
 * case and what it is doing (checking a variant, a timing round). When stderr is not a terminal
 * (CI, a pipe) it prints nothing: the tables and the summary are the whole output.
 */
import cliProgress from 'cli-progress';

export interface Progress {
  /** A new case begins. */
  startCase(label: string): void;
  /** What the current case is doing now. */
  step(what: string): void;
  /** Results for stdout, kept above the bar while it is shown. */
  print(text: string): void;
  /** The run is over: the bar is removed. */
  stop(): void;
}

const quiet: Progress = {
  startCase: () => {},
  step: () => {},
  print: (text) => process.stdout.write(text),
  stop: () => {},
};

export function startProgress(total: number, tty = process.stderr.isTTY === true): Progress {
  if (!tty) return quiet;
  const bars = new cliProgress.MultiBar(
    {
      format: 'bench {bar} {value}/{total} cases | {label} | {step}',
      hideCursor: true,
      clearOnComplete: true,
      stream: process.stderr,
    },
    cliProgress.Presets.shades_classic,
  );
  const bar = bars.create(total, 0, { label: '', step: '' });
  let started = 0;
  // The timed loops are synchronous, so the bars' redraw timer seldom fires: redraw on each change.
  return {
    startCase(label) {
      if (started++ > 0) bar.increment(1);
      bar.update({ label, step: '' });
      bars.update();
    },
    step(what) {
      bar.update({ step: what });
      bars.update();
    },
    print(text) {
      // On one terminal, text written past the bar would be overwritten by its next redraw.
      if (!process.stdout.isTTY) process.stdout.write(text);
      else {
        bars.log(text);
        bars.update();
      }
    },
    stop() {
      bar.update(total);
      bars.update();
      bars.stop();
    },
  };
}
