"""Runs in the confined worker: adapts results that cannot cross the boundary as they are."""


def top_k(module, scores, k, *dim):
    """The learner's top_k (`dim` passed on only when given: left out, top_k's own default applies), with a
    torch.return_types.topk (a named tuple) turned into a plain tuple."""
    result = module.top_k(scores, k, *dim)
    if isinstance(result, (tuple, list)) and type(result) is not tuple:
        result = tuple(result)   # torch.topk returns a named tuple, which is fine
    return result
