"""Known-wrong: steps on the trailing group, but still divides its losses by k instead of its size."""


def train_accumulated(model, optimizer, loss_fn, micro_batches, k):
    n = len(micro_batches)
    optimizer.zero_grad()
    for i, (x, y) in enumerate(micro_batches):
        loss = loss_fn(model(x), y) / k
        loss.backward()
        if (i + 1) % k == 0 or i + 1 == n:
            optimizer.step()
            optimizer.zero_grad()
