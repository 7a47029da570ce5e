"""Known-wrong: scales the loss by 1/k but still steps after every micro-batch."""


def train_accumulated(model, optimizer, loss_fn, micro_batches, k):
    optimizer.zero_grad()
    for x, y in micro_batches:
        loss = loss_fn(model(x), y) / k
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
