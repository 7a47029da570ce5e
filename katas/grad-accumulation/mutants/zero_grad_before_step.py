"""Known-wrong: optimizer.zero_grad() before optimizer.step() at the end of a group, so every step finds no gradient."""


def train_accumulated(model, optimizer, loss_fn, micro_batches, k):
    """One pass over `micro_batches`, taking one optimizer step per group of `k` micro-batches.

    The trailing group may be shorter than `k`: it is stepped too, and its losses are divided
    by the number of micro-batches actually in it, so every step follows the mean loss of its group.
    """
    n = len(micro_batches)
    optimizer.zero_grad()
    for i, (x, y) in enumerate(micro_batches):
        group_size = min(k, n - (i // k) * k)
        loss = loss_fn(model(x), y) / group_size
        loss.backward()
        if (i + 1) % k == 0 or i + 1 == n:
            optimizer.zero_grad()
            optimizer.step()
