# Makefile: builds libmpavs, the mpavs binaries, tests, benchmarks and fuzzers.
#
#   make          library and binaries (build/bin/)
#   make test     everything, then every test (C under ASan+UBSan, Solidity, end-to-end)
#   make bench    benchmarks (release build), prints a table
#   make devnet   the whole system on local chains (make devnet-clean: start over)
#   make fuzz     longer fuzz runs (clang libFuzzer)
#   make conformance ETHEREUM_TESTS=DIR   the EVM against a checkout of ethereum/tests
#   make fmt      clang-format + forge fmt;  make clean
#
# Every target first runs scripts/setup.sh (apt and npm dependencies, idempotent)
# when its stamp is older than the setup script or the npm lockfile.

SHELL := /bin/bash
.DEFAULT_GOAL := all
MAKEFLAGS += --no-builtin-rules
ifndef MPAVS_SUBMAKE
MAKEFLAGS += --jobs=$(shell nproc)
export MPAVS_SUBMAKE := 1
endif

ROOT := $(CURDIR)
# V=1 shows full compiler command lines.
ifeq ($(V),1)
Q :=
say = @true
else
Q := @
say = @printf '  %-6s %s\n' $(1) $(2)
endif
B := build
export PATH := $(ROOT)/node_modules/.bin:$(PATH)

CC ?= cc
ifeq ($(CC),cc)
CC := gcc
endif
FUZZ_CC := clang

CSTD := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wvla
INC := -Iinclude -Isrc/lib
DEPS := -MMD -MP
LIBS := -lsecp256k1 -lcurl -lmicrohttpd -ljansson -lsqlite3 -lcrypto -lpthread -lm

REL_FLAGS := -O2 -g
SAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_FLAGS := -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all

LIB_SRC := $(sort $(shell find src/lib -name '*.c'))
SUPPORT_SRC := $(sort $(wildcard tests/support/*.c))
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
INTEG_SRC := $(sort $(wildcard tests/integration/test_*.c))
BENCH_SRC := $(sort $(wildcard bench/bench_*.c))
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))

# Programs: src/cli -> mpavs, src/<daemon> -> mpavs-<daemon>.
PROG_DIRS := $(sort $(filter-out src/lib,$(patsubst %/,%,$(dir $(wildcard src/*/main.c)))))
prog_name = $(if $(filter src/cli,$(1)),mpavs,mpavs-$(notdir $(1)))
PROGS := $(foreach d,$(PROG_DIRS),$(B)/bin/$(call prog_name,$(d)))

REL_LIB := $(B)/rel/libmpavs.a
SAN_LIB := $(B)/san/libmpavs.a
FUZZ_LIB := $(B)/fuzz/libmpavs.a
SETUP := $(B)/.setup-done

UNIT_BINS := $(patsubst tests/unit/%.c,$(B)/san/tests/unit/%,$(UNIT_SRC))
INTEG_BINS := $(patsubst tests/integration/%.c,$(B)/san/tests/integration/%,$(INTEG_SRC))
BENCH_BINS := $(patsubst bench/%.c,$(B)/rel/bench/%,$(BENCH_SRC))
FUZZ_BINS := $(patsubst tests/fuzz/%.c,$(B)/fuzz/%,$(FUZZ_SRC))
SAN_PROGS := $(foreach d,$(PROG_DIRS),$(B)/san/bin/$(call prog_name,$(d)))

# Keep objects of pattern-built binaries (make would delete them as intermediates).
.SECONDARY:

.PHONY: all setup test tests bench devnet devnet-clean fuzz fmt fmt-check clean conformance
all: $(PROGS)

setup: $(SETUP)
$(SETUP): scripts/setup.sh package-lock.json
	@scripts/setup.sh
	@mkdir -p $(B) && touch $@

# ---- objects -------------------------------------------------------------
$(B)/rel/obj/%.o: %.c | $(SETUP)
	@mkdir -p $(@D)
	$(call say,CC,$<)
	$(Q)$(CC) $(CSTD) $(WARN) $(REL_FLAGS) $(INC) -Itests/support $(DEPS) -c $< -o $@

$(B)/san/obj/%.o: %.c | $(SETUP)
	@mkdir -p $(@D)
	$(call say,CC-SAN,$<)
	$(Q)$(CC) $(CSTD) $(WARN) $(SAN_FLAGS) $(INC) -Itests/support $(DEPS) -c $< -o $@

$(B)/fuzz/obj/%.o: %.c | $(SETUP)
	@mkdir -p $(@D)
	$(call say,CC-FUZ,$<)
	$(Q)$(FUZZ_CC) $(CSTD) $(WARN) $(FUZZ_FLAGS) $(INC) -Itests/support $(DEPS) -c $< -o $@

lib_objs = $(patsubst %.c,$(B)/$(1)/obj/%.o,$(LIB_SRC))
$(REL_LIB): $(call lib_objs,rel)
	@rm -f $@; ar rcs $@ $^
$(SAN_LIB): $(call lib_objs,san)
	@rm -f $@; ar rcs $@ $^
$(FUZZ_LIB): $(call lib_objs,fuzz)
	@rm -f $@; ar rcs $@ $^

# ---- programs --------------------------------------------------------------
define PROG_RULES
$(B)/bin/$(call prog_name,$(1)): $(patsubst %.c,$(B)/rel/obj/%.o,$(wildcard $(1)/*.c)) $(REL_LIB)
	@mkdir -p $$(@D)
	$(call say,LINK,$$@)
	$(Q)$(CC) $(REL_FLAGS) -o $$@ $$^ $(LIBS)
$(B)/san/bin/$(call prog_name,$(1)): $(patsubst %.c,$(B)/san/obj/%.o,$(wildcard $(1)/*.c)) $(SAN_LIB)
	@mkdir -p $$(@D)
	$(call say,LINK,$$@)
	$(Q)$(CC) $(SAN_FLAGS) -o $$@ $$^ $(LIBS)
endef
$(foreach d,$(PROG_DIRS),$(eval $(call PROG_RULES,$(d))))

# ---- tests -----------------------------------------------------------------
SAN_SUPPORT := $(patsubst %.c,$(B)/san/obj/%.o,$(SUPPORT_SRC))
$(B)/san/tests/%: $(B)/san/obj/tests/%.o $(SAN_SUPPORT) $(SAN_LIB)
	@mkdir -p $(@D)
	$(call say,LINK,$@)
	$(Q)$(CC) $(SAN_FLAGS) -o $@ $^ $(LIBS)

tests: $(PROGS) $(SAN_PROGS) $(UNIT_BINS) $(INTEG_BINS) $(if $(FUZZ_SRC),$(FUZZ_BINS))

# A build failure still ends with the summary line CI looks for.
test: $(SETUP)
	@$(MAKE) --no-print-directory tests || { echo "0 passed, 1 failed (build failed)"; exit 1; }
	@scripts/run-tests.sh

# ---- benchmarks --------------------------------------------------------------
# Benchmarks may use the test fixtures (anvil, the devnet of avsworld.h).
REL_SUPPORT := $(patsubst %.c,$(B)/rel/obj/%.o,$(SUPPORT_SRC))
$(B)/rel/bench/%: $(B)/rel/obj/bench/%.o $(B)/rel/obj/bench/bench.o $(REL_SUPPORT) $(REL_LIB)
	@mkdir -p $(@D)
	$(call say,LINK,$@)
	$(Q)$(CC) $(REL_FLAGS) -o $@ $^ $(LIBS)

bench: $(BENCH_BINS) $(PROGS)
	@scripts/run-bench.sh

# ---- fuzzing -----------------------------------------------------------------
$(B)/fuzz/%: $(B)/fuzz/obj/tests/fuzz/%.o $(FUZZ_LIB)
	@mkdir -p $(@D)
	$(call say,LINK,$@)
	$(Q)$(FUZZ_CC) -fsanitize=fuzzer,address,undefined -o $@ $^ $(LIBS)

fuzz: $(FUZZ_BINS)
	@scripts/run-fuzz.sh $${FUZZ_SECONDS:-300}

# ---- EVM conformance -----------------------------------------------------------
conformance: $(PROGS)
	@test -n "$(ETHEREUM_TESTS)" || { echo "usage: make conformance ETHEREUM_TESTS=DIR"; exit 2; }
	@scripts/evm-conformance.sh "$(ETHEREUM_TESTS)"

# ---- devnet ------------------------------------------------------------------
# The contracts are compiled here (forge build), so the deployment inside devnet.sh does not.
devnet: $(PROGS)
	@cd contracts && forge build --quiet
	@scripts/devnet.sh

devnet-clean:
	rm -rf .devnet

# ---- formatting --------------------------------------------------------------
C_FILES = $(shell scripts/c-files.sh)
fmt: $(SETUP)
	clang-format -i $(C_FILES)
	@if [ -f contracts/foundry.toml ]; then cd contracts && forge fmt; fi

fmt-check: $(SETUP)
	clang-format --dry-run --Werror $(C_FILES)
	@if [ -f contracts/foundry.toml ]; then cd contracts && forge fmt --check; fi

clean:
	rm -rf $(B) contracts/out contracts/cache

-include $(shell find $(B) -name '*.d' 2>/dev/null)
