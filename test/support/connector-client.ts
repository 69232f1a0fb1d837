/**
 * A client that knows only what a Power Platform custom connector's two files say, as Power
 * Automate does: it finds an action by operationId, builds its request from the declared
 * parameters, signs it with the connection's parameter as the security definition says, and checks
 * the answer against the declared response schema. Nothing here knows our routes.
 */

type Json = Record<string, unknown>;

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'body';
  required?: boolean;
}

export interface ConnectorFiles {
  definition: Json;
  properties: Json;
}

export interface ActionResult {
  status: number;
  body: unknown;
  /** What is wrong with the body against the declared schema; empty when it conforms. */
  schemaProblems: string[];
}

function resolve(definition: Json, schema: Json): Json {
  const ref = schema.$ref;
  if (typeof ref !== 'string') return schema;
  const name = ref.replace('#/definitions/', '');
  const found = (definition.definitions as Record<string, Json>)[name];
  if (!found) throw new Error(`the connector refers to a missing definition ${ref}`);
  return found;
}

/** The subset of JSON Schema the connector uses: type, properties, required, items, enum. */
export function conformance(definition: Json, schemaIn: Json, value: unknown, at = 'body'): string[] {
  const schema = resolve(definition, schemaIn);
  if (value === null && schema['x-nullable'] === true) return [];
  const problems: string[] = [];
  const type = schema.type;
  if (type === 'object') {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return [`${at}: not an object`];
    const record = value as Json;
    for (const name of (schema.required as string[] | undefined) ?? []) {
      if (!(name in record)) problems.push(`${at}.${name}: missing`);
    }
    const properties = (schema.properties as Record<string, Json> | undefined) ?? {};
    for (const [name, inner] of Object.entries(record)) {
      const declared = properties[name];
      if (declared) problems.push(...conformance(definition, declared, inner, `${at}.${name}`));
      else if (schema.additionalProperties === undefined && Object.keys(properties).length > 0)
        problems.push(`${at}.${name}: not declared`);
    }
  } else if (type === 'array') {
    if (!Array.isArray(value)) return [`${at}: not an array`];
    value.forEach((item, index) => {
      problems.push(...conformance(definition, schema.items as Json, item, `${at}[${index}]`));
    });
  } else if (type === 'string' && typeof value !== 'string') problems.push(`${at}: not a string`);
  else if (type === 'integer' && !Number.isInteger(value)) problems.push(`${at}: not an integer`);
  if (Array.isArray(schema.enum) && !schema.enum.includes(value))
    problems.push(`${at}: ${String(value)} not in enum`);
  return problems;
}

export class ConnectorClient {
  constructor(
    private readonly files: ConnectorFiles,
    /** The connection: its parameters by name, as the maker fills them in. */
    private readonly connection: Record<string, string>,
    /** Where the connection points (a flow uses the definition's host; a test its own server). */
    private readonly baseUrl: string,
  ) {}

  operationIds(): string[] {
    return Object.values(this.files.definition.paths as Record<string, Record<string, Json>>).flatMap((ops) =>
      Object.values(ops).map((op) => op.operationId as string),
    );
  }

  private find(operationId: string) {
    for (const [path, ops] of Object.entries(
      this.files.definition.paths as Record<string, Record<string, Json>>,
    )) {
      for (const [method, op] of Object.entries(ops)) {
        if (op.operationId === operationId) return { path, method, op };
      }
    }
    throw new Error(`the connector has no action ${operationId}`);
  }

  /** The headers the connection adds, from the security definitions and the connection parameters. */
  private securityHeaders(): Record<string, string> {
    const headers: Record<string, string> = {};
    const definitions = this.files.definition.securityDefinitions as Record<string, Json>;
    const parameters = (this.files.properties.properties as Json).connectionParameters as Record<
      string,
      Json
    >;
    for (const requirement of this.files.definition.security as Record<string, unknown>[]) {
      for (const name of Object.keys(requirement)) {
        const scheme = definitions[name];
        if (scheme?.type !== 'apiKey' || scheme.in !== 'header') {
          throw new Error(`this client plays only API-key connections, not ${String(scheme?.type)}`);
        }
        const parameter = parameters[name];
        const value = this.connection[name];
        if (parameter?.type !== 'securestring' || value === undefined) {
          throw new Error(`the connection has no secure parameter ${name}`);
        }
        headers[scheme.name as string] = value;
      }
    }
    return headers;
  }

  async run(operationId: string, inputs: Record<string, unknown>): Promise<ActionResult> {
    const { path, method, op } = this.find(operationId);
    const headers: Record<string, string> = { ...this.securityHeaders() };
    let url = `${this.baseUrl}${this.files.definition.basePath as string}${path}`;
    const query = new URLSearchParams();
    let body: string | undefined;
    for (const parameter of (op.parameters as Parameter[]) ?? []) {
      const value = inputs[parameter.name];
      if (value === undefined) {
        if (parameter.required) throw new Error(`${operationId} needs ${parameter.name}`);
        continue;
      }
      if (parameter.in === 'path')
        url = url.replace(`{${parameter.name}}`, encodeURIComponent(String(value)));
      else if (parameter.in === 'query') query.set(parameter.name, String(value));
      else if (parameter.in === 'header') headers[parameter.name] = String(value);
      else {
        body = JSON.stringify(value);
        headers['content-type'] = 'application/json';
      }
    }
    if (query.size > 0) url += `?${query}`;
    const response = await fetch(url, { method: method.toUpperCase(), headers, ...(body ? { body } : {}) });
    const text = await response.text();
    const parsed: unknown = text ? JSON.parse(text) : undefined;
    const declared = (op.responses as Record<string, Json>)[String(response.status)];
    const schemaProblems = !declared
      ? [`status ${response.status} is not declared for ${operationId}`]
      : declared.schema
        ? conformance(this.files.definition, declared.schema as Json, parsed)
        : [];
    return { status: response.status, body: parsed, schemaProblems };
  }
}
