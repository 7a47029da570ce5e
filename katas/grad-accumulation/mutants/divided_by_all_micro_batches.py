"""Known-wrong: every loss divided by the number of micro-batches in the whole list, not by the size of its group."""


def train_accumulated(model, optimizer, loss_fn, micro_batches, k):
    """One pass over `micro_batches`, taking one optimizer step per group of `k` micro-batches.

    The trailing group may be shorter than `k`: it is stepped too, and its losses are divided
    by the number of micro-batches actually in it, so every step follows the mean loss of its group.
    """
    n = len(micro_batches)
    optimizer.zero_grad()
    for i, (x, y) in enumerate(micro_batches):
        loss = loss_fn(model(x), y) / n
        loss.backward()
        if (i + 1) % k == 0 or i + 1 == n:
            optimizer.step()
            optimizer.zero_grad()
