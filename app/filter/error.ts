// Errors of the filter language: a message in tshark's words and the columns it is about.

/** Why an expression does not compile: `start`..`end` are 0-based columns of the fault (end exclusive). */
export interface FilterError {
  message: string;
  start: number;
  end: number;
  /** tshark reports this fault without a position (end of input, regex faults): no caret line. */
  unlocated?: boolean;
}

/** Thrown inside the scanner, parser and compiler; `compileFilter` turns it into a FilterError. */
export class FilterFault extends Error {
  constructor(
    message: string,
    readonly start: number,
    readonly end: number,
    readonly unlocated = false,
  ) {
    super(message);
  }

  toJSON(): FilterError {
    const e: FilterError = { message: this.message, start: this.start, end: this.end };
    if (this.unlocated) e.unlocated = true;
    return e;
  }
}

export function failAt(message: string, start: number, end: number): FilterFault {
  return new FilterFault(message, start, end);
}

/** A fault tshark reports without a position; `start`..`end` is still where the UI underlines. */
export function failUnlocated(message: string, start: number, end: number): FilterFault {
  return new FilterFault(message, start, end, true);
}

export interface Span {
  start: number;
  end: number;
}
