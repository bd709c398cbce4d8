// Known errors: printed as one line naming the file and position, exit code 2. Anything else that
// escapes is a bug (printed with its stack only under --debug).

export interface ErrorPlace {
  file?: string;
  /** RFC 6901 pointer into the file's data. */
  pointer?: string;
  line?: number;
  column?: number;
}

export class AigisError extends Error {
  readonly file?: string;
  readonly pointer?: string;
  readonly line?: number;
  readonly column?: number;
  readonly exitCode: number;

  constructor(message: string, place: ErrorPlace = {}, exitCode = 2) {
    super(message);
    this.name = 'AigisError';
    this.file = place.file;
    this.pointer = place.pointer;
    this.line = place.line;
    this.column = place.column;
    this.exitCode = exitCode;
  }

  /** `file:line:col: message (at /pointer)` — the one line users see. */
  format(): string {
    let where = this.file ?? '';
    if (where && this.line) where += `:${this.line}${this.column ? `:${this.column}` : ''}`;
    const at = this.pointer ? ` (at ${this.pointer || '/'})` : '';
    return `${where ? `${where}: ` : ''}${this.message}${at}`;
  }
}

/** A command-line usage error (unknown flag, bad value). */
export class UsageError extends AigisError {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
