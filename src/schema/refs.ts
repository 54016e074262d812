/**
 * Object refs declared once, so type files can point at each other without import cycles.
 * Each is implemented in the file named after its GraphQL type.
 */
import type * as model from '../model.ts';
import { builder } from './builder.ts';

export const WorkflowExecution = builder.objectRef<model.WorkflowExecution>('WorkflowExecution');
export const ModelExecution = builder.objectRef<model.ModelExecution>('ModelExecution');
export const TaskExecution = builder.objectRef<model.TaskExecution>('TaskExecution');
export const Step = builder.objectRef<model.Step>('Step');
export const Bulk = builder.objectRef<model.Bulk>('Bulk');
export const BulkProgress = builder.objectRef<model.BulkProgress>('BulkProgress');
export const Workflow = builder.objectRef<model.Workflow>('Workflow');
