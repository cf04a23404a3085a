// Errors of the filter language: a message in tshark's words and the columns it is about.

/** Why an expression does not compile: `start`..`end` are 0-based columns of the fault (end exclusive). */
export interface FilterError {
  message: string;
  start: number;
  end: number;
}

/** Thrown inside the scanner, parser and compiler; `compileFilter` turns it into a FilterError. */
export class FilterFault extends Error {
  constructor(
    message: string,
    readonly start: number,
    readonly end: number,
  ) {
    super(message);
  }

  toJSON(): FilterError {
    return { message: this.message, start: this.start, end: this.end };
  }
}

export function failAt(message: string, start: number, end: number): FilterFault {
  return new FilterFault(message, start, end);
}

export interface Span {
  start: number;
  end: number;
}
