# PGXS builds and installs the extension; CMake (CMakeLists.txt) builds the
# core's unit tests, fuzzers and benchmarks. Both compile src/core/*.cpp.
#
#   make && make install        build and install (PG_CONFIG=... to choose)
#   make demo                   the main job: set up, install, demo cluster
#   make test                   set up, build, run every test suite
#   make installcheck           pgTAP suites against the server of PG* vars
#   make sanitize-check         the pgTAP suites against an ASan/UBSan build

EXTENSION  = servicedesk
MODULE_big = servicedesk
CORE_SRCS := $(sort $(wildcard src/core/*.cpp))
GLUE_SRCS := $(sort $(wildcard src/pg/*.cpp))
OBJS       = $(CORE_SRCS:.cpp=.o) $(GLUE_SRCS:.cpp=.o)
DATA       = $(sort $(wildcard sql/servicedesk--*.sql))
PG_CPPFLAGS = -Isrc
PG_CXXFLAGS = -std=c++20 -Wextra -Wno-unused-parameter -Wno-missing-field-initializers \
              -Wno-register -Wno-cast-function-type $(SD_EXTRA_CXXFLAGS)
SHLIB_LINK = -lstdc++ $(SD_EXTRA_LDFLAGS)
ifeq ($(SD_WERROR),1)
PG_CXXFLAGS += -Werror
endif

# Bitcode for JIT inlining would be built by clang without PG_CXXFLAGS; the
# extension gains nothing from inlining, so it is not built.
override with_llvm = no

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs 2>/dev/null)
ifneq ($(wildcard $(PGXS)),)
include $(PGXS)
else
all:
	@echo "PostgreSQL server development files not found (postgresql-server-dev-15)."
	@echo "'make test' and 'make demo' install them; or: apt-get install postgresql-server-dev-15"
	@exit 1
endif

# Headers are not tracked by PGXS; rebuild when any of ours changes.
$(OBJS): $(wildcard src/core/*.hpp src/pg/*.hpp)

.PHONY: test demo installcheck sanitize-check bench
test:
	bash scripts/test.sh
demo:
	bash scripts/demo.sh
installcheck:
	bash scripts/pg_tests.sh
sanitize-check:
	bash scripts/sanitize.sh
bench:
	bash bench/run.sh
