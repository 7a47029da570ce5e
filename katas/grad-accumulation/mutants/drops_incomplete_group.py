"""Known-wrong: the textbook loop, which never steps on a trailing group shorter than k."""


def train_accumulated(model, optimizer, loss_fn, micro_batches, k):
    optimizer.zero_grad()
    for i, (x, y) in enumerate(micro_batches):
        loss = loss_fn(model(x), y) / k
        loss.backward()
        if (i + 1) % k == 0:
            optimizer.step()
            optimizer.zero_grad()
