import type { HttpFunction } from '../functions/definition.js';
import { ValidationError } from '../shared/errors.js';

export interface RouteMatch {
  definition: HttpFunction;
  params: Record<string, string>;
}

interface CompiledRoute {
  definition: HttpFunction;
  pattern: RegExp;
  names: string[];
  /** Ends in a catch-all `{*name}`: tried after every other route. */
  catchAll: boolean;
}

/**
 * Route templates as the Functions host reads them: `conversations/{conversationId}/end`, and a
 * last segment `{*path}` that takes the rest of the path, slashes included, or nothing at all
 * (`console/{*path}` serves `console`, `console/` and `console/assets/app.js`), as ASP.NET does.
 */
function compile(definition: HttpFunction): CompiledRoute {
  const names: string[] = [];
  const segments = definition.route.split('/');
  const last = /^\{\*([A-Za-z0-9_]+)\}$/.exec(segments.at(-1) ?? '');
  const fixed = last ? segments.slice(0, -1) : segments;
  let source = fixed
    .map((segment) => {
      const match = /^\{([A-Za-z0-9_]+)(?::[^}]*)?\}$/.exec(segment);
      if (!match?.[1]) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(match[1]);
      return '([^/]+)';
    })
    .join('/');
  if (last?.[1]) {
    names.push(last[1]);
    source += fixed.length > 0 ? '(?:/(.*))?' : '(.*)';
    return { definition, pattern: new RegExp(`^${source}$`, 'i'), names, catchAll: true };
  }
  return { definition, pattern: new RegExp(`^${source}/?$`, 'i'), names, catchAll: false };
}

/** A route parameter, decoded; a malformed percent-escape (`%`, `%zz`, half a UTF-8 sequence) is a 400. */
function decodeParam(name: string, raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch (error) {
    throw new ValidationError(
      `the path's ${name} has a malformed percent-escape (write a literal % as %25)`,
      [{ path: name, message: 'malformed percent-escape' }],
      { cause: error },
    );
  }
}

export class Router {
  private readonly routes: CompiledRoute[];

  constructor(definitions: HttpFunction[]) {
    // Literal routes win over parameterised ones, as in ASP.NET routing.
    // A catch-all takes what no other route does.
    this.routes = definitions
      .map(compile)
      .sort((a, b) => Number(a.catchAll) - Number(b.catchAll) || a.names.length - b.names.length);
  }

  /**
   * `undefined`: no route; `'method'`: the route exists but not for this method. Throws a
   * ValidationError when a parameter cannot be decoded.
   */
  match(method: string, path: string): RouteMatch | 'method' | undefined {
    let methodMismatch = false;
    for (const route of this.routes) {
      const found = route.pattern.exec(path);
      if (!found) continue;
      if (!route.definition.methods.includes(method.toUpperCase() as never)) {
        methodMismatch = true;
        continue;
      }
      const params = Object.fromEntries(
        route.names.map((name, index) => [name, decodeParam(name, found[index + 1] ?? '')]),
      );
      return { definition: route.definition, params };
    }
    return methodMismatch ? 'method' : undefined;
  }
}
