"""Known-wrong: `i % k == 0` with i from enumerate steps right after the first micro-batch of each group."""


def train_accumulated(model, optimizer, loss_fn, micro_batches, k):
    n = len(micro_batches)
    optimizer.zero_grad()
    for i, (x, y) in enumerate(micro_batches):
        group_size = min(k, n - (i // k) * k)
        loss = loss_fn(model(x), y) / group_size
        loss.backward()
        if i % k == 0:
            optimizer.step()
            optimizer.zero_grad()
