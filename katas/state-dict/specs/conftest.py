"""Shared checks for the state-dict specs: each failure names what the checkpoint or the loaded model lacks.

The learner's functions run in the worker (harness.py) on models, optimizers and files built there;
the drivers return facts as plain data (what the file holds, how torch.load was called, whether the
loaded model equals the saved one, the losses of a resumed run next to those of the run that never
stopped). A save/load round trip copies values exactly, so outputs and losses must match exactly.
"""
import pytest
import torch

from torchkata.spec import expect_close, fail

KEYS = ["epoch", "model", "optimizer"]


def _raised(function, message):
    fail(f"{function} raised an exception", f"{function}에서 예외가 발생했습니다",
         [{"en": f"your code raised {message}", "ko": f"코드에서 예외가 발생했습니다: {message}"}])


def check_file(report, epoch):
    """What save_checkpoint wrote: {"model": state_dict, "optimizer": state_dict, "epoch": epoch}."""
    if report["error"]:
        _raised("save_checkpoint", report["error"])
    if not report["exists"]:
        fail("save_checkpoint wrote no file at `path`: call torch.save(checkpoint, path) with the path you are given",
             "save_checkpoint가 `path`에 파일을 만들지 않았습니다. 받은 경로로 torch.save(checkpoint, path)를 "
             "호출하세요")
    kinds = report["kinds"] or {}
    if "module" in kinds.values():
        fail("the checkpoint holds the whole model object: save model.state_dict(), a dict of tensors. A pickled "
             "nn.Module ties the file to your code and cannot be read with torch.load(..., weights_only=True)",
             "체크포인트에 모델 객체 전체를 저장했습니다. 텐서의 딕셔너리인 model.state_dict()를 저장하세요. "
             "nn.Module을 통째로 pickle하면 파일이 코드에 묶이고, torch.load(..., weights_only=True)로 읽을 수 "
             "없습니다")
    if "optimizer" in kinds.values():
        fail("the checkpoint holds the optimizer object itself: save optimizer.state_dict()",
             "체크포인트에 옵티마이저 객체 자체를 저장했습니다. optimizer.state_dict()를 저장하세요")
    if not report["weights_only_loads"]:
        fail("the file cannot be read with torch.load(path, weights_only=True): save only state_dicts and plain "
             "numbers, not objects",
             "이 파일은 torch.load(path, weights_only=True)로 읽을 수 없습니다. 객체가 아니라 state_dict와 "
             "숫자만 저장하세요")
    if report["keys"] != KEYS:
        got = report["keys"] if report["keys"] is not None else f"a {kinds.get('(file)')}, not a dict"
        fail('the checkpoint must be a dict with exactly the keys "model", "optimizer" and "epoch"',
             '체크포인트는 정확히 "model", "optimizer", "epoch" 세 키를 가진 딕셔너리여야 합니다',
             [{"en": f"the file holds: {got}", "ko": f"파일에 든 것: {got}"}])
    if not report["model_matches"]:
        fail('checkpoint["model"] is not the model\'s state_dict: save model.state_dict()',
             'checkpoint["model"]이 모델의 state_dict가 아닙니다. model.state_dict()를 저장하세요')
    if not report["optimizer_matches"]:
        fail('checkpoint["optimizer"] is not the optimizer\'s state_dict: save optimizer.state_dict(), which holds '
             "its hyperparameters and its state (Adam's moment estimates)",
             'checkpoint["optimizer"]가 옵티마이저의 state_dict가 아닙니다. optimizer.state_dict()를 저장하세요. '
             "여기에 하이퍼파라미터와 옵티마이저의 상태(Adam의 모멘트 추정값)가 들어 있습니다")
    if report["epoch"] != epoch:
        fail('checkpoint["epoch"] is not the epoch you were given: save `epoch` as it is',
             'checkpoint["epoch"]가 받은 epoch 값과 다릅니다. `epoch`를 그대로 저장하세요',
             [{"en": f'checkpoint["epoch"] is {report["epoch"]!r}, expected {epoch}',
               "ko": f'checkpoint["epoch"]: {report["epoch"]!r}, 기댓값: {epoch}'}])


def check_weights_only(loads, function):
    if not loads:
        fail(f"{function} never called torch.load: read the checkpoint with torch.load(path, weights_only=True)",
             f"{function}에서 torch.load를 호출하지 않았습니다. torch.load(path, weights_only=True)로 "
             "체크포인트를 읽으세요")
    if any(value is not True for value in loads):
        how = "without weights_only" if "missing" in loads else "with weights_only=False"
        how_ko = "weights_only 없이" if "missing" in loads else "weights_only=False로"
        fail(f"{function} called torch.load {how}: pass weights_only=True. It lets torch.load rebuild only "
             "tensors and plain containers; without it (the default before PyTorch 2.6) a checkpoint file can "
             "run any code when it is loaded",
             f"{function}에서 torch.load를 {how_ko} 호출했습니다. weights_only=True를 넘기세요. 그래야 "
             "torch.load가 텐서와 기본 컨테이너만 복원합니다. 이 옵션이 없으면(PyTorch 2.6 이전의 기본값) "
             "체크포인트 파일을 읽는 순간 임의의 코드가 실행될 수 있습니다")


def check_loaded(facts, expected_output):
    """The model load_model returned: the saved weights and buffers, evaluation mode, the saved model's output."""
    if facts["returned"] != "module":
        fail(f"load_model returned a {facts['returned']}: return the model you loaded the weights into",
             f"load_model이 돌려준 값이 모델이 아니라 {facts['returned']}입니다. 가중치를 불러온 모델을 돌려주세요")
    if not facts["state_matches"]:
        fail("the model load_model returned does not hold the saved weights: call "
             'model.load_state_dict(checkpoint["model"]). model.state_dict() returns a new dict, so changing or '
             "updating that dict leaves the model as it was",
             "load_model이 돌려준 모델에 저장된 가중치가 들어 있지 않습니다. "
             'model.load_state_dict(checkpoint["model"])를 호출하세요. model.state_dict()는 새 딕셔너리를 '
             "돌려주기 때문에, 그 딕셔너리를 바꾸거나 update해도 모델은 그대로입니다")
    if facts["training"]:
        fail("the loaded model is still in training mode: call model.eval() before returning it, so dropout is off "
             "and batch norm uses its running statistics",
             "불러온 모델이 아직 학습 모드입니다. 돌려주기 전에 model.eval()을 호출하세요. 그래야 드롭아웃이 "
             "꺼지고 배치 정규화가 저장된 이동 평균(running) 통계을 씁니다")
    expect_close(facts["output"], expected_output,
                 what={"en": "the loaded model's output", "ko": "불러온 모델의 출력"})
    if not torch.equal(facts["output"], expected_output):
        fail("the loaded model's output is not exactly that of the saved model: a round trip through "
             "state_dict, torch.save and torch.load must copy every value exactly",
             "불러온 모델의 출력이 저장한 모델의 출력과 정확히 같지 않습니다. state_dict, torch.save, torch.load를 "
             "거쳐도 모든 값이 그대로 복사되어야 합니다")


def check_resumed(epoch_back, epoch, losses, expected_losses, optimizer_loaded=None):
    if epoch_back != epoch:
        fail('resume did not return the saved epoch: return checkpoint["epoch"] as it is',
             'resume이 저장된 epoch를 돌려주지 않았습니다. checkpoint["epoch"]를 그대로 돌려주세요',
             [{"en": f"resume returned {epoch_back!r}, expected {epoch}",
               "ko": f"resume이 돌려준 값: {epoch_back!r}, 기댓값: {epoch}"}])
    if optimizer_loaded is False:
        fail("the optimizer's state was not restored, so the resumed run starts with a fresh optimizer (no "
             'momentum, no Adam moments): call optimizer.load_state_dict(checkpoint["optimizer"])',
             "옵티마이저의 상태를 복원하지 않아서, 이어서 하는 학습이 새 옵티마이저(모멘텀도, Adam의 모멘트도 "
             '없는 상태)로 시작합니다. optimizer.load_state_dict(checkpoint["optimizer"])를 호출하세요')
    expect_close(torch.tensor(losses, dtype=torch.float64), torch.tensor(expected_losses, dtype=torch.float64),
                 dtype=torch.float32, check_dtype=False,
                 what={"en": "the losses after resuming", "ko": "이어서 학습한 손실"})
    if losses != expected_losses:
        fail("training after resume does not repeat the run that never stopped exactly: load both the model's "
             "and the optimizer's state_dict",
             "이어서 한 학습이 중단 없이 계속한 학습과 정확히 같지 않습니다. 모델과 옵티마이저의 state_dict를 "
             "모두 불러오세요")


@pytest.fixture
def checks():
    import types
    return types.SimpleNamespace(file=check_file, weights_only=check_weights_only, loaded=check_loaded,
                                 resumed=check_resumed, raised=_raised)
