/**
 * Tag selection with Ansible's rules (Taggable.evaluate_tags): `always` runs unless skipped
 * explicitly, `never` runs only when asked for by name, `tagged`/`untagged`/`all` are special.
 */
export function tagsSelected(taskTags: string[], only: string[], skip: string[]): boolean {
  const tags = new Set(taskTags.length ? taskTags : ['untagged']);
  const untagged = taskTags.length === 0;
  const meets = (list: string[]): boolean => list.some((t) => tags.has(t));
  let run = true;
  const onlyTags = only.length ? only : ['all'];
  if (tags.has('always')) run = true;
  else if (onlyTags.includes('all') && !tags.has('never')) run = true;
  else if (meets(onlyTags)) run = true;
  else if (onlyTags.includes('tagged') && !untagged && !tags.has('never')) run = true;
  else run = false;
  if (run && skip.length) {
    if (skip.includes('all')) {
      if (!tags.has('always') || skip.includes('always')) run = false;
    } else if (meets(skip)) run = false;
    else if (skip.includes('tagged') && !untagged) run = false;
  }
  return run;
}
