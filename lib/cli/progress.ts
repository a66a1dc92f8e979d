// Progress on stderr: a redrawn bar on a terminal, occasional plain lines
// otherwise (logs, CI), nothing when switched off.

export type ProgressMode = "bar" | "lines" | "off";

const WIDTH = 30;
const BAR_EVERY_MS = 100;
const LINE_EVERY_MS = 2_000;

export class Progress {
  private lastAt = 0;
  private drawn = false;

  constructor(
    private readonly label: string,
    private readonly stream: NodeJS.WriteStream,
    private readonly mode: ProgressMode,
  ) {}

  update(done: number, total: number, final = false): void {
    if (this.mode === "off") return;
    const now = Date.now();
    const every = this.mode === "bar" ? BAR_EVERY_MS : LINE_EVERY_MS;
    if (!final && now - this.lastAt < every) return;
    this.lastAt = now;
    const share = total > 0 ? Math.min(1, done / total) : 1;
    const percent = `${Math.floor(share * 100)}%`.padStart(4);
    if (this.mode === "bar") {
      const filled = Math.round(share * WIDTH);
      this.stream.write(`\r${this.label} [${"#".repeat(filled)}${"-".repeat(WIDTH - filled)}] ${percent} ${done}/${total}`);
      this.drawn = true;
    } else {
      this.stream.write(`${this.label}: ${done}/${total} (${percent.trim()})\n`);
    }
  }

  /** Ends the bar's line so later output starts on a fresh one. */
  finish(): void {
    if (this.drawn) this.stream.write("\n");
    this.drawn = false;
  }
}
