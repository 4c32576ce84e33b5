/** The event streams this process holds open, so a graceful shutdown can end them (they would otherwise keep the server from closing). */
export class OpenStreams {
  private readonly closers = new Set<() => void>();

  add(close: () => void): void {
    this.closers.add(close);
  }

  remove(close: () => void): void {
    this.closers.delete(close);
  }

  get size(): number {
    return this.closers.size;
  }

  closeAll(): void {
    for (const close of [...this.closers]) close();
  }
}
