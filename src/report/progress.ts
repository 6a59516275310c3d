/**
 * Progress on stderr for long runs: on a terminal after about two seconds (never in pipes or CI logs), or always
 * with `--progress`. One line, rewritten in place on a terminal; a line per phase otherwise.
 */
import type { ProgressEvent } from '../engine.js';

const DELAY_MS = 2000;

export class ProgressReporter {
  private readonly started = Date.now();
  private readonly counts = new Map<ProgressEvent['phase'], ProgressEvent>();
  private shown = false;
  private lastDraw = 0;
  private lastPhase: string | undefined;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly always: boolean,
    private readonly files: number,
  ) {}

  /** On when asked, or on a terminal outside CI. */
  static enabled(stream: NodeJS.WriteStream, asked: boolean): boolean {
    return asked || (stream.isTTY === true && !process.env.CI);
  }

  update = (event: ProgressEvent): void => {
    this.counts.set(event.phase, event);
    const now = Date.now();
    if (!this.always && now - this.started < DELAY_MS) return;
    if (this.stream.isTTY) {
      if (now - this.lastDraw < 100 && event.done !== event.total) return;
      this.lastDraw = now;
      this.stream.write(`\r\x1b[K${this.describe()}`);
      this.shown = true;
    } else if (event.phase !== this.lastPhase || event.done === event.total) {
      this.lastPhase = event.phase;
      this.stream.write(`privlint: ${this.describe()}\n`);
    }
  };

  private describe(): string {
    const parse = this.counts.get('parse');
    const unit = this.counts.get('unit');
    const parts = [`${this.files} files indexed`];
    if (parse) parts.push(`${parse.done}/${parse.total} parsed`);
    if (unit) parts.push(`${unit.done}/${unit.total} programs analysed`);
    return `${parts.join(', ')} (${((Date.now() - this.started) / 1000).toFixed(1)} s)`;
  }

  finish(): void {
    if (this.shown && this.stream.isTTY) this.stream.write('\r\x1b[K');
  }
}
