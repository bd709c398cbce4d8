// Layer compression: sniffed from the first bytes (media types lie less often than they are
// missing: docker-archive has none), decoded as a stream. gzip uses Node's zlib; zstd uses
// Node's own decoder where it has one (Node ≥ 22.15) and fzstd otherwise. Every zstd frame header
// is checked before the decoder sees it: a frame that declares a window (or, for single-segment
// frames, a content size) above 128 MiB — zstd's own default decoding limit — is refused, since
// a decoder allocates the window up front and a lying header is a cheap way to exhaust memory.

import { Transform, type TransformCallback } from 'node:stream';
import zlib from 'node:zlib';
import { Decompress as FzstdDecompress } from 'fzstd';

export type Compression = 'gzip' | 'zstd' | 'none';

/** zstd's ZSTD_WINDOWLOG_LIMIT_DEFAULT (2^27): what `zstd -d` accepts without --memory. */
export const ZSTD_MAX_WINDOW = 128 * 1024 * 1024;

export function sniffCompression(head: Uint8Array): Compression | undefined {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  if (isTarHeader(head)) return 'none';
  return undefined;
}

/** A ustar/GNU header, or the all-zero block an empty tar starts with. */
export function isTarHeader(head: Uint8Array): boolean {
  if (head.length < 512) return head.length > 0 && head.every((b) => b === 0);
  const magic = Buffer.from(head.buffer, head.byteOffset + 257, 5).toString('latin1');
  if (magic === 'ustar') return true;
  if (head.subarray(0, 512).every((b) => b === 0)) return true;
  // A v7 header has no magic: accept it when its checksum is right.
  return checksumOk(head);
}

function checksumOk(block: Uint8Array): boolean {
  const stored = parseInt(Buffer.from(block.buffer, block.byteOffset + 148, 8).toString('latin1').replace(/[\0 ]+/g, ' ').trim(), 8);
  if (!Number.isFinite(stored)) return false;
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : block[i]!;
  return sum === stored;
}

export class DecodeError extends Error {}

/** A stream that decodes `kind` into tar bytes. */
export function decoder(kind: Compression): Transform {
  // 256 KiB output chunks: fewer callbacks than zlib's 16 KiB default, yet small enough that the
  // tar walk on the main thread overlaps inflation on the thread pool (bench/images.mjs: 64 KiB
  // and 1 MiB were both slower).
  if (kind === 'gzip') return zlib.createGunzip({ chunkSize: 256 * 1024 });
  if (kind === 'zstd') return new ZstdDecode();
  return new Transform({ transform: (chunk, _enc, cb) => cb(null, chunk) });
}

type NativeZstd = () => Transform;
const nativeZstd = (zlib as unknown as { createZstdDecompress?: NativeZstd }).createZstdDecompress;

/** zstd: the frame guard, then Node's decoder or fzstd. */
class ZstdDecode extends Transform {
  private readonly guard = new ZstdFrameGuard();
  private readonly native?: Transform;
  private readonly js?: FzstdDecompress;
  private failed = false;

  constructor() {
    super();
    if (nativeZstd) {
      this.native = nativeZstd();
      this.native.on('data', (c: Buffer) => this.push(c));
      this.native.on('error', (e: Error) => this.fail(e));
    } else {
      this.js = new FzstdDecompress((data) => {
        if (data.length) this.push(Buffer.from(data.buffer, data.byteOffset, data.length));
      });
    }
  }

  private fail(e: unknown): void {
    if (this.failed) return;
    this.failed = true;
    this.destroy(e instanceof DecodeError ? e : new DecodeError(`invalid zstd data: ${(e as Error).message}`));
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    try {
      this.guard.check(chunk);
      if (this.native) {
        if (!this.native.write(chunk)) this.native.once('drain', () => cb());
        else cb();
        return;
      }
      this.js!.push(chunk);
      cb();
    } catch (e) {
      this.fail(e);
    }
  }

  override _flush(cb: TransformCallback): void {
    try {
      this.guard.finish();
      if (this.native) {
        this.native.once('end', () => cb());
        this.native.end();
        return;
      }
      this.js!.push(new Uint8Array(0), true);
      cb();
    } catch (e) {
      this.fail(e);
    }
  }
}

const enum G {
  Magic,
  FrameHeader,
  BlockHeader,
  BlockBody,
  Checksum,
  SkipSize,
  SkipBody,
}

/**
 * Walks zstd frames and blocks as bytes go by (it never decodes), checking each frame header's
 * window size and each block's type and size, so a lying or hostile stream is refused before a
 * decoder allocates for it.
 */
export class ZstdFrameGuard {
  private state = G.Magic;
  private need = 4;
  private buf: number[] = [];
  private remaining = 0;
  private checksum = false;
  private frames = 0;

  constructor(private readonly maxWindow = ZSTD_MAX_WINDOW) {}

  check(chunk: Uint8Array): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.state === G.BlockBody || this.state === G.SkipBody) {
        const take = Math.min(this.remaining, chunk.length - i);
        i += take;
        this.remaining -= take;
        if (this.remaining === 0) this.afterBody();
        continue;
      }
      this.buf.push(chunk[i++]!);
      if (this.buf.length < this.need) continue;
      this.step();
    }
  }

  finish(): void {
    if (this.state !== G.Magic || this.buf.length > 0) throw new DecodeError('zstd stream ends inside a frame (truncated layer)');
    if (this.frames === 0) throw new DecodeError('zstd stream holds no frame');
  }

  private afterBody(): void {
    if (this.state === G.SkipBody) return this.expect(G.Magic, 4);
    if (this.lastBlock) {
      if (this.checksum) return this.expect(G.Checksum, 4);
      return this.expect(G.Magic, 4);
    }
    this.expect(G.BlockHeader, 3);
  }

  private lastBlock = false;

  private expect(state: G, need: number): void {
    this.state = state;
    this.need = need;
    this.buf = [];
  }

  private step(): void {
    const b = this.buf;
    switch (this.state) {
      case G.Magic: {
        const magic = (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0;
        if (magic === 0xfd2fb528) {
          this.frames++;
          return this.expect(G.FrameHeader, 1);
        }
        if ((magic & 0xfffffff0) >>> 0 === 0x184d2a50) return this.expect(G.SkipSize, 4);
        throw new DecodeError(`not a zstd frame (magic 0x${magic.toString(16)})`);
      }
      case G.FrameHeader: {
        const fhd = b[0]!;
        const single = (fhd >> 5) & 1;
        const dictFlag = fhd & 3;
        const fcsFlag = fhd >> 6;
        if (fhd & 8) throw new DecodeError('zstd frame header has its reserved bit set');
        const fcsBytes = fcsFlag === 0 ? single : 1 << fcsFlag;
        const total = 1 + (single ? 0 : 1) + [0, 1, 2, 4][dictFlag]! + fcsBytes;
        if (b.length < total) {
          this.need = total;
          return;
        }
        let p = 1;
        let window = 0;
        if (!single) {
          const wd = b[p++]!;
          const base = 2 ** (10 + (wd >> 3));
          window = base + (base / 8) * (wd & 7);
        }
        p += [0, 1, 2, 4][dictFlag]!;
        let fcs = 0;
        for (let k = 0; k < fcsBytes; k++) fcs += b[p + k]! * 2 ** (8 * k);
        if (fcsBytes === 2) fcs += 256;
        if (single) window = fcs;
        if (window > this.maxWindow) {
          throw new DecodeError(`zstd frame declares a ${single ? 'content size' : 'window'} of ${window} bytes, above zstd's ${this.maxWindow / 1048576} MiB limit`);
        }
        this.checksum = ((fhd >> 2) & 1) === 1;
        return this.expect(G.BlockHeader, 3);
      }
      case G.BlockHeader: {
        const h = b[0]! | (b[1]! << 8) | (b[2]! << 16);
        this.lastBlock = (h & 1) === 1;
        const type = (h >> 1) & 3;
        const size = h >>> 3;
        if (type === 3) throw new DecodeError('zstd block of reserved type');
        if (size > 128 * 1024) throw new DecodeError(`zstd block of ${size} bytes, above the 128 KiB maximum`);
        this.remaining = type === 1 ? 1 : size;
        this.state = G.BlockBody;
        this.buf = [];
        if (this.remaining === 0) this.afterBody();
        return;
      }
      case G.Checksum:
        return this.expect(G.Magic, 4);
      case G.SkipSize: {
        this.remaining = (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0;
        this.state = G.SkipBody;
        this.buf = [];
        if (this.remaining === 0) this.expect(G.Magic, 4);
        return;
      }
      default:
        return;
    }
  }
}
