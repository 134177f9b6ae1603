/** Append-only typed arrays for the index build: millions of numbers without millions of JS values. */

export class GrowU32 {
  data: Uint32Array;
  length = 0;
  constructor(capacity = 1024) {
    this.data = new Uint32Array(capacity);
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Uint32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  /** A copy trimmed to length (the build keeps the exact-size arrays, drops the slack). */
  done(): Uint32Array {
    return this.data.slice(0, this.length);
  }
}

export class GrowF64 {
  data: Float64Array;
  length = 0;
  constructor(capacity = 1024) {
    this.data = new Float64Array(capacity);
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  done(): Float64Array {
    return this.data.slice(0, this.length);
  }
}

/** Strings packed as UTF-8 in one buffer with offsets: a 5M-name vocabulary is ~250 MB as JS strings, ~120 MB here. */
export class GrowText {
  private chunks: Buffer[] = [];
  private current = Buffer.allocUnsafe(1 << 20);
  private used = 0;
  private total = 0;
  readonly offsets = new GrowF64();
  constructor() {
    this.offsets.push(0);
  }
  push(s: string): void {
    const need = Buffer.byteLength(s, 'utf8');
    if (this.used + need > this.current.length) {
      this.chunks.push(this.current.subarray(0, this.used));
      this.current = Buffer.allocUnsafe(Math.max(1 << 20, need));
      this.used = 0;
    }
    this.current.write(s, this.used, 'utf8');
    this.used += need;
    this.total += need;
    this.offsets.push(this.total);
  }
  done(): PackedText {
    const buf = Buffer.concat([...this.chunks, this.current.subarray(0, this.used)]);
    this.chunks = [];
    return new PackedText(buf, this.offsets.done());
  }
}

export class PackedText {
  constructor(
    readonly buf: Buffer,
    readonly offsets: Float64Array,
  ) {}
  get(i: number): string {
    return this.buf.toString('utf8', this.offsets[i], this.offsets[i + 1]);
  }
  get bytes(): number {
    return this.buf.length + this.offsets.byteLength;
  }
}
