/**
 * A copy of a mask and a cheap test of whether a mask passed in later has the same contents, for
 * strategies that cache work per mask. It compares 4 bytes at a time through an Int32Array view
 * of the caller's mask; views are kept for the last two mask objects seen, because a dispatcher
 * passes the same one or two arrays again and again (its live mask, its retry scratch mask).
 */
export class MaskSnapshot {
  /** The snapshot's contents (valid once take() has been called). */
  readonly copy: Uint8Array;
  private readonly copyWords: Int32Array;
  private held = false;
  private maskA: Uint8Array | null = null;
  private wordsA: Int32Array | null = null;
  private maskB: Uint8Array | null = null;
  private wordsB: Int32Array | null = null;

  constructor(readonly n: number) {
    const buffer = new ArrayBuffer((n + 3) & ~3);
    this.copy = new Uint8Array(buffer, 0, n);
    this.copyWords = new Int32Array(buffer, 0, n >>> 2);
  }

  /** Whether a snapshot is held and `mask` has exactly its contents. */
  matches(mask: Uint8Array): boolean {
    if (!this.held) return false;
    const n = this.n;
    const copy = this.copy;
    const words = this.wordsOf(mask);
    let from = 0;
    if (words !== null) {
      const copyWords = this.copyWords;
      for (let w = 0; w < copyWords.length; w++) if (words[w] !== copyWords[w]) return false;
      from = copyWords.length << 2;
    }
    for (let i = from; i < n; i++) if (mask[i] !== copy[i]) return false;
    return true;
  }

  take(mask: Uint8Array): void {
    this.copy.set(mask.subarray(0, this.n));
    this.held = true;
  }

  private wordsOf(mask: Uint8Array): Int32Array | null {
    if (mask === this.maskA) return this.wordsA;
    if (mask === this.maskB) {
      [this.maskA, this.maskB] = [this.maskB, this.maskA];
      [this.wordsA, this.wordsB] = [this.wordsB, this.wordsA];
      return this.wordsA;
    }
    this.maskB = this.maskA;
    this.wordsB = this.wordsA;
    this.maskA = mask;
    this.wordsA =
      mask.byteOffset % 4 === 0 && mask.length >= this.n
        ? new Int32Array(mask.buffer, mask.byteOffset, this.n >>> 2)
        : null;
    return this.wordsA;
  }
}
