"""Known-wrong: zero_grad at the top of every micro-batch, so nothing accumulates."""


def train_accumulated(model, optimizer, loss_fn, micro_batches, k):
    n = len(micro_batches)
    for i, (x, y) in enumerate(micro_batches):
        optimizer.zero_grad()
        group_size = min(k, n - (i // k) * k)
        loss = loss_fn(model(x), y) / group_size
        loss.backward()
        if (i + 1) % k == 0 or i + 1 == n:
            optimizer.step()
