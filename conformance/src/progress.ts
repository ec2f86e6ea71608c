/**
 * Progress of `pnpm conformance` on a terminal: one bar per engine, scenarios done of its
 * total, kept on screen with its time once the engine is done. When the stream is not a
 * terminal (CI, a pipe) no bar is drawn: one line per engine, its time, once it is done.
 */
import cliProgress from 'cli-progress';

export interface Progress {
  /** An engine begins its `total` scenarios. */
  start(name: string, total: number): void;
  /** One more scenario of the current engine is done. */
  tick(): void;
  /** The current engine is done; `note` (its time) is shown beside its bar, or printed as a line. */
  done(note: string): void;
  /** The run is over: the bars stop redrawing (they stay on screen). */
  stop(): void;
}

/** Redraws at most this often: the scenarios run synchronously, so the bars' own timer seldom fires. */
const redrawEvery = 50;

export function startProgress(
  names: readonly string[],
  stream: NodeJS.WriteStream = process.stderr,
): Progress {
  if (stream.isTTY !== true) {
    let current = '';
    return {
      start: (name) => {
        current = name;
      },
      tick: () => {},
      done: (note) => stream.write(`${current}: ${note}\n`),
      stop: () => {},
    };
  }
  const width = Math.max(0, ...names.map((n) => n.length));
  const bars = new cliProgress.MultiBar(
    {
      format: '{name} {bar} {value}/{total} scenarios {note}',
      hideCursor: true,
      clearOnComplete: false,
      stopOnComplete: false,
      barsize: 30,
      stream,
    },
    cliProgress.Presets.shades_classic,
  );
  let bar: cliProgress.SingleBar | undefined;
  let drawn = 0;
  const redraw = (force: boolean) => {
    const now = performance.now();
    if (!force && now - drawn < redrawEvery) return;
    drawn = now;
    bars.update();
  };
  return {
    start(name, total) {
      bar = bars.create(total, 0, { name: name.padEnd(width), note: '' });
      redraw(true);
    },
    tick() {
      bar?.increment(1);
      redraw(false);
    },
    done(note) {
      bar?.update({ note: `| ${note}` });
      redraw(true);
    },
    stop() {
      redraw(true);
      bars.stop();
    },
  };
}
