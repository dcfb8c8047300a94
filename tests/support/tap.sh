# tap.sh: the TAP-like reporting of the shell tests (tests/cli/*.sh), sourced
# by them; scripts/run-tests.sh counts the "ok N" / "not ok N" lines.
#
#   ok NAME                  passes
#   notok NAME [DETAIL...]   fails, each DETAIL on a "# " line
#   same NAME GOT WANT       passes when GOT == WANT (both non-empty)
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "# $l"; done; }
same() { if [ -n "$2" ] && [ "$2" = "$3" ]; then ok "$1"; else notok "$1" "got:  $2" "want: $3"; fi; }
