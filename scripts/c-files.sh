#!/usr/bin/env bash
# c-files.sh: lists the project's own C sources and headers (what clang-format checks).
cd "$(dirname "$0")/.." && find include src tests bench -name '*.[ch]' -not -path '*/corpus/*' | sort
