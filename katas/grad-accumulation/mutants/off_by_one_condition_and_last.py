"""Known-wrong: `i % k == 0 or i + 1 == n` with i from enumerate: the last micro-batch gets its step, but every
other step comes right after the first micro-batch of its group."""


def train_accumulated(model, optimizer, loss_fn, micro_batches, k):
    n = len(micro_batches)
    optimizer.zero_grad()
    for i, (x, y) in enumerate(micro_batches):
        group_size = min(k, n - (i // k) * k)
        loss = loss_fn(model(x), y) / group_size
        loss.backward()
        if i % k == 0 or i + 1 == n:
            optimizer.step()
            optimizer.zero_grad()
