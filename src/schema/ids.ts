/**
 * Relay global ids: the one place they are encoded and decoded. An id is base64url of
 * `Type:local`; the local part carries what reaches the right endpoint again, so a workflow
 * execution's id names its workflow (and `nodes` over one workflow is one bulk call). Clients
 * store these ids: an encoding, once given out, must never change (test/ids.test.ts pins them).
 * Every object's `id` names its own type, so no id is ever shared by two types (Relay's store keys
 * records by id).
 *
 * A later variant of a type says so in its type token (`Type/variant:local`), so it can never be
 * mistaken for an id given out before it, whatever that id's local part holds: a model execution
 * read from a list carries its model slug (`ModelExecution/model:["id","slug"]`), since the
 * prediction read that `node(id:)` makes documents none.
 */
import { badUserInput } from '../errors.ts';
import type * as model from '../model.ts';

/** What a global id names, one variant per Node type. */
export type NodeRef =
  | { readonly typename: 'WorkflowExecution'; readonly workflowId: string; readonly executionId: string }
  | { readonly typename: 'ModelExecution'; readonly executionId: string; readonly model?: string }
  | { readonly typename: 'TaskExecution'; readonly executionId: string }
  | { readonly typename: 'Bulk'; readonly workflowId: string; readonly bulkId: string }
  | { readonly typename: 'Workflow'; readonly workflowId: string };

export type NodeType = NodeRef['typename'];

export type NodeRefOf<T extends NodeType> = Extract<NodeRef, { readonly typename: T }>;

export const nodeTypes = [
  'WorkflowExecution',
  'ModelExecution',
  'TaskExecution',
  'Bulk',
  'Workflow',
] as const satisfies readonly NodeType[];

export const executionTypes = ['WorkflowExecution', 'ModelExecution', 'TaskExecution'] as const satisfies readonly NodeType[];

/** The reference of an execution or a bulk the schema resolved. */
export function nodeRefOf(value: model.Execution | model.Bulk): NodeRef {
  if (!('source' in value)) return { typename: 'Bulk', workflowId: value.workflowId, bulkId: value.bulkId };
  switch (value.source) {
    case 'WORKFLOW':
      return { typename: 'WorkflowExecution', workflowId: value.workflowId, executionId: value.executionId };
    case 'MODEL':
      return value.model
        ? { typename: 'ModelExecution', executionId: value.executionId, model: value.model }
        : { typename: 'ModelExecution', executionId: value.executionId };
    case 'TASK':
      return { typename: 'TaskExecution', executionId: value.executionId };
  }
}

export function encodeGlobalId(ref: NodeRef): string {
  const token = ref.typename === 'ModelExecution' && ref.model ? `${ref.typename}/${modelVariant}` : ref.typename;
  return Buffer.from(`${token}:${localIdOf(ref)}`, 'utf8').toString('base64url');
}

/** The variant of a model execution's id that carries its model slug. */
const modelVariant = 'model';

/**
 * A trigger's own id (`WorkflowTrigger` is not a Node: `node(id:)` refuses it). It names the
 * execution the trigger started, so where an execution is watched it stands for that execution.
 */
export function encodeTriggerId(execution: { readonly workflowId: string; readonly executionId: string }): string {
  return Buffer.from(`${triggerType}:${JSON.stringify([execution.workflowId, execution.executionId])}`, 'utf8').toString('base64url');
}

const triggerType = 'WorkflowTrigger';

/**
 * The reference a global id names, if it is one of the `accepted` types; anything else is
 * BAD_USER_INPUT, thrown before any upstream call. With `triggers`, a `WorkflowTrigger` id is
 * read as its execution's (where a WorkflowExecution is accepted).
 */
export function decodeGlobalId<T extends NodeType>(
  globalId: string,
  accepted: readonly T[],
  options: { readonly triggers?: boolean } = {},
): NodeRefOf<T> {
  const decoded = /^[A-Za-z0-9_-]+={0,2}$/.test(globalId) ? Buffer.from(globalId, 'base64url').toString('utf8') : '';
  const separator = decoded.indexOf(':');
  if (separator <= 0 || separator === decoded.length - 1) throw malformed(globalId);
  const [named = '', variant, ...more] = decoded.slice(0, separator).split('/');
  const local = decoded.slice(separator + 1);
  const typename = named === triggerType && options.triggers ? 'WorkflowExecution' : named;
  if (named === triggerType && !options.triggers)
    throw badUserInput('The id of a WorkflowTrigger, which is not a Node: ask for its `execution { id }`', 'id');
  if (!isNodeType(typename)) throw badUserInput('Unknown node type in global id', 'id');
  if (more.length > 0 || (variant !== undefined && !(typename === 'ModelExecution' && variant === modelVariant))) throw malformed(globalId);
  if (!(accepted as readonly string[]).includes(typename)) {
    throw badUserInput(`The global id of a ${typename}, not of a ${accepted.join(' or ')}`, 'id');
  }
  if (variant === modelVariant) {
    const [executionId, model] = pairOf(local, globalId);
    return { typename: 'ModelExecution', executionId, model } as NodeRefOf<T>;
  }
  return refOf(typename, local, globalId) as NodeRefOf<T>;
}

function localIdOf(ref: NodeRef): string {
  switch (ref.typename) {
    case 'WorkflowExecution':
      return JSON.stringify([ref.workflowId, ref.executionId]);
    case 'Bulk':
      return JSON.stringify([ref.workflowId, ref.bulkId]);
    case 'ModelExecution':
      return ref.model ? JSON.stringify([ref.executionId, ref.model]) : ref.executionId;
    case 'TaskExecution':
      return ref.executionId;
    case 'Workflow':
      return ref.workflowId;
  }
}

function refOf(typename: NodeType, local: string, globalId: string): NodeRef {
  switch (typename) {
    case 'WorkflowExecution': {
      const [workflowId, executionId] = pairOf(local, globalId);
      return { typename, workflowId, executionId };
    }
    case 'Bulk': {
      const [workflowId, bulkId] = pairOf(local, globalId);
      return { typename, workflowId, bulkId };
    }
    case 'ModelExecution':
    case 'TaskExecution':
      return { typename, executionId: local };
    case 'Workflow':
      return { typename, workflowId: local };
  }
}

/** The `[workflowId, localId]` a workflow-scoped id carries: two non-empty strings. */
function pairOf(local: string, globalId: string): [string, string] {
  let value: unknown;
  try {
    value = JSON.parse(local);
  } catch {
    throw malformed(globalId);
  }
  if (!Array.isArray(value) || value.length !== 2) throw malformed(globalId);
  const [first, second] = value as unknown[];
  if (typeof first !== 'string' || first === '' || typeof second !== 'string' || second === '') throw malformed(globalId);
  return [first, second];
}

function isNodeType(typename: string): typename is NodeType {
  return (nodeTypes as readonly string[]).includes(typename);
}

function malformed(globalId: string) {
  return badUserInput(`Malformed global id ${JSON.stringify(globalId.slice(0, 100))}`, 'id');
}
