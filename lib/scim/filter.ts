import { z } from "zod";
import { scimError } from "./errors";

/**
 * SCIM filters (RFC 7644 §3.4.2.2), parsed here and compiled to Prisma
 * `where` clauses, so they run in SQL against the tenant's rows only. We do
 * not use scimmy's `Filter`: its `match` runs in memory, is case-sensitive and
 * throws on missing attributes, and its parser rewrites `not (a or b)` as
 * `not a or not b`.
 *
 * Grammar: comparisons `attrPath op value` and `attrPath pr`, `and`, `or`,
 * `not (…)`, parentheses and value paths `emails[value eq "…"]` (read as
 * `emails.value eq "…"`); `not` binds tighter than `and`, `and` than `or`.
 * Attribute names and operators are case-insensitive; a core-schema URN
 * prefix (`urn:ietf:params:scim:schemas:core:2.0:User:userName`) is dropped.
 * Which attributes and operators each resource supports is its compiler's
 * table; anything else answers 400 `invalidFilter`.
 */
export const MAX_FILTER_LENGTH = 1_000;
const MAX_COMPARISONS = 20;

export const COMPARISON_OPERATORS = ["eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"] as const;
export type ComparisonOperator = (typeof COMPARISON_OPERATORS)[number] | "pr";
export type FilterValue = string | number | boolean | null;

export type FilterNode =
  | { type: "and" | "or"; left: FilterNode; right: FilterNode }
  | { type: "not"; expr: FilterNode }
  | { type: "compare"; path: string; op: ComparisonOperator; value: FilterValue };

type Token = { kind: "word"; text: string } | { kind: "string"; text: string } | { kind: "(" | ")" | "[" | "]" };

const invalid = (detail: string) => scimError(400, "invalidFilter", detail);

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i]!;
    if (/\s/.test(ch)) {
      i += 1;
    } else if (ch === "(" || ch === ")" || ch === "[" || ch === "]") {
      tokens.push({ kind: ch });
      i += 1;
    } else if (ch === '"') {
      let j = i + 1;
      while (j < input.length && input[j] !== '"') j += input[j] === "\\" ? 2 : 1;
      if (j >= input.length) throw invalid("Unterminated string in filter.");
      try {
        tokens.push({ kind: "string", text: JSON.parse(input.slice(i, j + 1)) as string });
      } catch {
        throw invalid("Invalid string in filter.");
      }
      i = j + 1;
    } else {
      let j = i;
      while (j < input.length && !/[\s()[\]"]/.test(input[j]!)) j += 1;
      tokens.push({ kind: "word", text: input.slice(i, j) });
      i = j;
    }
  }
  return tokens;
}

const ATTR_PATH = /^(?:urn:[A-Za-z0-9.:_-]+:)?[A-Za-z$][\w$-]*(?:\.[A-Za-z$][\w$-]*)?$/;
const CORE_URN = /^urn:ietf:params:scim:schemas:core:2\.0:(?:user|group):/i;

/** `urn:…:core:2.0:User:userName` → `username`; sub-attribute paths keep their dot. */
function normalisePath(raw: string): string {
  if (!ATTR_PATH.test(raw)) throw invalid(`"${raw.slice(0, 60)}" is not an attribute path.`);
  const path = raw.replace(CORE_URN, "");
  if (path.toLowerCase().startsWith("urn:")) throw invalid(`Filtering on "${raw.slice(0, 120)}" is not supported.`);
  return path.toLowerCase();
}

class Parser {
  private position = 0;
  private comparisons = 0;

  constructor(private readonly tokens: Token[]) {}

  parse(): FilterNode {
    const node = this.or();
    if (this.position < this.tokens.length) throw invalid("Unexpected text after the end of the filter.");
    return node;
  }

  private peek(): Token | undefined {
    return this.tokens[this.position];
  }

  private isKeyword(token: Token | undefined, word: string): boolean {
    return token?.kind === "word" && token.text.toLowerCase() === word;
  }

  private expect(kind: "(" | ")" | "[" | "]"): void {
    if (this.peek()?.kind !== kind) throw invalid(`Expected "${kind}" in filter.`);
    this.position += 1;
  }

  private or(): FilterNode {
    let node = this.and();
    while (this.isKeyword(this.peek(), "or")) {
      this.position += 1;
      node = { type: "or", left: node, right: this.and() };
    }
    return node;
  }

  private and(): FilterNode {
    let node = this.unary();
    while (this.isKeyword(this.peek(), "and")) {
      this.position += 1;
      node = { type: "and", left: node, right: this.unary() };
    }
    return node;
  }

  private unary(): FilterNode {
    const token = this.peek();
    if (this.isKeyword(token, "not") && this.tokens[this.position + 1]?.kind === "(") {
      this.position += 1;
      return { type: "not", expr: this.group() };
    }
    if (token?.kind === "(") return this.group();
    return this.comparison(null);
  }

  private group(): FilterNode {
    this.expect("(");
    const node = this.or();
    this.expect(")");
    return node;
  }

  /** `attr op value`, `attr pr`, or a value path `attr[filter]` whose comparisons read as `attr.sub`. */
  private comparison(parent: string | null): FilterNode {
    const token = this.peek();
    if (token?.kind !== "word") throw invalid("Expected an attribute name in filter.");
    this.position += 1;
    const name = normalisePath(token.text);
    const path = parent ? `${parent}.${name}` : name;
    if (this.peek()?.kind === "[") {
      if (parent || name.includes(".")) throw invalid("Nested value paths are not supported.");
      this.position += 1;
      const inner = this.valueFilter(name);
      this.expect("]");
      return inner;
    }
    const opToken = this.peek();
    if (opToken?.kind !== "word") throw invalid(`Expected an operator after "${token.text.slice(0, 60)}".`);
    this.position += 1;
    const op = opToken.text.toLowerCase();
    if (++this.comparisons > MAX_COMPARISONS) throw scimError(400, "invalidFilter", `At most ${MAX_COMPARISONS} comparisons in one filter.`);
    if (op === "pr") return { type: "compare", path, op: "pr", value: null };
    if (!(COMPARISON_OPERATORS as readonly string[]).includes(op)) throw invalid(`Unknown operator "${opToken.text.slice(0, 20)}".`);
    return { type: "compare", path, op: op as ComparisonOperator, value: this.value() };
  }

  /** Inside `attr[…]`: comparisons on sub-attributes with and, or, not and parentheses. */
  private valueFilter(parent: string): FilterNode {
    let node = this.valueAnd(parent);
    while (this.isKeyword(this.peek(), "or")) {
      this.position += 1;
      node = { type: "or", left: node, right: this.valueAnd(parent) };
    }
    return node;
  }

  private valueAnd(parent: string): FilterNode {
    let node = this.valueUnary(parent);
    while (this.isKeyword(this.peek(), "and")) {
      this.position += 1;
      node = { type: "and", left: node, right: this.valueUnary(parent) };
    }
    return node;
  }

  private valueUnary(parent: string): FilterNode {
    const token = this.peek();
    const negated = this.isKeyword(token, "not") && this.tokens[this.position + 1]?.kind === "(";
    if (negated) this.position += 1;
    if (this.peek()?.kind === "(") {
      this.position += 1;
      const inner = this.valueFilter(parent);
      this.expect(")");
      return negated ? { type: "not", expr: inner } : inner;
    }
    if (negated) throw invalid('Expected "(" after "not".');
    return this.comparison(parent);
  }

  private value(): FilterValue {
    const token = this.peek();
    if (!token || (token.kind !== "word" && token.kind !== "string")) throw invalid("Expected a value in filter.");
    this.position += 1;
    if (token.kind === "string") return token.text;
    const word = token.text;
    if (word === "true" || word === "false") return word === "true";
    if (word === "null") return null;
    if (/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(word)) return Number(word);
    throw invalid(`"${word.slice(0, 60)}" is not a value: quote strings ("…").`);
  }
}

/** Parse a SCIM filter; 400 `invalidFilter` for anything this grammar does not accept. */
export function parseFilter(input: string): FilterNode {
  if (input.length > MAX_FILTER_LENGTH) throw invalid(`A filter has at most ${MAX_FILTER_LENGTH} characters.`);
  const tokens = tokenize(input);
  if (tokens.length === 0) throw invalid("The filter is empty.");
  return new Parser(tokens).parse();
}

/** How one attribute turns a comparison into a `where` clause of the resource's model. */
export type AttributeCompiler<W> = (op: ComparisonOperator, value: FilterValue) => W;

/** A where clause for each attribute path (lower case) a resource supports. */
export type AttributeTable<W> = Record<string, AttributeCompiler<W>>;

/** Compile a parsed filter against a resource's attribute table. */
export function compileFilter<W>(node: FilterNode, attributes: AttributeTable<W>): W {
  switch (node.type) {
    case "and":
      return { AND: [compileFilter(node.left, attributes), compileFilter(node.right, attributes)] } as W;
    case "or":
      return { OR: [compileFilter(node.left, attributes), compileFilter(node.right, attributes)] } as W;
    case "not":
      return { NOT: [compileFilter(node.expr, attributes)] } as W;
    case "compare": {
      const compile = Object.hasOwn(attributes, node.path) ? attributes[node.path] : undefined;
      if (!compile) throw invalid(`Filtering on "${node.path}" is not supported. Supported: ${Object.keys(attributes).join(", ")}.`);
      return compile(node.op, node.value);
    }
  }
}

/** Matches nothing: for a comparison no row can satisfy (a malformed id). */
export const NOTHING = { id: { in: [] as string[] } };

type StringFilter = { equals?: string; contains?: string; startsWith?: string; endsWith?: string; mode?: "insensitive" };

/**
 * A string attribute: eq, ne, co, sw, ew and pr; `caseExact: false` compares
 * ignoring case (userName, emails, displayName), as RFC 7643 defines them.
 * `present` is the clause for `pr` (a column that may be null); without it
 * the attribute is always present.
 */
export function stringAttribute<W>(
  where: (filter: StringFilter) => W,
  options: { caseExact: boolean; name: string; present?: W },
): AttributeCompiler<W> {
  const mode = options.caseExact ? {} : { mode: "insensitive" as const };
  return (op, value) => {
    if (op === "pr") return options.present ?? ({} as W);
    if (typeof value !== "string") throw invalid(`${options.name} compares with a string.`);
    switch (op) {
      case "eq":
        return where({ equals: value, ...mode });
      case "ne":
        return { NOT: [where({ equals: value, ...mode })] } as W;
      case "co":
        return where({ contains: value, ...mode });
      case "sw":
        return where({ startsWith: value, ...mode });
      case "ew":
        return where({ endsWith: value, ...mode });
      default:
        throw invalid(`${options.name} supports eq, ne, co, sw, ew and pr.`);
    }
  };
}

const uuid = z.uuid();

/** A resource id (a UUID): eq, ne and pr. An id that is not a UUID matches nothing. */
export function idAttribute<W>(where: (id: string) => W): AttributeCompiler<W> {
  return (op, value) => {
    if (op === "pr") return {} as W;
    if (typeof value !== "string") throw invalid("id compares with a string.");
    const match = uuid.safeParse(value.toLowerCase()).success ? where(value.toLowerCase()) : (NOTHING as W);
    if (op === "eq") return match;
    if (op === "ne") return { NOT: [match] } as W;
    throw invalid("id supports eq, ne and pr.");
  };
}

/** A boolean attribute: eq and ne with true or false (the strings "True" and "False" too, as Entra sends them). */
export function booleanAttribute<W>(where: (value: boolean) => W, name: string): AttributeCompiler<W> {
  return (op, value) => {
    if (op === "pr") return {} as W;
    const flag = typeof value === "boolean" ? value : typeof value === "string" && /^(true|false)$/i.test(value) ? value.toLowerCase() === "true" : null;
    if (flag === null) throw invalid(`${name} compares with true or false.`);
    if (op === "eq") return where(flag);
    if (op === "ne") return where(!flag);
    throw invalid(`${name} supports eq, ne and pr.`);
  };
}
