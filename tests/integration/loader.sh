# SPDX-License-Identifier: GPL-2.0
# loader.sh - kernels as lkvm loads them: a raw binary (no Image header) at
# RAM + 0x80000, entered at its first byte; --firmware at the start of RAM
# or --firmware-address; --dtb instead of the generated tree.  A guest of
# random bytes is the guest's problem: signals still stop the vmm.  On the
# kernel's KVM and on vmm.ko.
# modes: vhe vhe-none
# timeout: 180
. /tests/lib.sh

args="-m 64"
use_vmm_ko

# The psci payload built raw: lkvm's place and entry, said at debug level.
run_payload psci 22 -k /firmware/psci.bin -c 4 $args --loglevel debug
expect_output 'vmm: kernel /firmware/psci.bin: no arm64 Image header: loaded raw at 0x80080000 and entered at its first byte' "vmm's debug log"

# An Image is never taken for a raw binary.
vmm_run run -k /firmware/psci.img -c 1 $args --loglevel debug
expect_output 'vmm: kernel at 0x80000000,' "vmm's debug log"
! grep -q 'loaded raw' "$out" || fail "an arm64 Image was loaded raw"

# Payloads as --firmware: the Image build is linked at the start of RAM,
# the raw build 0x80000 above it.  The DTB follows at the next 2 MiB.
run_payload psci 22 -f /firmware/psci.img -c 4 $args --loglevel info
expect_output '^vmm: firmware at 0x80000000 \([0-9]+ bytes\), DTB at 0x80200000$' "vmm's log"
run_payload psci 22 -f /firmware/psci.bin --firmware-address 0x80080000 -c 4 $args --loglevel info
expect_output '^vmm: firmware at 0x80080000 .*DTB at 0x80200000$' "vmm's log"
vmm_run run -f /firmware/psci.img --firmware-address 0x40000000 $args
expect_error 'firmware /firmware/psci.img: --firmware-address 0x40000000 is outside RAM 0x80000000-0x83ffffff'

# --dtb: the generated tree dumped, then given back; a broken one refused.
vmm run -k /firmware/psci.bin -c 4 $args --dump-dtb /tmp/psci.dtb < /dev/null ||
	fail "--dump-dtb failed"
run_payload psci 22 -k /firmware/psci.bin -c 4 $args --dtb /tmp/psci.dtb
head -c 100 /tmp/psci.dtb > /tmp/short.dtb
vmm_run run -k /firmware/psci.bin -c 4 $args --dtb /tmp/short.dtb
expect_error '--dtb /tmp/short.dtb: not a valid device tree blob: truncated'
expect_status 1

# Random bytes loaded raw: whatever they do, the vmm survives them and
# ends by itself or on SIGTERM, never by a crash.
for i in 1 2 3 4 5; do
	dd if=/dev/urandom of=/tmp/random.bin bs=4096 count=16 2>/dev/null
	vmm run -k /tmp/random.bin -c 2 $args < /dev/null > /tmp/random.out 2>&1 &
	pid=$!
	sleep 1
	kill -TERM $pid 2>/dev/null
	wait $pid
	status=$?
	tr -d '\r' < /tmp/random.out | tail -n 3
	echo "random guest $i: status $status"
	case $status in
	0|1|3|143) ;;
	*) fail "vmm ended with status $status on a guest of random bytes" ;;
	esac
done

# A raw guest spinning in place ("b ."): SIGTERM and SIGINT stop it.
printf '\000\000\000\024' > /tmp/spin.bin
for sig in TERM INT; do
	vmm run -k /tmp/spin.bin -c 1 $args < /dev/null > /tmp/spin.out 2>&1 &
	pid=$!
	sleep 1
	kill -$sig $pid
	wait $pid
	status=$?
	case $sig in
	TERM) expect_status 143 "vmm after SIGTERM to a spinning raw guest" ;;
	INT) expect_status 130 "vmm after SIGINT to a spinning raw guest" ;;
	esac
done
! on_vmm_ko || kmod_unload
echo "raw, firmware, dtb and random guests: all as expected"
