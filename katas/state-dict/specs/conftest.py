"""Shared checks for the state-dict specs: each failure names what the checkpoint or the loaded model lacks.

What decides a point is computed here, on the trusted side. The learner's functions run in the worker
(harness.py) on models, optimizers and files built there, and the drivers return observations only:
the bytes of the file save_checkpoint wrote (loaded here with torch.load(..., weights_only=True), never
in the learner's process), a loaded model's state_dict and output, a resumed run's losses. Every one is
compared with what the reference's functions give in the same driver, in their own process; the
checkpoints the learner's load_model and resume are given are the reference's own files. A round trip
through state_dict, torch.save and torch.load copies values exactly, so everything must match exactly.

How torch.load was called cannot be seen from outside the learner's process. It is established by
what it does: under PyTorch's pre-2.6 default (simulated), load_model must refuse a checkpoint holding a
pickled object, as torch.load(path, weights_only=True) does, and the source must pass weights_only.
"""
import types

import pytest
import torch

from torchkata.spec import expect_close, fail, first_difference, load_saved, refused_names, source_mentions

KEYS = ["epoch", "model", "optimizer"]


def make_data(kind, seed, n=16):
    gen = torch.Generator().manual_seed(1000 + seed)
    outputs = {"mlp": 3, "bn": 2}[kind]
    return torch.randn(n, 4, generator=gen), torch.randn(n, outputs, generator=gen)


def _raised(function, message):
    fail(f"{function} raised an exception", f"{function}에서 예외가 발생했습니다",
         [{"en": f"your code raised {message}", "ko": f"코드에서 예외가 발생했습니다: {message}"}])


def reference_file(ref, kind, seed, epoch, optimizer="adam"):
    """A checkpoint as the prompt describes it, written by the reference's save_checkpoint in its own process."""
    x, y = make_data(kind, seed)
    return ref.harness.save_file(kind, seed, x, y, epoch, "reference.pt", optimizer)["file"]


def check_file(report, expected_report, epoch):
    """The file save_checkpoint wrote, loaded here: {"model": state_dict, "optimizer": state_dict, "epoch": epoch},
    with the same values as the reference's file from the same training run."""
    if report["error"]:
        _raised("save_checkpoint", report["error"])
    if report["file"] is None:
        fail("save_checkpoint wrote no file at `path`: call torch.save(checkpoint, path) with the path you are given",
             "save_checkpoint가 `path`에 파일을 만들지 않았습니다. 받은 경로로 torch.save(checkpoint, path)를 "
             "호출하세요")
    objects = refused_names(report["file"])
    if any(name.startswith("torch.nn.modules.") for name in objects):
        fail("the checkpoint holds the whole model object: save model.state_dict(), a dict of tensors. A pickled "
             "nn.Module ties the file to your code and cannot be read with torch.load(..., weights_only=True)",
             "체크포인트에 모델 객체 전체를 저장했습니다. 텐서의 딕셔너리인 model.state_dict()를 저장하세요. "
             "nn.Module을 통째로 pickle하면 파일이 코드에 묶이고, torch.load(..., weights_only=True)로 읽을 수 "
             "없습니다")
    if any(name.startswith("torch.optim.") for name in objects):
        fail("the checkpoint holds the optimizer object itself: save optimizer.state_dict()",
             "체크포인트에 옵티마이저 객체 자체를 저장했습니다. optimizer.state_dict()를 저장하세요")
    saved = load_saved(report["file"], what={"en": "the checkpoint file", "ko": "체크포인트 파일"})
    expected = load_saved(expected_report["file"])
    if not isinstance(saved, dict) or sorted(str(k) for k in saved) != KEYS:
        got = sorted(str(k) for k in saved) if isinstance(saved, dict) else f"a {type(saved).__name__}, not a dict"
        fail('the checkpoint must be a dict with exactly the keys "model", "optimizer" and "epoch"',
             '체크포인트는 정확히 "model", "optimizer", "epoch" 세 키를 가진 딕셔너리여야 합니다',
             [{"en": f"the file holds: {got}", "ko": f"파일에 든 것: {got}"}])
    if first_difference(saved["model"], expected["model"]) is not None:
        fail('checkpoint["model"] is not the model\'s state_dict: save model.state_dict()',
             'checkpoint["model"]이 모델의 state_dict가 아닙니다. model.state_dict()를 저장하세요',
             [{"en": f"first difference at {first_difference(saved['model'], expected['model'])}",
               "ko": f"처음 다른 곳: {first_difference(saved['model'], expected['model'])}"}])
    if first_difference(saved["optimizer"], expected["optimizer"]) is not None:
        fail('checkpoint["optimizer"] is not the optimizer\'s state_dict: save optimizer.state_dict(), which holds '
             "its hyperparameters and its state (Adam's moment estimates)",
             'checkpoint["optimizer"]가 옵티마이저의 state_dict가 아닙니다. optimizer.state_dict()를 저장하세요. '
             "여기에 하이퍼파라미터와 옵티마이저의 상태(Adam의 모멘트 추정값)가 들어 있습니다")
    if first_difference(saved["epoch"], expected["epoch"]) is not None:
        fail('checkpoint["epoch"] is not the epoch you were given: save `epoch` as it is',
             'checkpoint["epoch"]가 받은 epoch 값과 다릅니다. `epoch`를 그대로 저장하세요',
             [{"en": f'checkpoint["epoch"] is {saved["epoch"]!r}, expected {epoch}',
               "ko": f'checkpoint["epoch"]: {saved["epoch"]!r}, 기댓값: {epoch}'}])


def check_loaded(facts, expected):
    """What load_model gave, against what the reference's load_model gave for the same file and fresh model:
    a model holding the saved weights and buffers, in evaluation mode, with the saved model's output."""
    if facts["error"]:
        _raised("load_model", facts["error"])
    if facts["returned"] != "module":
        fail(f"load_model returned a {facts['returned']}: return the model you loaded the weights into",
             f"load_model이 돌려준 값이 모델이 아니라 {facts['returned']}입니다. 가중치를 불러온 모델을 돌려주세요")
    if first_difference(facts["state"], expected["state"]) is not None:
        fail("the model load_model returned does not hold the saved weights: call "
             'model.load_state_dict(checkpoint["model"]). model.state_dict() returns a new dict, so changing or '
             "updating that dict leaves the model as it was",
             "load_model이 돌려준 모델에 저장된 가중치가 들어 있지 않습니다. "
             'model.load_state_dict(checkpoint["model"])를 호출하세요. model.state_dict()는 새 딕셔너리를 '
             "돌려주기 때문에, 그 딕셔너리를 바꾸거나 update해도 모델은 그대로입니다")
    if first_difference(facts["output"], expected["output"]) is not None:
        if facts["training"] and not expected["training"]:
            fail("the loaded model is still in training mode: call model.eval() before returning it, so dropout "
                 "is off and batch norm uses its running statistics",
                 "불러온 모델이 아직 학습 모드입니다. 돌려주기 전에 model.eval()을 호출하세요. 그래야 드롭아웃이 "
                 "꺼지고 배치 정규화가 저장된 이동 평균(running) 통계를 씁니다")
        expect_close(facts["output"], expected["output"],
                     what={"en": "the loaded model's output", "ko": "불러온 모델의 출력"})
        fail("the loaded model's output is not exactly that of the saved model: a round trip through "
             "state_dict, torch.save and torch.load must copy every value exactly",
             "불러온 모델의 출력이 저장한 모델의 출력과 정확히 같지 않습니다. state_dict, torch.save, torch.load를 "
             "거쳐도 모든 값이 그대로 복사되어야 합니다")
    if facts["training"] != expected["training"]:     # a claim of the learner's process: it can only cost
        fail("the loaded model is still in training mode: call model.eval() before returning it",
             "불러온 모델이 아직 학습 모드입니다. 돌려주기 전에 model.eval()을 호출하세요")


def check_refuses_pickled_objects(sub, refused, expected, function):
    """Under PyTorch's pre-2.6 default (simulated), a checkpoint holding a pickled object must be refused,
    as torch.load(path, weights_only=True) refuses it; and `function`'s source must pass weights_only.
    (The specs check in the same test that the function loads a plain checkpoint right.)"""
    loads_anything = {"en": f"{function} loaded a checkpoint that holds a pickled object (an argparse.Namespace): "
                            "call torch.load(path, weights_only=True). With weights_only=True torch.load rebuilds "
                            "only tensors and plain containers; without it (the default before PyTorch 2.6) "
                            "a checkpoint file can run any code when it is loaded",
                      "ko": f"{function}가 pickle된 객체(argparse.Namespace)가 든 체크포인트를 불러왔습니다. "
                            "torch.load(path, weights_only=True)를 호출하세요. weights_only=True면 torch.load가 "
                            "텐서와 기본 컨테이너만 복원합니다. 이 옵션이 없으면(PyTorch 2.6 이전의 기본값) "
                            "체크포인트 파일을 읽는 순간 임의의 코드가 실행될 수 있습니다"}
    if refused != expected or "weights_only" not in source_mentions(sub, "weights_only", within=function):
        fail(loads_anything["en"], loads_anything["ko"])


def check_resumed(report, expected, epoch):
    """A resumed run against the reference's from the same file: the saved epoch, then the same losses and
    final state, step for step (which is also the run that never stopped)."""
    if report["error"]:
        _raised("resume", report["error"])
    if report["epoch"] != expected["epoch"]:
        fail('resume did not return the saved epoch: return checkpoint["epoch"] as it is',
             'resume이 저장된 epoch를 돌려주지 않았습니다. checkpoint["epoch"]를 그대로 돌려주세요',
             [{"en": f"resume returned {report['epoch']!r}, expected {epoch}",
               "ko": f"resume이 돌려준 값: {report['epoch']!r}, 기댓값: {epoch}"}])
    if report["losses"] == expected["losses"] and first_difference(report["state"], expected["state"]) is None:
        return
    if report.get("training") is False and expected.get("training"):     # a claim: it only picks the message
        fail("resume left the model in evaluation mode, so the training that goes on right after it ran without "
             "dropout and with batch norm frozen: leave the model in training mode (no model.eval() in resume)",
             "resume이 모델을 평가 모드로 바꿔 두어서, 바로 이어지는 학습이 드롭아웃 없이, 배치 정규화를 고정한 채로 "
             "진행되었습니다. 모델은 학습 모드 그대로 두세요 (resume에서는 model.eval()을 호출하지 않습니다)")
    if report["optimizer_state"] == 0 and expected["optimizer_state"] != 0:
        fail("the optimizer's state was not restored, so the resumed run starts with a fresh optimizer (no "
             'momentum, no Adam moments): call optimizer.load_state_dict(checkpoint["optimizer"])',
             "옵티마이저의 상태를 복원하지 않아서, 이어서 하는 학습이 새 옵티마이저(모멘텀도, Adam의 모멘트도 "
             '없는 상태)로 시작합니다. optimizer.load_state_dict(checkpoint["optimizer"])를 호출하세요')
    expect_close(torch.tensor(report["losses"], dtype=torch.float64),
                 torch.tensor(expected["losses"], dtype=torch.float64), dtype=torch.float32, check_dtype=False,
                 what={"en": "the losses after resuming", "ko": "이어서 학습한 손실"})
    fail("training after resume does not repeat the run that never stopped exactly: load both the model's "
         "and the optimizer's state_dict",
         "이어서 한 학습이 중단 없이 계속한 학습과 정확히 같지 않습니다. 모델과 옵티마이저의 state_dict를 "
         "모두 불러오세요")


def check_round_trip(report, expected, function_names):
    """save_checkpoint, load_model and resume of the learner, one after the other, against the reference's."""
    if report["error"]:
        _raised(function_names, report["error"])
    for facts, want in zip(report["models"], expected["models"]):
        check_file({"error": None, "file": facts["file"]}, {"file": want["file"]}, want["epoch"])
        check_loaded({"error": None, **facts}, want)
        check_resumed({"error": None, "optimizer_state": None, "state": None, **facts,
                       "training": facts.get("resumed_training")},
                      {"optimizer_state": None, "state": None, **want, "training": want.get("resumed_training")},
                      want["epoch"])


@pytest.fixture
def data():
    return make_data


@pytest.fixture
def checks():
    return types.SimpleNamespace(file=check_file, loaded=check_loaded, resumed=check_resumed,
                                 refuses_pickled_objects=check_refuses_pickled_objects,
                                 round_trip=check_round_trip, reference_file=reference_file, raised=_raised)
