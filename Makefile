# torchkata: `make demo` and `make test` set everything up on a fresh machine; both are idempotent.
PYTHON     ?= python3
VENV       ?= .venv
# Installed first, so the project's own `torch>=2.1` requirement is already met and pip never
# pulls a multi-GB CUDA build. On other machines choose, for example:
#   make demo TORCH_SPEC='torch' TORCH_PIP_ARGS='--index-url https://download.pytorch.org/whl/cpu'
TORCH_SPEC     ?= torch==2.13.0
TORCH_PIP_ARGS ?=
PIP_ARGS       ?= -q

BIN   := $(VENV)/bin
STAMP := $(VENV)/.torchkata-installed

.PHONY: install demo test validate bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -c "import torch" 2>/dev/null || $(BIN)/pip install $(PIP_ARGS) $(TORCH_PIP_ARGS) "$(TORCH_SPEC)"
	$(BIN)/pip install $(PIP_ARGS) -e '.[test]'
	@touch $@

demo: install
	@echo "== kata list"
	@$(BIN)/kata list
	@echo
	@echo "== kata check stable-softmax --submission examples/stable_softmax_attempt.py"
	@$(BIN)/kata check stable-softmax --submission examples/stable_softmax_attempt.py || true

test: install
	$(BIN)/python -m pytest
	$(BIN)/kata validate --all

bench: install
	$(BIN)/python bench/cold_check.py
	$(BIN)/python bench/batch_throughput.py

clean:
	rm -rf $(VENV) build *.egg-info
