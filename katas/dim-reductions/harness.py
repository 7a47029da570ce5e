"""Runs in the confined worker: adapts results that cannot cross the boundary as they are."""


def best_assignment(module, scores):
    """The learner's best_assignment, with a torch.return_types.max turned into a plain tuple."""
    result = module.best_assignment(scores)
    if isinstance(result, (tuple, list)) and type(result) is not tuple:
        result = tuple(result)  # scores.max(dim=...) returns a named tuple, which is fine
    return result
