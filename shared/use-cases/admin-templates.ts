import { idSchema } from '../domain/channel.js';
import { addVersion, currentVersion, type Template, templateInputSchema } from '../domain/template.js';
import { NotFoundError } from '../errors.js';
import { parsePart } from './admin-configuration.js';
import type { CoreDeps } from './deps.js';
import { retryOnConflict } from './optimistic.js';

export async function getTemplate(deps: CoreDeps, id: string): Promise<Template> {
  const stored = await deps.store.getTemplate(id);
  if (!stored) throw new NotFoundError(`template ${id} does not exist`);
  return stored.value;
}

/** Every template with the version a notification would use now. */
export async function listTemplates(deps: CoreDeps) {
  return (await deps.store.listTemplates()).map(({ value }) => ({
    id: value.id,
    current: currentVersion(value),
  }));
}

/**
 * Saves a template: a new version (numbered after the last), its texts by language checked (at most
 * 1600 characters each, well-formed variables). Notifications use the newest version; the older
 * ones stay, so what was sent can be traced.
 */
export async function saveTemplate(
  deps: CoreDeps,
  id: string,
  input: unknown,
  by: string,
): Promise<Template> {
  parsePart(idSchema, id, 'the template id');
  const parsed = parsePart(templateInputSchema, input, 'the template');
  const at = deps.clock.now().toISOString();
  const saved = await retryOnConflict(async () => {
    const stored = await deps.store.getTemplate(id);
    return (await deps.store.putTemplate(addVersion(stored?.value, id, parsed, at, by), stored?.etag ?? null))
      .value;
  });
  deps.logger.info('template.saved', { templateId: id, version: currentVersion(saved).version });
  return saved;
}

export async function deleteTemplate(deps: CoreDeps, id: string): Promise<void> {
  await retryOnConflict(async () => {
    const stored = await deps.store.getTemplate(id);
    if (!stored) throw new NotFoundError(`template ${id} does not exist`);
    await deps.store.deleteTemplate(id, stored.etag);
  });
}

/** What a flow needs to pick a template: its name, the version sent now, its languages and values. */
export async function templateChoices(deps: CoreDeps) {
  return (await deps.store.listTemplates()).map(({ value }) => {
    const current = currentVersion(value);
    return {
      id: value.id,
      name: current.name,
      version: current.version,
      languages: Object.keys(current.texts),
      variables: current.variables,
    };
  });
}
