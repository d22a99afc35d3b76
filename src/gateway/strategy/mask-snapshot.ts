/**
 * A copy of a mask and a cheap test of whether a mask passed in later has the same contents, for
 * strategies that cache work per mask. It compares 8 bytes at a time through a Float64Array view
 * of the caller's mask. A float compare is not a bit compare, but it is safe here: 0/1 bytes
 * never form a NaN, a NaN only makes equal masks look different (a cache miss), and the one
 * unequal pair that compares equal, +0 and −0, differs by a 0x80 byte that is ineligible either
 * way. Views are kept for the last two mask objects seen, because a dispatcher passes the same one
 * or two arrays again and again (its live mask, its retry scratch mask).
 */
export class MaskSnapshot {
  /** The snapshot's contents (valid once take() has been called). */
  readonly copy: Uint8Array;
  private readonly copyWords: Float64Array;
  private readonly wordCount: number;
  private held = false;
  private maskA: Uint8Array | null = null;
  private wordsA: Float64Array | null = null;
  private maskB: Uint8Array | null = null;
  private wordsB: Float64Array | null = null;

  constructor(readonly n: number) {
    const buffer = new ArrayBuffer((n + 7) & ~7);
    this.wordCount = n >>> 3;
    this.copy = new Uint8Array(buffer, 0, n);
    this.copyWords = new Float64Array(buffer, 0, this.wordCount);
  }

  /** Whether a snapshot is held and `mask` has exactly its contents. */
  matches(mask: Uint8Array): boolean {
    if (!this.held) return false;
    const words = mask === this.maskA ? this.wordsA : this.wordsOf(mask);
    let from = 0;
    if (words !== null) {
      const copyWords = this.copyWords;
      const count = this.wordCount;
      for (let w = 0; w < count; w++) if (words[w] !== copyWords[w]) return false;
      from = count << 3;
    }
    const copy = this.copy;
    const n = this.n;
    for (let i = from; i < n; i++) if (mask[i] !== copy[i]) return false;
    return true;
  }

  take(mask: Uint8Array): void {
    this.copy.set(mask.subarray(0, this.n));
    this.held = true;
  }

  private wordsOf(mask: Uint8Array): Float64Array | null {
    if (mask === this.maskB) {
      [this.maskA, this.maskB] = [this.maskB, this.maskA];
      [this.wordsA, this.wordsB] = [this.wordsB, this.wordsA];
      return this.wordsA;
    }
    this.maskB = this.maskA;
    this.wordsB = this.wordsA;
    this.maskA = mask;
    this.wordsA =
      mask.byteOffset % 8 === 0 && mask.length >= this.n
        ? new Float64Array(mask.buffer, mask.byteOffset, this.wordCount)
        : null;
    return this.wordsA;
  }
}
