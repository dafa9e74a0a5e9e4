/** The injection token of the views in use (an ActiveViews): a class of another lib, given by the composition root. */
export const ACTIVE_VIEWS = Symbol('ActiveViews');
