# SPDX-License-Identifier: GPL-2.0
# fw-bench.sh - the bench payload runs to completion and reports every
# benchmark (its figures are for `make bench`, not judged here).
# timeout: 180
. /tests/lib.sh

run_payload bench 9 -c 2 -m 64 --testdev
for b in hvc mmio_user mmio_kernel ipi eoi timer; do
	expect_output "^bench: $b [0-9]+\\.[0-9] ns/op" "the $b benchmark"
done
