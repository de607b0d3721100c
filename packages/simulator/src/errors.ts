/**
 * Every error the simulator package produces. Each has a stable `name`, a message that says what
 * and where (which rule, which route, which field of the file), an optional `cause`, and never
 * carries card data: rule files may hold PANs, so values from them are never quoted whole.
 */

/** Common base: lets callers catch any simulator failure with one `instanceof`. */
export class SimulatorError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * A rules file (or rules object) is wrong. `path` names the place, e.g. `rules[2].match.amount.min`,
 * and the message says the rule's name when it has one.
 */
export class RuleError extends SimulatorError {
  constructor(
    /** Where in the rules document, e.g. `rules[2].match.amount.min`. */
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

/** A switch routing file (or object) is wrong; `path` names the place, e.g. `routes[1].issuer`. */
export class RoutingError extends SimulatorError {
  constructor(
    /** Where in the routing document, e.g. `routes[1].issuer`. */
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

/** A message mix file for `load` is wrong; `path` names the place, e.g. `messages[0].weight`. */
export class MixError extends SimulatorError {
  constructor(
    /** Where in the mix document, e.g. `messages[0].weight`. */
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The command line was used wrongly: an unknown spec or framing name, a file that does not
 * exist or does not parse, bad input to `decode`. The CLI prints the message (no stack) and exits 2.
 */
export class UsageError extends SimulatorError {}
