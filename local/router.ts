import type { HttpFunction } from '../functions/definition.js';

export interface RouteMatch {
  definition: HttpFunction;
  params: Record<string, string>;
}

interface CompiledRoute {
  definition: HttpFunction;
  pattern: RegExp;
  names: string[];
}

/** Route templates as the Functions host reads them: `conversations/{conversationId}/end`. */
function compile(definition: HttpFunction): CompiledRoute {
  const names: string[] = [];
  const source = definition.route
    .split('/')
    .map((segment) => {
      const match = /^\{([A-Za-z0-9_]+)(?::[^}]*)?\}$/.exec(segment);
      if (!match?.[1]) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(match[1]);
      return '([^/]+)';
    })
    .join('/');
  return { definition, pattern: new RegExp(`^${source}/?$`, 'i'), names };
}

export class Router {
  private readonly routes: CompiledRoute[];

  constructor(definitions: HttpFunction[]) {
    // Literal routes win over parameterised ones, as in ASP.NET routing.
    this.routes = definitions.map(compile).sort((a, b) => a.names.length - b.names.length);
  }

  /** `undefined`: no route; `'method'`: the route exists but not for this method. */
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
        route.names.map((name, index) => [name, decodeURIComponent(found[index + 1] ?? '')]),
      );
      return { definition: route.definition, params };
    }
    return methodMismatch ? 'method' : undefined;
  }
}
