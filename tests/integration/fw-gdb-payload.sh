# SPDX-License-Identifier: GPL-2.0
# fw-gdb-payload.sh - the gdb payload (the GDB stub's target) on its own, no
# debugger attached: its loop, its own BRK taken by its own handler, vCPU 1
# in gdb_spin, V0 kept, gdb_expect untouched; with gdb.forever it loops
# until stopped (--timeout), vCPU 1 in gdb_spin.  And gdb in L1 reads the
# payload's ELF: its symbols are where the running payload says they are.
# modes: vhe nvhe vhe-none nvhe-none
# timeout: 150
. /tests/lib.sh

command -v gdb > /dev/null || fail "no gdb on PATH in L1"
gdb -nx -batch -ex 'show version' > /tmp/gdb.out 2>&1 ||
	fail "gdb -batch failed: $(head -n 3 /tmp/gdb.out)"
head -n 1 /tmp/gdb.out
grep -q '^GNU gdb' /tmp/gdb.out || fail "gdb's version: $(head -n 1 /tmp/gdb.out)"
gdb -nx -batch -ex 'set architecture aarch64' -ex 'show architecture' > /tmp/gdb.out 2>&1
cat /tmp/gdb.out
grep -q 'The target architecture is set to "aarch64"' /tmp/gdb.out ||
	fail "gdb does not take aarch64: $(head -n 1 /tmp/gdb.out)"

run_payload gdb 12 -c 2 -m 64
expect_output '^ok [0-9]+ - gdb: gdb_expect untouched \(no debugger\)$' "the payload's gdb_expect check"
expect_output '^# gdb: 5000 rounds$' "the payload's loop"

# the symbols in /firmware/gdb.elf against the addresses the payload printed
addr=$(sed -n 's/^# gdb: gdb_target at \(0x[0-9a-f]*\),.*/\1/p' "$out")
[ -n "$addr" ] || fail "the payload printed no gdb_target address"
gdb -nx -batch -ex "info symbol $addr" -ex 'print fw_name' /firmware/gdb.elf > /tmp/gdb.out 2>&1
cat /tmp/gdb.out
grep -q '^gdb_target in section \.text' /tmp/gdb.out ||
	fail "gdb finds no gdb_target at $addr in gdb.elf: $(head -n 1 /tmp/gdb.out)"
# a string read from the ELF: gdb's charset conversion (glibc's iconv
# modules) is there, and it has no warning to give
grep -q '^\$1 = .*"gdb"$' /tmp/gdb.out || fail "gdb prints fw_name as: $(grep '^\$1' /tmp/gdb.out)"
! grep -q -i 'warning' /tmp/gdb.out || fail "gdb warned: $(grep -i -m1 warning /tmp/gdb.out)"

# gdb.forever: still looping when --timeout stops it; where were the vCPUs?
vmm_run run -k /firmware/gdb.img -c 2 -m 64 -p gdb.forever --timeout 4
expect_status 124 "vmm with gdb.forever and --timeout 4"
expect_output '^# gdb: .*looping until gdb_iterations is set$' "the forever loop's banner"
! grep -q '^# gdb: [0-9]* rounds' "$out" || fail "the forever loop ended on its own"
for cpu in 0 1; do
	pc=$(sed -n "s/^vcpu $cpu: pc \(0x[0-9a-f]*\).*/\1/p" "$out")
	[ -n "$pc" ] || fail "--timeout printed no pc for vcpu $cpu"
	gdb -nx -batch -ex "info symbol $pc" /firmware/gdb.elf > /tmp/gdb.out 2>&1
	echo "vcpu $cpu at $pc: $(cat /tmp/gdb.out)"
	case $cpu in
	0) want='(fw_main|gdb_target)' ;;
	1) want='gdb_spin' ;;
	esac
	grep -qE "^$want( \+ [0-9]+)? in section \.text" /tmp/gdb.out ||
		fail "vcpu $cpu is at $pc ($(head -n 1 /tmp/gdb.out)), expected in $want"
done
echo "the gdb payload: ok"
