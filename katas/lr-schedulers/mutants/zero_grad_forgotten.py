"""Known-wrong: the gradients are never zeroed, so each step uses the sum of every gradient so far."""
import math


def step_decay(lr0: float, epoch: int, step_size: int, gamma: float) -> float:
    """Multiply lr0 by gamma once every step_size epochs (StepLR)."""
    return lr0 * gamma ** (epoch // step_size)


def exponential_decay(lr0: float, epoch: int, gamma: float) -> float:
    """Multiply lr0 by gamma once every epoch (ExponentialLR)."""
    return lr0 * gamma ** epoch


def cosine_annealing(lr0: float, epoch: int, t_max: int, eta_min: float = 0.0) -> float:
    """Half a cosine from lr0 at epoch 0 down to eta_min at epoch t_max (CosineAnnealingLR)."""
    return eta_min + (lr0 - eta_min) * (1 + math.cos(math.pi * epoch / t_max)) / 2


def linear_warmup(lr0: float, epoch: int, warmup_epochs: int, start_factor: float) -> float:
    """From start_factor * lr0 at epoch 0, linearly up to lr0 at epoch warmup_epochs, then flat (LinearLR)."""
    progress = min(epoch, warmup_epochs) / warmup_epochs
    return lr0 * (start_factor + (1 - start_factor) * progress)


def train_with_scheduler(model, optimizer, scheduler, loss_fn, batches, epochs):
    """Train for `epochs` epochs over `batches`, stepping the scheduler once per epoch; return each epoch's lr."""
    lrs = []
    for _ in range(epochs):
        lrs.append(optimizer.param_groups[0]["lr"])   # the lr this epoch's batches use
        for x, y in batches:
            loss = loss_fn(model(x), y)
            loss.backward()
            optimizer.step()
        scheduler.step()                              # once per epoch, after the optimizer steps
    return lrs
