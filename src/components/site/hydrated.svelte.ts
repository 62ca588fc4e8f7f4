/**
 * Whether the island has loaded. Its server-rendered buttons are disabled until then, so a press
 * before hydration is refused visibly rather than dropped (or, in a form, sent as a page load).
 * Call it while a component initialises.
 */
export function hydration(): { readonly done: boolean } {
  let done = $state(false);
  $effect(() => {
    done = true;
  });
  return {
    get done() {
      return done;
    },
  };
}
