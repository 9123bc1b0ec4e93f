# SPDX-License-Identifier: GPL-2.0
# gdb-fw.sh - Debian's gdb with symbols (/firmware/gdb.elf) against the
# gdb payload through --gdb.  On the kernel's KVM, from --gdb-wait: the
# guest held at its first instruction (PC 0x80000000, x0 the DTB, read
# with the MMU off), a breakpoint on a C function with its argument, both
# vCPUs as threads, V0's 128 bits, a write watchpoint (old and new value)
# and a read one, variables written (the payload checks gdb_expect),
# stepi (a return), and a continue with a breakpoint inserted across the payload's
# own `brk #0x123`, which its handler must still get; gdb sees the guest
# exit.  On vmm.ko (no guest debug): attached to the running payload, the
# threads and variables read and written, a breakpoint refused with an
# error, detach; the payload ends on what gdb wrote.
# modes: vhe nvhe vhe-none
# timeout: 300
. /tests/lib.sh

args="-k /firmware/gdb.img -c 2 -m 64 -p gdb.forever"
use_vmm_ko
log=/tmp/gdbfw.vmm
run_gdb() {	# run_gdb GDB-ARGS...: batch gdb on :1234 with gdb.elf, output in $out
	out=/tmp/gdbfw.gdb
	timeout -s INT 200 gdb -nx -batch -ex 'set pagination off' -ex 'set confirm off' \
		-ex 'set remotetimeout 30' -ex 'file /firmware/gdb.elf' \
		-ex 'target remote 127.0.0.1:1234' "$@" > $out 2>&1
	status=$?
	cat $out
	[ $status = 0 ] || fail "gdb exited with status $status"
}

if ! on_vmm_ko; then
	vmm run $args --gdb 1234 --gdb-wait < /dev/null > $log 2>&1 &
	pid=$!
	run_gdb \
		-ex 'printf "wait-pc %#lx\n", $pc' -ex 'x/wx $x0' \
		-ex 'break gdb_target' -ex 'continue' \
		-ex 'printf "n=%lu\n", n' -ex 'info threads' \
		-ex 'printf "v0 %#lx %#lx\n", $v0.d.u[0], $v0.d.u[1]' \
		-ex 'delete' -ex 'watch gdb_watched' -ex 'continue' -ex 'continue' \
		-ex 'delete' -ex 'rwatch gdb_iterations' -ex 'continue' \
		-ex 'delete' -ex 'set var gdb_expect = 0x1234abcd' \
		-ex 'set var gdb_iterations = 10' -ex 'break gdb_loop_done' -ex 'continue' \
		-ex 'printf "pc-before %#lx\n", $pc' -ex 'stepi' -ex 'printf "pc-after %#lx\n", $pc' \
		-ex 'delete' -ex 'break gdb_target' -ex 'continue'
	expect_output '^wait-pc 0x80000000$' "the PC at --gdb-wait"
	expect_output '^0x[0-9a-f]+:[[:space:]]+0xedfe0dd0$' "the DTB's magic at x0 (MMU off)"
	expect_output '^Thread 1 hit Breakpoint 1, gdb_target \(n=(n@entry=)?0\)' "the breakpoint in gdb_target"
	expect_output '^n=0$' "gdb_target's argument"
	expect_output '^\* 1 +Thread 1 \(vCPU 0\) .*gdb_target' "thread 1 in gdb_target"
	expect_output '^  2 +Thread 2 \(vCPU 1\) .*gdb_spin' "thread 2 in gdb_spin"
	expect_output '^v0 0x123456789abcdef 0xfedcba9876543210$' "V0's 128 bits"
	expect_output '^Hardware watchpoint 2: gdb_watched$' "the watchpoint set"
	expect_output '^Thread 1 hit Hardware watchpoint 2: gdb_watched$' "the watchpoint hit"
	grep -A3 '^Old value = 1$' $out | grep -q '^New value = 2$' ||
		fail "the watchpoint did not show gdb_watched going from 1 to 2"
	expect_output '^Hardware read watchpoint 3: gdb_iterations$' "the read watchpoint set"
	expect_output '^Value = 18446744073709551615$' "the read watchpoint's hit"
	expect_output '^Thread 1 hit Breakpoint 4, gdb_loop_done \(rounds=(rounds@entry=)?10\)' "the loop ended at 10 rounds"
	# gdb_loop_done is empty: its first instruction returns to fw_main
	before=$(sed -n 's/^pc-before //p' $out)
	after=$(sed -n 's/^pc-after //p' $out)
	[ -n "$before" ] && [ -n "$after" ] && [ "$after" != "$before" ] ||
		fail "stepi went from $before to $after"
	grep -A1 '^pc-before' $out | grep -q '^fw_main () at ' || fail "stepi did not return to fw_main"
	expect_output '^\[Inferior 1 \(Remote target\) exited normally\]$' "gdb told of the guest's poweroff"
	wait $pid
	status=$?
	out=$log
	cat $out
	expect_output "^ok [0-9]+ - gdb: gdb_expect set by the debugger" "the payload saw gdb's write"
	expect_output "^ok [0-9]+ - gdb: the guest's own brk #0x123 reached its handler once" "the guest's own BRK"
	expect_output "^# gdb: [0-9]+ passed, 0 failed$" "the payload's summary"
	expect_status 0 "vmm after the payload"
fi

# attached to the running payload (every mode); on vmm.ko no breakpoint
vmm run $args --gdb 1234 < /dev/null > $log 2>&1 &
pid=$!
wait_for_output "^# gdb: gdb_target at" $log 30
set -- -ex 'info threads' -ex 'printf "spins %d\n", gdb_spin_count != 0' \
	-ex 'set var gdb_expect = 0x1234abcd' -ex 'printf "expect %#lx\n", gdb_expect'
on_vmm_ko && set -- "$@" -ex 'break gdb_target' -ex 'continue'
run_gdb "$@" -ex 'set var gdb_iterations = 1' -ex 'delete' -ex 'detach'
if on_vmm_ko; then
	expect_output '^Cannot insert breakpoint 1\.' "the breakpoint refused on vmm.ko"
	grep -q "has no guest debug" $log || fail "the vmm did not say why"
fi
expect_output '^  2 +Thread 2 \(vCPU 1\) .*gdb_spin' "thread 2 in gdb_spin"
expect_output '^spins 1$' "gdb_spin_count read"
expect_output '^expect 0x1234abcd$' "gdb_expect written and read back"
expect_output '^\[Inferior 1 \(Remote target\) detached\]$' "the detach"
wait $pid
status=$?
out=$log
cat $out
expect_output "^ok [0-9]+ - gdb: gdb_expect set by the debugger" "the payload saw gdb's write"
expect_output "^# gdb: [0-9]+ passed, 0 failed$" "the payload's summary"
expect_status 0 "vmm after the payload"
on_vmm_ko && expect_no_vm_left 5
true
