// A typedoc plugin (typedoc.json `plugin`). scarlet-sockets/basic re-exports the constants, the
// TLS context and the socket types of scarlet-sockets; typedoc documents each once, on the main
// entry point, and makes the second export a reference to that page, which it would list under
// one "References" heading of some 80 names. This gives each reference the `@group` tags of what
// it refers to, so the basic entry point's page and navigation are grouped as the main one's.
import { Comment, Converter, ReflectionKind } from 'typedoc';

/** @param {import('typedoc').Application} app */
export function load(app) {
  // Before RESOLVE_END, where typedoc's GroupPlugin sorts the children into groups.
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    for (const reference of context.project.getReflectionsByKind(ReflectionKind.Reference)) {
      const target = reference.getTargetReflectionDeep();
      const comments = [target.comment, ...(target.isDeclaration() ? (target.signatures ?? []).map((s) => s.comment) : [])];
      const groups = comments.flatMap((comment) => comment?.blockTags ?? []).filter((tag) => tag.tag === '@group');
      if (groups.length === 0 || reference.comment?.getTag('@group') !== undefined) continue;
      reference.comment ??= new Comment();
      // One tag per group name: an overloaded function repeats its group on each signature.
      const seen = new Set();
      for (const tag of groups) {
        const name = Comment.combineDisplayParts(tag.content).trim();
        if (seen.has(name)) continue;
        seen.add(name);
        reference.comment.blockTags.push(tag.clone());
      }
    }
  });
}
