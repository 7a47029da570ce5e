"""Kata: learning-rate schedules, by formula and with torch.optim.lr_scheduler.

Run `kata hint` for a hint and `kata check` to grade this file.
"""
import math


def step_decay(lr0: float, epoch: int, step_size: int, gamma: float) -> float:
    """Multiply lr0 by gamma once every step_size epochs (StepLR)."""
    # TODO 1: how many whole blocks of step_size epochs have passed at this epoch?
    raise NotImplementedError("step_decay is not written yet")


def exponential_decay(lr0: float, epoch: int, gamma: float) -> float:
    """Multiply lr0 by gamma once every epoch (ExponentialLR)."""
    # TODO 2: lr0 times gamma, once per epoch that has passed
    raise NotImplementedError("exponential_decay is not written yet")


def cosine_annealing(lr0: float, epoch: int, t_max: int, eta_min: float = 0.0) -> float:
    """Half a cosine from lr0 at epoch 0 down to eta_min at epoch t_max (CosineAnnealingLR)."""
    # TODO 3: (1 + cos(angle)) / 2 goes from 1 to 0 as the angle goes from 0 to pi
    raise NotImplementedError("cosine_annealing is not written yet")


def linear_warmup(lr0: float, epoch: int, warmup_epochs: int, start_factor: float) -> float:
    """From start_factor * lr0 at epoch 0, linearly up to lr0 at epoch warmup_epochs, then flat (LinearLR)."""
    # TODO 4: the fraction of the warm-up done (never more than 1), then interpolate the factor
    raise NotImplementedError("linear_warmup is not written yet")


def train_with_scheduler(model, optimizer, scheduler, loss_fn, batches, epochs):
    """Train for `epochs` epochs over `batches`, stepping the scheduler once per epoch; return each epoch's lr."""
    # TODO 5: for each epoch: note the learning rate the epoch will use (optimizer.param_groups[0]["lr"]),
    #         then for each batch (x, y): zero the gradients, loss = loss_fn(model(x), y), backward,
    #         optimizer.step(); after all the batches, step the scheduler once
    # TODO 6: return the list of the learning rates, one per epoch
    raise NotImplementedError("train_with_scheduler is not written yet")
