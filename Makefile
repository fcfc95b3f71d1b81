# weft: the two commands are `make run` and `make test`; both start from a fresh clone.
JOBS ?= $(shell nproc)
BUILD ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
CMAKE_FLAGS ?=
# Ninja when it is installed (scripts/deps.sh installs it), else Makefiles. The generator is
# chosen only when a build directory is first configured: one made with another generator
# keeps it (cmake refuses to switch the generator of an existing cache).
GENERATOR ?= $(if $(shell command -v ninja 2>/dev/null),Ninja,Unix Makefiles)
new_cache = $(if $(wildcard $(1)/CMakeCache.txt),,-G "$(GENERATOR)")

.PHONY: all deps configure build run test test-asan bench fuzz format clean

all: build

deps:
	./scripts/deps.sh

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -G "$(GENERATOR)" -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS)

configure: deps $(BUILD)/CMakeCache.txt

build: configure
	cmake --build $(BUILD) -j $(JOBS)

# The web server with the site built into the binary and the notes REST demo (its SQLite
# database in the build directory): open http://127.0.0.1:8080
# Builds only the weft program (weft_cli; the site is compiled into it), not the tests.
run: configure
	@test -x $(BUILD)/bin/weft || echo "make run: first build of weft (not the tests):" \
		"about 2 minutes on 2 idle cores; later runs rebuild only what changed."
	cmake --build $(BUILD) -j $(JOBS) --target weft_cli
	$(BUILD)/bin/weft serve --listen 127.0.0.1:8080 --demo-db $(BUILD)/notes.db

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 300

test-asan: deps
	cmake -S . -B $(ASAN_BUILD) $(call new_cache,$(ASAN_BUILD)) -DCMAKE_BUILD_TYPE=Debug -DWEFT_SANITIZE=ON -DWEFT_BENCH=OFF
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
		ctest --output-on-failure -j $(JOBS) --timeout 600

bench: build
	./bench/run.sh $(BUILD)

# Runs every libFuzzer target for FUZZ_SECONDS each on a copy of its committed corpus.
fuzz: deps
	CXX=clang++ cmake -S . -B $(FUZZ_BUILD) $(call new_cache,$(FUZZ_BUILD)) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWEFT_FUZZ=ON \
		-DWEFT_TESTS=OFF -DWEFT_BENCH=OFF -DBUILD_TESTING=OFF
	cmake --build $(FUZZ_BUILD) -j $(JOBS)
	./fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

format:
	git ls-files '*.hpp' '*.cpp' | xargs clang-format -i

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
