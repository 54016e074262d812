/**
 * User: a person known here only by id (the task host's `user_id`). Its other fields live in a
 * users service; a stitching or federation gateway fills them in (federation: `resolvable: false`,
 * so routers never ask this gateway for a User).
 */
import { builder } from './builder.ts';

export const User = builder.objectRef<{ readonly id: string }>('User').implement({
  description: "A user, known here only by id. A stitching or federation gateway merges it with the users service's `User`.",
  fields: (t) => ({
    id: t.exposeID('id', { nullable: false }),
  }),
});

builder.asEntity(User, {
  key: builder.keyDirective(builder.selection<{ id: string }>('id'), false),
  resolveReference: (ref) => ref,
});
